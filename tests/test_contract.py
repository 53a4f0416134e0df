"""The figure contract (declared backends and quick form), the layering contract and the paper tables."""

import ast
import inspect
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gatedplasticity import ParameterError, papers
from gatedplasticity.papers import figure
from gatedplasticity.parameters import tagged_table
from gatedplasticity.results import code_version

ROOT = Path(__file__).resolve().parents[1]
#: Figures whose --quick form takes well under a minute here: they run in full in the test below
#: (milstein2021-fig1 and fig2, equally cheap, run the same check in test_btsp.py).
CHEAP = {"burbank2012-fig1": "runtime", "burbank2012-fig2": "numpy", "legenstein2010-fig4": "standalone"}


def test_a_data_table_named_like_the_checks_is_refused_before_reproduce_overwrites_it():
    """milstein2021-fig4 kept its per-induction table as 'comparison', which reproduce then overwrote with
    the checks (comparison.csv): its figure could not be drawn again from the saved run."""
    import types

    from gatedplasticity.results import Result

    module = types.ModuleType("gatedplasticity.papers.example.fig1")
    module.BACKENDS, module.QUICK = ("numpy",), True
    module.simulate = lambda seed, quick, backend, progress: Result(
        name="x", tables={"comparison": pd.DataFrame({"a": [1]})})
    with pytest.raises(ParameterError, match="table named 'comparison'") as error:
        figure.run(module, quick=True, progress=False)
    assert error.value.parameter == "tables"


@pytest.mark.parametrize("figure_id", papers.figure_ids())
def test_every_figure_declares_a_consistent_contract_and_the_runner_refuses_what_it_does_not_declare(figure_id):
    module = papers.get(figure_id)
    figure.check_contract(module)
    for backend in set(figure.FIGURE_BACKENDS) - set(module.BACKENDS):
        with pytest.raises(ParameterError, match="it supports") as error:
            figure.run(module, quick=True, backend=backend, progress=False)  # refused before anything runs
        assert error.value.parameter == "backend"
    if not figure.seeded(module):
        with pytest.raises(ParameterError, match="does not depend on the seed") as error:
            figure.run(module, seed=1, quick=True, progress=False)
        assert error.value.parameter == "seed"


