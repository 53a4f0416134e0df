"""Sweeps: compile once, resume, failures, local processes vs a real Dask LocalCluster."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from brian2 import Hz, ms

from gatedplasticity import papers, sweep, workers
from gatedplasticity.parameters import ParameterError

DRIFT = papers.experiment("stdp-drift")


def test_one_registry_finds_the_package_experiments_and_a_users_by_name():
    assert sweep.get("burbank-if") is papers.experiment("burbank-if")
    assert sweep.points("stdp-drift", rows=[{}])[0].experiment is DRIFT
    assert sweep.get("counting").name == "counting"  # registered below by this module
    with pytest.raises(ParameterError, match="burbank-if.*stdp-drift") as error:
        sweep.get("no-such-sweep")
    assert error.value.parameter == "experiment"


def counting(values, seed, prepared):
    """A cheap experiment that logs every run to a file (to count runs across processes)."""
    with open(values["log"], "a") as log:
        log.write(f"{values['x']} {seed}\n")
    if values["x"] == 13:
        raise RuntimeError("x = 13 is unlucky")
    time.sleep(values["pause"])
    return {"y": 2 * values["x"] + seed}


sweep.register(sweep.Experiment("counting", {"x": 0.0, "pause": 0.0, "log": "runs.log"}, counting))


def test_bad_specs_raise_before_anything_runs(tmp_path):
    cases = [
        ("tau", lambda: sweep.points(DRIFT, grid={"tau": [1.0]})),
        ("rate", lambda: sweep.points(DRIFT, grid={"rate": [10 * ms]})),
        ("rate", lambda: sweep.points(DRIFT, grid={"rate": []})),
        ("rule", lambda: sweep.points(DRIFT, grid={"rule": [1.0]})),
        ("experiment", lambda: sweep.points("no-such-experiment", grid={"x": [1]})),
        ("repeats", lambda: sweep.points(DRIFT, grid={"mu": [0.01]}, repeats=0)),
        ("points", lambda: sweep.run_sweep([], tmp_path / "empty")),
    ]
    for parameter, call in cases:
        with pytest.raises(ParameterError) as error:
            call()
        assert error.value.parameter == parameter and parameter in str(error.value)
    assert not (tmp_path / "empty").exists()


@pytest.mark.standalone
def test_one_standalone_build_serves_every_point_and_matches_the_closed_form(tmp_path):
    sweep.release()
    structure = ("stdp-drift", ("reverse", 200, 20.0))
    builds_before = sweep.PREPARE_COUNT.get(structure, 0)
    points = sweep.points(DRIFT, grid={"alpha": [1.0, 1.5], "rate": [10 * Hz, 30 * Hz]}, repeats=2)
    table = sweep.run_sweep(points, tmp_path / "drift", workers=2, progress=False)
    assert len(table) == 8
    assert sweep.PREPARE_COUNT[structure] - builds_before == 1  # one build for all 8 points and both workers
    more = sweep.points(DRIFT, grid={"alpha": [2.0], "rate": [10 * Hz]}, repeats=2)
    assert len(sweep.run_sweep(more, tmp_path / "more", workers=2, progress=False)) == 2
    assert sweep.PREPARE_COUNT[structure] - builds_before == 1  # a later sweep reuses the runner's build
    # 200 independent synapses: the mean is within 4 standard errors of the exact expectation.
    assert np.all(np.abs(table["mean_dw"] - table["expected_dw"]) < 4 * table["sd_dw"] / np.sqrt(200))
    repeats = table.groupby(["alpha", "rate [hertz]"])["mean_dw"].nunique()
    assert (repeats == 2).all()  # the two seeds give different runs of the same binary
    assert (tmp_path / "drift" / "table.parquet").exists() and (tmp_path / "drift" / "provenance.json").exists()


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_table_as_local_processes(tmp_path):
    distributed = pytest.importorskip("distributed")
    points = sweep.points(DRIFT, grid={"mu": [0.01, 0.02]}, repeats=2)
    local = sweep.run_sweep(points, tmp_path / "local", workers=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            dask = sweep.run_sweep(points, tmp_path / "dask", executor=client, progress=False)
    columns = ["mu", "seed", "mean_dw", "sd_dw"]
    order = ["mu", "seed"]
    np.testing.assert_array_equal(local[columns].sort_values(order).to_numpy(), dask[columns].sort_values(order).to_numpy())


def test_a_failing_point_is_recorded_and_the_rest_finish(tmp_path):
    log = str(tmp_path / "runs.log")
    points = sweep.points("counting", grid={"x": [1.0, 13.0, 2.0], "log": [log]})
    table = sweep.run_sweep(points, tmp_path / "s", workers=2, progress=False)
    assert sorted(table["y"]) == [2.0, 4.0]
    store = sweep.Store(tmp_path / "s")
    assert store.status() == {"done": 2, "failed": 1}
    assert "x = 13 is unlucky" in store.entries("failed")[0]["traceback"]


def test_killed_sweep_resumes_without_recomputing_finished_points(tmp_path):
    log, folder = tmp_path / "runs.log", tmp_path / "sweep"
    script = tmp_path / "run_sweep.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_sweep import sweep
        points = sweep.points("counting", grid={{"x": [float(x) for x in range(12)], "pause": [0.2], "log": [{str(log)!r}]}})
        sweep.run_sweep(points, {str(folder)!r}, workers=1, progress=False)
    """))
    first = subprocess.Popen([sys.executable, str(script)])
    deadline = time.time() + 120
    while len(list((folder / "done").glob("[!.]*.json"))) < 4 and time.time() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    finished_before = len(list((folder / "done").glob("[!.]*.json")))  # hidden: a temporary the kill left
    runs_before = len(log.read_text().splitlines())
    assert 4 <= finished_before < 12 and runs_before <= finished_before + 1  # at most the point in flight is lost
    subprocess.run([sys.executable, str(script)], check=True, timeout=120)
    runs = log.read_text().splitlines()
    assert len(list((folder / "done").glob("[!.]*.json"))) == 12
    assert len(runs) - runs_before == 12 - finished_before  # only the unfinished points ran again
    assert len(runs) <= 12 + 1  # in total, at most the point in flight ran twice


def test_a_commit_that_leaves_the_package_unchanged_resumes_and_an_edit_starts_again(tmp_path, monkeypatch):
    log = tmp_path / "runs.log"
    points = sweep.points("counting", grid={"x": [1.0, 2.0], "log": [str(log)]})
    version = {"commit": "a" * 40, "dirty": False, "source": "0123456789abcdef"}
    monkeypatch.setattr(sweep, "code_version", lambda: dict(version))
    sweep.run_sweep(points, tmp_path / "s", workers=1, progress=False)
    version.update(commit="b" * 40)  # a later commit (docs, tests) with the same package source
    sweep.run_sweep(points, tmp_path / "s", workers=1, progress=False)
    assert len(log.read_text().splitlines()) == 2  # nothing ran again
    version.update(dirty=True, source="fedcba9876543210")  # an edit of the package, not committed
    table = sweep.run_sweep(points, tmp_path / "s", workers=1, progress=False)
    assert len(log.read_text().splitlines()) == 4  # both points ran again
    assert list(table["source"]) == ["fedcba9876543210"] * 2  # one row per point: this source's run
    folder = sweep.Store(tmp_path / "s").table()
    assert sorted(folder["source"]) == ["0123456789abcdef"] * 2 + ["fedcba9876543210"] * 2  # the folder keeps both
    more = sweep.points("counting", grid={"x": [1.0, 3.0], "log": [str(log)]})  # every finished point, once each
    assert sorted(sweep.run_sweep(more, tmp_path / "s", workers=1, progress=False)["x"]) == [1.0, 2.0, 3.0]


def test_a_finished_table_from_an_earlier_sweep_is_read_and_only_the_other_points_run(tmp_path, monkeypatch):
    """A new folder (a new machine) with a committed table of finished points: whatever code ran them, their
    rows are kept and their points are not run; a row of a point outside the sweep is left out."""
    log = tmp_path / "runs.log"
    points = sweep.points("counting", grid={"x": [1.0, 2.0, 3.0], "log": [str(log)]}, repeats=2)
    monkeypatch.setattr(sweep, "code_version", lambda: {"commit": None, "dirty": None, "source": "earlier code"})
    earlier = sweep.run_sweep(points[:4], tmp_path / "gone", workers=1, progress=False)
    stranger = sweep.points("counting", grid={"x": [9.0], "log": [str(log)]})
    earlier = pd.concat([earlier, sweep.run_sweep(stranger, tmp_path / "gone", workers=1, progress=False)])
    committed = tmp_path / "runs.csv"
    earlier.to_csv(committed, index=False)  # what a record keeps of it (the folder is then lost)
    monkeypatch.setattr(sweep, "code_version", lambda: {"commit": None, "dirty": None, "source": "this code"})
    log.write_text("")
    table = sweep.run_sweep(points, tmp_path / "new", workers=1, progress=False, finished=pd.read_csv(committed))
    assert len(log.read_text().splitlines()) == 2  # only the two points the table lacks ran
    assert sorted(table["point"]) == sorted(point.identity() for point in points)
    assert table["source"].tolist() == ["earlier code"] * 4 + ["this code"] * 2  # the committed rows first
    assert sorted(zip(table["x"], table["seed"])) == sorted((p.values["x"], p.seed) for p in points)
    assert len({point.identity() for point in points}) == 6  # repeats are different points
    with pytest.raises(ParameterError, match="finished.*'point'"):
        sweep.run_sweep(points, tmp_path / "new", progress=False, finished=pd.read_csv(committed).drop(columns="point"))