def seed_uses(function):
    """Places where ``function`` reads its ``seed`` argument (the result's own stamping excluded)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "seed"
            and isinstance(node.ctx, ast.Load)]


@pytest.mark.parametrize("figure_id", [f for f in papers.figure_ids() if figure.seeded(papers.get(f))])
def test_every_seeded_figure_passes_its_seed_on(figure_id):
    """The figures too long to run twice here: a seeded figure's simulate must hand its seed to what it runs
    (the cheap ones are run with two seeds below)."""
    assert seed_uses(papers.get(figure_id).simulate), f"{figure_id} declares SEEDED but never reads its seed"


def test_the_contract_check_fails_on_a_module_that_breaks_it():
    import types

    broken = types.ModuleType("gatedplasticity.papers.fake.fig1")
    broken.__dict__.update(PAPER="x", DESCRIPTION="x", BACKENDS=("runtime",), QUICK=True, plot=None, compare=None)
    broken.simulate = lambda seed=0, quick=False, backend="standalone", progress=True: None
    with pytest.raises(AssertionError, match="default backend"):
        figure.check_contract(broken)
    broken.BACKENDS = ("gpu",)
    with pytest.raises(AssertionError, match="BACKENDS"):
        figure.check_contract(broken)
    broken.BACKENDS, broken.SEEDED = ("standalone",), "no"
    with pytest.raises(AssertionError, match="SEEDED"):
        figure.check_contract(broken)


def test_the_study_seeds_follow_the_figure_seed_and_seed_0_keeps_the_registered_ones():
    from gatedplasticity.papers.gatedplasticity2026 import study
    from gatedplasticity.papers.gatedplasticity2026.parameters import VALUES

    assert study.settings(0, quick=False)[0] == tuple(VALUES["seeds"]) and study.settings(0, quick=True)[0] == (0, 1)
    one, two = study.settings(1, quick=False)[0], study.settings(2, quick=False)[0]
    assert len(set(one + two)) == 2 * len(VALUES["seeds"]) and study.settings(1, quick=True)[0] == one[:2]


def data_of(result):
    return {**{name: table.to_numpy() for name, table in result.tables.items()}, **result.arrays}


def same_data(first, second):
    one, two = data_of(first), data_of(second)
    return one.keys() == two.keys() and all(
        np.shape(one[k]) == np.shape(two[k]) and pd.DataFrame(one[k]).equals(pd.DataFrame(two[k])) for k in one)


@pytest.mark.slow
@pytest.mark.parametrize("figure_id", sorted(CHEAP))
def test_cheap_quick_forms_run_on_the_requested_backend_pass_and_follow_their_seed(figure_id):
    module = papers.get(figure_id)
    started_with = code_version()
    data = figure.run(module, quick=True, backend=CHEAP[figure_id], progress=False)
    assert (data.name, data.backend, data.seed, data.quick) == (figure_id, CHEAP[figure_id], 0, True)
    assert data.code == started_with and data.wall_time > 0
    table = module.compare(data)
    assert table["passed"].all(), table.to_string()
    other = figure.run(module, seed=1, quick=True, backend=CHEAP[figure_id], progress=False)
    assert not same_data(data, other), "two seeds must give different data"
    assert same_data(data, figure.run(module, seed=0, quick=True, backend=CHEAP[figure_id], progress=False))


def test_import_layers_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


def test_protocol_modules_stay_small():
    sizes = {path.relative_to(ROOT): len(path.read_text().splitlines())
             for path in (ROOT / "gatedplasticity" / "protocols").rglob("*.py")}
    assert max(sizes.values()) <= 300, sorted(sizes.items(), key=lambda item: -item[1])[:3]


@pytest.mark.parametrize("paper", papers.PAPERS)
def test_every_paper_value_is_tagged_with_a_reason(paper):
    from importlib import import_module

    table = import_module(f"gatedplasticity.papers.{paper}.parameters").TABLE
    assert table and all(tag in ("P", "R") and len(reason) > 10 for _, tag, reason in table.values())
    text = tagged_table(table)
    assert all(f"`{name}`" in text for name in table)


def test_untagged_values_are_refused():
    from gatedplasticity.parameters import values_of

    with pytest.raises(ParameterError) as error:
        values_of({"tau": (1.0, "guess", "because")})
    assert error.value.parameter == "tau"


def test_burbank_table_agrees_with_the_network_constants():
    from gatedplasticity.papers.burbank2012.parameters import VALUES
    from gatedplasticity.protocols import top_down

    assert VALUES["presentation"] == top_down.PRESENTATION and VALUES["chunk"] == top_down.CHUNK


def test_the_record_lists_every_figure_with_its_latest_checks(tmp_path):
    from gatedplasticity.papers import record
    from gatedplasticity.papers.burbank2012 import fig2
    from gatedplasticity.papers.figure import comparison, row

    data = fig2.Result(name="burbank2012-fig2", seed=4, backend="numpy", quick=False)
    data.save(tmp_path / "burbank2012-fig2")
    comparison([row("max |eig| (pass if > 1)", 1.0, 0.5, 1.0, False)]).to_csv(
        tmp_path / "burbank2012-fig2" / "comparison.csv", index=False)
    text = record.render(tmp_path)
    assert all(f"### `{figure_id}`" in text for figure_id in papers.figure_ids())
    assert "| max \\|eig\\| (pass if > 1) | 1 | 1 | 0.5 | **no** |" in text and "0 of 1 rows pass" in text
    assert "Not run for this record: `gatedplasticity reproduce burbank2012-fig1`" in text  # full scale
    assert "Not run for this record: `gatedplasticity reproduce burbank2012-fig4 --quick`" in text  # hours in full
    assert "Not run for this record: `gatedplasticity reproduce burbank2012-fig5`." in text  # reads its committed sample
    assert "| `q_seed` | 0 | [R] |" in text  # the paper tables, with their tags


def test_record_commands_carry_no_machine_paths_and_runs_are_matched_to_their_commit(tmp_path):
    from gatedplasticity.papers import record
    from gatedplasticity.papers.burbank2012 import fig2

    folder = tmp_path / "burbank2012-fig4"
    data = fig2.Result(name="burbank2012-fig4", seed=3, backend="standalone", quick=True, code={"commit": "abc", "dirty": False})
    data.save(folder)
    (folder / "comparison.csv").write_text("quantity,published,reproduced,tolerance,passed\nq,1,1,0,True\n")
    provenance = json.loads((folder / "provenance.json").read_text())
    provenance["command"] = ["/tmp/venv/bin/gatedplasticity", "reproduce", "burbank2012-fig4", "--quick", "--out", "/tmp/x"]
    (folder / "provenance.json").write_text(json.dumps(provenance))
    text = record.render(tmp_path)
    assert "Run: `gatedplasticity reproduce burbank2012-fig4 --quick --seed 3` (quick; the full form:" in text
    assert "/tmp" not in text
    assert record.recorded_at(tmp_path, "burbank2012-fig4", "abc")
    assert not record.recorded_at(tmp_path, "burbank2012-fig4", "abd")  # another commit: run again
    (tmp_path / "burbank2012-fig4" / "comparison.csv").write_text(
        "quantity,published,reproduced,tolerance,passed\nq,1,1,0,True\nr,1,2,0,False\n")
    text = record.render(tmp_path)
    assert "| burbank2012 | 1 (1) | 0 of 1 | 1 of 2 |" in text  # the summary counts the run's rows
    assert "| rao2021 | 0 (0) | 0 of 0 | 0 of 0 |" in text and "| all | 1 (1) | 0 of 1 | 1 of 2 |" in text
    provenance["quick"] = False  # not the record's form for this figure
    (folder / "provenance.json").write_text(json.dumps(provenance))
    assert not record.recorded_at(tmp_path, "burbank2012-fig4", "abc")


def test_record_run_refuses_a_tree_with_local_changes(monkeypatch, capsys):
    from gatedplasticity import cli

    monkeypatch.setattr(cli, "code_version", lambda: {"commit": "abc", "dirty": True})
    assert cli.main(["record", "--run", "--results", "nowhere"]) == 2
    assert "local changes" in capsys.readouterr().err


def test_the_gallery_shows_each_run_with_its_form(tmp_path):
    from gatedplasticity.papers import gallery
    from gatedplasticity.papers.burbank2012 import fig2
    from gatedplasticity.papers.figure import comparison, row

    for figure_id, quick in (("burbank2012-fig1", True), ("burbank2012-fig2", False)):
        folder = tmp_path / "results" / figure_id
        fig2.Result(name=figure_id, seed=0, backend="numpy", quick=quick).save(folder)
        comparison([row("max |dw| (pass if < 1)", 0.0, 0.5, 1.0, True)]).to_csv(folder / "comparison.csv", index=False)
        (folder / f"{figure_id}.png").write_bytes(b"png")
    text = gallery.write(tmp_path / "results", tmp_path / "docs").read_text()
    assert all(f"## `{figure_id}`" in text for figure_id in papers.figure_ids())
    assert "![burbank2012-fig1](gallery/burbank2012-fig1.png)" in text and "max \\|dw\\| (pass if < 1)" in text
    assert (tmp_path / "docs" / "gallery" / "burbank2012-fig1.png").exists()
    assert "(quick form, commit" in text and "(full scale, commit" in text
    assert "Reproduce: `gatedplasticity reproduce burbank2012-fig2`" in text
    assert (tmp_path / "docs" / "gallery" / "burbank2012-fig2.png").exists()
    assert "Not rendered yet: `gatedplasticity reproduce burbank2012-fig4 --quick`" in text


def test_the_gallery_keeps_the_entries_of_figures_not_in_the_results(tmp_path):
    """Rendering one figure leaves the other rendered entries (text and PNG) as they were."""
    from gatedplasticity.papers import gallery
    from gatedplasticity.papers.burbank2012 import fig2
    from gatedplasticity.papers.figure import comparison, row

    docs = tmp_path / "docs"
    for figure_id, value in (("burbank2012-fig1", 0.25), ("burbank2012-fig2", 0.5)):
        folder = tmp_path / figure_id / figure_id
        fig2.Result(name=figure_id, seed=0, backend="numpy", quick=True).save(folder)
        comparison([row(f"{figure_id} check", 0.0, value, 1.0, True)]).to_csv(folder / "comparison.csv", index=False)
        (folder / f"{figure_id}.png").write_bytes(b"png")
        first = gallery.write(tmp_path / figure_id, docs).read_text()
    assert "burbank2012-fig1 check | 0 | 0.25 |" in first and "burbank2012-fig2 check | 0 | 0.5 |" in first
    assert "Not rendered yet: `gatedplasticity reproduce burbank2012-fig3`" in first
    assert gallery.write(tmp_path / "nothing", docs).read_text() == first  # nothing new: the page is unchanged
    (docs / "gallery" / "burbank2012-fig1.png").unlink()
    assert "burbank2012-fig1 check" not in gallery.write(tmp_path / "nothing", docs).read_text()  # no PNG: not kept


def test_the_record_keeps_the_measured_sections_of_figures_not_in_the_results(tmp_path):
    from gatedplasticity.papers import record
    from gatedplasticity.papers.burbank2012 import fig2
    from gatedplasticity.papers.figure import comparison, row

    out = tmp_path / "reproductions.md"
    for figure_id, value in (("burbank2012-fig1", 0.25), ("rao2021-fig4", 0.5)):  # rao2021-fig4: the last section
        folder = tmp_path / figure_id / figure_id
        fig2.Result(name=figure_id, seed=0, backend="numpy", quick=True).save(folder)
        comparison([row(f"{figure_id} check", 0.0, value, 1.0, True)]).to_csv(folder / "comparison.csv", index=False)
        first = record.write(tmp_path / figure_id, out).read_text()
    assert "| burbank2012-fig1 check | 0 | 1 | 0.25 | yes |" in first and "| rao2021-fig4 check | 0 | 1 | 0.5 | yes |" in first
    assert "Not run for this record: `gatedplasticity reproduce burbank2012-fig2`" in first
    assert first.count("## Parameters per paper") == 1
    assert "| burbank2012 | 1 (1) | 1 of 1 | 1 of 1 |" in first  # a kept section counts in the summary
    assert record.write(tmp_path / "nothing", out).read_text() == first  # nothing new: the record is unchanged


def test_plot_draws_a_figure_again_from_its_saved_run_and_the_gallery_says_so(tmp_path, capsys):
    """A figure's drawing can change after its run (an empty panel found when looking at the gallery): ``plot``
    redraws and scores from the saved data, simulating nothing, and the gallery and record name the code."""
    from gatedplasticity import cli
    from gatedplasticity.papers import gallery, record
    from gatedplasticity.papers.figure import PLOTTED, redrawn

    assert cli.main(["reproduce", "burbank2012-fig2", "--out", str(tmp_path)]) == 0
    folder = tmp_path / "burbank2012-fig2"
    (folder / "burbank2012-fig2.png").unlink()
    scored = (folder / "comparison.csv").read_bytes()
    (folder / "comparison.csv").write_text("quantity,published,reproduced,tolerance,passed\nstale row,1,1.5,0,False\n")
    data_files = {path.name: path.read_bytes() for path in folder.glob("*.csv") if path.name != "comparison.csv"}
    assert cli.main(["plot", "burbank2012-fig2", "--results", str(tmp_path)]) == 0
    assert (folder / "burbank2012-fig2.png").read_bytes()[:4] == b"\x89PNG"
    assert (folder / "comparison.csv").read_bytes() == scored  # rows scored again by today's compare()
    assert {path.name: path.read_bytes() for path in folder.glob("*.csv")
            if path.name != "comparison.csv"} == data_files  # nothing simulated
    drawn = json.loads((folder / PLOTTED).read_text())
    assert set(drawn["code"]) == {"commit", "dirty", "source"}
    drawn["code"] = json.loads((folder / "provenance.json").read_text())["code"] | {"dirty": False}
    (folder / PLOTTED).write_text(json.dumps(drawn))
    assert redrawn(folder, drawn["code"]["commit"] or "unknown") == ""  # the run's own code: no note
    drawn["code"] = {"commit": "0123456789abcdef", "dirty": False}
    (folder / PLOTTED).write_text(json.dumps(drawn))
    note = ("figure drawn and rows scored from the run's data at commit 0123456789 "
            "(`gatedplasticity plot burbank2012-fig2`)")
    assert note in gallery.write(tmp_path, tmp_path / "docs").read_text()
    assert note in record.write(tmp_path, tmp_path / "reproductions.md").read_text()
    capsys.readouterr()
    assert cli.main(["plot", "burbank2012-fig3", "--results", str(tmp_path)]) == 2  # no run saved there
    assert "no saved run of burbank2012-fig3" in capsys.readouterr().err


def test_the_record_says_which_runs_a_figure_read_instead_of_training_without_machine_paths():
    """Figs 5 and 7 in full read committed per-run tables: their record says so (and why the run took 0 s)."""
    from gatedplasticity.papers.record import read_not_trained

    read = {"params": {"read, not trained": "48 runs from /work/x/docs/data/burbank2012-fig7-runs.csv"}}
    assert read_not_trained(read) == " Read, not trained: 48 runs from `docs/data/burbank2012-fig7-runs.csv`."
    assert read_not_trained({"params": {"read, not trained": "none"}}) == read_not_trained({}) == ""


def test_the_committed_record_comes_from_one_commit_of_a_clean_tree_without_machine_paths():
    """Issue 29, item 5: the record mixed runs of 12 commits, one 'with local changes', and /tmp commands."""
    import re

    text = (Path(__file__).parents[1] / "docs" / "reproductions.md").read_text()
    runs = re.findall(r"^\d+ of \d+ rows pass\. Run: .*$", text, re.MULTILINE)
    assert len(runs) == len(papers.figure_ids()), "every figure has a run in the record"
    assert "with local changes" not in text
    assert not re.search(r"(?<![\w.])/(tmp|work|home|root|Users)/", text), "an absolute path in the record"
    commits = {re.search(r"commit ([0-9a-f]{10})", run).group(1) for run in runs}
    assert len(commits) == 1, commits