def dies_once(values, seed, prepared):
    """Kills its worker process the first time it runs a point (a marker file remembers)."""
    marker = f"{values['log']}.{int(values['x'])}"
    if not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return {"y": values["x"]}


sweep.register(sweep.Experiment("dies-once", {"x": 0.0, "log": "marker"}, dies_once))


def test_points_of_a_dead_worker_are_retried(tmp_path):
    points = sweep.points("dies-once", grid={"x": [1.0, 2.0, 3.0], "log": [str(tmp_path / "m")]})
    table = sweep.run_sweep(points, tmp_path / "s", workers=2, progress=False)
    assert sorted(table["y"]) == [1.0, 2.0, 3.0]
    assert sweep.Store(tmp_path / "s").status() == {"done": 3, "failed": 0}


def test_command_line_runs_a_sweep_and_reports_its_status(tmp_path, capsys):
    from gatedplasticity.cli import main

    log, folder = str(tmp_path / "runs.log"), str(tmp_path / "cli")
    assert main(["sweep", "counting", "--set", "x=1,2", "--set", f"log={log}", "--repeats", "2", "--out", folder,
                 "--workers", "1"]) == 0
    assert len(sweep.Store(folder).table()) == 4
    assert main(["sweep", "status", folder]) == 0
    assert '{"done": 4, "failed": 0}' in capsys.readouterr().out
    assert main(["sweep", "stdp-drift", "--set", "rate=10*ms", "--out", folder]) == 2  # wrong unit, nothing runs
    assert "'rate' must be in hertz" in capsys.readouterr().err


def kills_runner_once(values, seed, prepared):
    """Kills the process that forked its worker (the sweep runner) the first time it runs (a marker file remembers)."""
    marker = f"{values['log']}.runner"
    if not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getppid(), signal.SIGKILL)
        time.sleep(5)
    return {"y": values["x"]}


sweep.register(sweep.Experiment("kills-runner-once", {"x": 0.0, "log": "marker"}, kills_runner_once))


def test_local_workers_are_forked_by_a_single_threaded_runner_without_a_fork_warning(tmp_path, recwarn):
    import threading

    threading.Thread(target=time.sleep, args=(2,)).start()  # this process is multi-threaded now
    forks_before = len(workers.FORK_THREADS)
    points = sweep.points("dies-once", grid={"x": [1.0, 2.0, 3.0], "log": [str(tmp_path / "m")]})
    table = sweep.run_sweep(points, tmp_path / "s", workers=2, progress=False)
    assert sorted(table["y"]) == [1.0, 2.0, 3.0]
    forks = workers.FORK_THREADS[forks_before:]
    assert len(forks) >= 2 and set(forks) == {1}  # a pool per attempt (a worker died), each forked from one thread
    assert workers._RUNNER["process"].pid != os.getpid()
    assert not [w for w in recwarn if "fork" in str(w.message) or "runner" in str(w.message)]


def test_a_dead_runner_is_replaced_and_its_points_are_retried(tmp_path):
    points = sweep.points("counting", grid={"x": [1.0], "log": [str(tmp_path / "runs.log")]})
    sweep.run_sweep(points, tmp_path / "first", workers=2, progress=False)
    runner = workers._RUNNER["process"]
    points = sweep.points("kills-runner-once", grid={"x": [1.0, 2.0, 3.0], "log": [str(tmp_path / "m")]})
    table = sweep.run_sweep(points, tmp_path / "s", workers=2, progress=False)
    assert sorted(table["y"]) == [1.0, 2.0, 3.0] and sweep.Store(tmp_path / "s").status() == {"done": 3, "failed": 0}
    assert runner.exitcode == -signal.SIGKILL and workers._RUNNER["process"].is_alive()
    sweep.release()
    assert not workers._RUNNER


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), float("nan") * Hz])
def test_a_value_that_is_not_finite_is_refused_by_name(value):
    """Issue 30, item 1: Brian2 reads a non-finite run argument as a file name and keeps the built value."""
    name = "rate" if hasattr(value, "dim") else "alpha"
    with pytest.raises(ParameterError, match="finite") as error:
        sweep.points(DRIFT, grid={name: [1.2 if name == "alpha" else 10 * Hz, value]})
    assert error.value.parameter == name


def test_an_empty_grid_object_is_refused_rather_than_running_the_defaults():
    with pytest.raises(ParameterError, match="names no parameter") as error:
        sweep.points(DRIFT, grid={})
    assert error.value.parameter == "grid"


def test_a_grid_larger_than_the_limit_is_refused_before_its_points_are_made():
    """Issue 30, item 4: 10^6 points took 16 s and 800 MB to make before anything said so."""
    big = {"mu": list(np.linspace(0.01, 0.02, 1000)), "alpha": list(np.linspace(1, 2, 1000))}
    started = time.perf_counter()
    with pytest.raises(ParameterError, match="1,000,000 points.*max_points") as error:
        sweep.points(DRIFT, grid=big)
    assert error.value.parameter == "max_points" and time.perf_counter() - started < 1.0
    assert len(sweep.points(DRIFT, grid={"mu": [0.01, 0.02]}, repeats=3, max_points=6)) == 6
    with pytest.raises(ParameterError):
        sweep.points(DRIFT, grid={"mu": [0.01, 0.02]}, repeats=3, max_points=5)


def test_a_word_outside_the_experiments_choices_is_refused_before_anything_runs(tmp_path):
    """Issue 30, item 7: the rule reached the build before it was checked (a path-like word included)."""
    for word in ("../../../../tmp/x", "hebbian"):
        with pytest.raises(ParameterError, match="classical, reverse") as error:
            sweep.points(DRIFT, grid={"rule": [word]})
        assert error.value.parameter == "rule"


def test_a_damaged_result_file_is_set_aside_by_path_and_its_point_recomputed(tmp_path):
    """Issue 30, item 2: a truncated done/<key>.json broke every later resume with a bare JSONDecodeError."""
    log = tmp_path / "runs.log"
    points = sweep.points("counting", grid={"x": [1.0, 2.0, 3.0], "log": [str(log)]})
    sweep.run_sweep(points, tmp_path / "s", workers=1, progress=False)
    damaged = sorted((tmp_path / "s" / "done").glob("*.json"))[0]
    damaged.write_text('{"experiment": "coun')
    store = sweep.Store(tmp_path / "s")
    with pytest.warns(UserWarning, match=str(damaged.name)):
        assert store.status() == {"done": 2, "failed": 0}
    assert damaged.exists(), "status only looks"
    with pytest.warns(UserWarning, match=str(damaged.name)):
        assert len(store.valid()) == 2
    assert (tmp_path / "s" / "damaged" / damaged.name).exists() and not damaged.exists()
    table = sweep.run_sweep(points, tmp_path / "s", workers=1, progress=False)
    assert sorted(table["y"]) == [2.0, 4.0, 6.0] and len(log.read_text().splitlines()) == 4  # one point again


def test_temporary_files_of_a_killed_write_are_never_read_and_stale_ones_are_removed(tmp_path):
    """Issue 30, item 2: atomic_write's hidden temporary (left by kill -9) was read as a result."""
    log = tmp_path / "runs.log"
    points = sweep.points("counting", grid={"x": [1.0, 2.0], "log": [str(log)]})
    sweep.run_sweep(points, tmp_path / "s", workers=1, progress=False)
    done = tmp_path / "s" / "done"
    stale, fresh = done / ".abc.json.x1y2.json", done / ".def.json.z3w4.json"
    stale.write_text("")
    fresh.write_text("")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    assert sweep.Store(tmp_path / "s").status() == {"done": 2, "failed": 0}
    table = sweep.run_sweep(points, tmp_path / "s", workers=1, progress=False)
    assert len(table) == 2 and len(log.read_text().splitlines()) == 2  # nothing ran again
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a run writing now


KILL_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_sweep import sweep
if __name__ == "__main__":
    points = sweep.points("counting", grid={{"x": [float(x) for x in range(10)], "pause": [0.1], "log": [{log!r}]}})
    sweep.run_sweep(points, {folder!r}, workers=2, progress=False)
"""


@pytest.mark.slow
@pytest.mark.parametrize("schedule", [0, *(pytest.param(s, marks=pytest.mark.faults) for s in range(1, 20))])
def test_a_sweep_killed_at_random_moments_ends_with_the_uninterrupted_table(tmp_path, schedule):
    """Issue 30 fault injection: SIGKILL the whole process group after a seeded random delay (up to twice),
    resume, and the final table equals an uninterrupted run's; no point is lost or doubled in the table.
    The suite runs schedule 0 (15 s); ``pytest -m faults`` runs the other 19."""
    rng = np.random.default_rng(schedule)
    folder, log = tmp_path / "sweep", tmp_path / "runs.log"
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT.format(tests=os.path.dirname(__file__), log=str(log), folder=str(folder)))
    for delay in rng.uniform(1.0, 4.0, size=rng.integers(1, 3)):
        process = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    subprocess.run([sys.executable, str(script)], check=True, timeout=120)
    table = sweep.Store(folder).table()
    assert sorted(table["x"]) == [float(x) for x in range(10)]
    np.testing.assert_array_equal(table.sort_values("x")["y"], 2 * np.arange(10.0) + table.sort_values("x")["seed"])
