"""backends.Program: build once, rerun with new values, many copies in one program, both backends."""

import numpy as np
import pytest
from brian2 import Hz, NeuronGroup, SpikeMonitor, StateMonitor, Synapses, ms

import gatedplasticity as gp
from gatedplasticity.backends import Built, Program, copy_random

N_PRE, N_POST = 3, 2


def plastic_pair(structure, copies):
    """Per copy: 3 regular spiking inputs (rate set by 'drive') onto 2 cells; each input spike adds eta x learning to w."""
    duration, = structure
    pre = NeuronGroup(copies * N_PRE, "dv/dt = drive / (10*ms) : 1\ndrive : 1", threshold="v > 1", reset="v = 0",
                      name="pre")
    post = NeuronGroup(copies * N_POST, "dg/dt = -g / (5*ms) : 1", name="post")
    synapses = Synapses(pre, post, "w : 1\neta : 1 (constant)\nlearning : 1 (constant)",
                        on_pre="g_post += w\nw = clip(w + eta * learning, 0, 1)", name="plastic")
    copy, i, j = np.indices((copies, N_PRE, N_POST)).reshape(3, -1)
    synapses.connect(i=copy * N_PRE + i, j=copy * N_POST + j)
    synapses.w, synapses.eta, synapses.learning = 0.1, 0.01, 1
    spikes = SpikeMonitor(pre, name="pre_spikes")
    # Monitors on their own clocks: Brian2 resets clocks in set order (see test_reruns_and_rebuilds_compile_nothing).
    monitors = [StateMonitor(post, "g", record=[0], dt=k * ms, name=f"g_every_{k}ms") for k in (1, 2, 4)]
    n_synapses = copies * N_PRE * N_POST
    return Built(objects=[pre, post, synapses, spikes, *monitors], duration=duration * ms,
                 values={"drive": pre.drive, "eta": synapses.eta, "w": synapses.w, "learning": synapses.learning},
                 outputs={"w": synapses.w, "g": post.g, "count": lambda: np.asarray(spikes.count[:])},
                 sizes={"eta": n_synapses, "w": n_synapses, "learning": n_synapses}, learning="learning")


def noisy_inputs(structure, copies):
    """Per copy: 20 Poisson inputs (rate per copy) drawn with copy_rand; outputs their spike counts."""
    duration, = structure
    inputs = NeuronGroup(copies * 20, "rate : Hz (constant)\ncopy : integer (constant)", name="noisy",
                         threshold="copy_rand(copy) < rate * dt", namespace=dict(copy_random.FUNCTIONS))
    inputs.copy = copy_random.copy_indices(copies, 20)
    spikes = SpikeMonitor(inputs, name="noisy_spikes")
    return Built(objects=[inputs, spikes], duration=duration * ms, values={"rate": inputs.rate},
                 outputs={"count": lambda: np.asarray(spikes.count[:])}, copy_streams=True)


@pytest.mark.parametrize("backend", [pytest.param("standalone", marks=pytest.mark.standalone), "runtime"])
def test_each_copy_draws_from_its_own_stream(backend):
    """Run with one seed per copy, a copy draws the same numbers among others as alone with its seed; one seed
    gives each copy its own ("copy", k) stream. The copies spike at different rates: drawn from one shared
    generator (Brian2's rand()), their numbers would depend on the other copies."""
    rates, seeds = np.array([200.0, 50.0, 400.0]) * Hz, [4, 7, 9]
    with Program(noisy_inputs, (100,), backend=backend, copies=3) as program:
        together = program.run({"rate": rates}, seed=seeds)["count"]
        again, other = program.run({"rate": rates}, seed=seeds)["count"], program.run({"rate": rates}, seed=5)["count"]
        with pytest.raises(gp.ParameterError, match="one per copy"):
            program.run(seed=[1, 2])
    with Program(noisy_inputs, (100,), backend=backend, copies=1) as alone:
        for k in range(3):
            assert np.array_equal(alone.run({"rate": rates[k]}, seed=seeds[k])["count"][0], together[k]), k
    assert np.array_equal(again, together) and not np.array_equal(other, together)
    assert together.sum(axis=1).min() > 0 and not np.array_equal(other[0], other[1])


def run_all(backend, copies, drives, etas, frozen=()):
    with Program(plastic_pair, (40,), backend=backend, copies=copies, dt=0.1 * ms) as program:
        return program.run({"drive": drives, "eta": etas}, seed=1, frozen=frozen)


@pytest.mark.parametrize("backend", [pytest.param("standalone", marks=pytest.mark.standalone), "runtime"])
def test_copies_equal_separate_programs(backend):
    drives = np.array([[1.5, 2.0, 3.0], [2.5, 1.2, 4.0], [1.1, 3.3, 2.2]])
    etas = np.array([0.01, 0.02, 0.05])
    together = run_all(backend, 3, drives, etas)
    for k in range(3):
        alone = run_all(backend, 1, drives[k], etas[k])
        for name in ("w", "g", "count"):
            assert np.array_equal(together[name][k], alone[name][0]), (name, k)
    assert not np.array_equal(together["w"][0], together["w"][1]), "the copies must differ"


@pytest.mark.parametrize("backend", [pytest.param("standalone", marks=pytest.mark.standalone), "runtime"])
def test_reruns_take_new_values_and_start_from_the_built_state(backend):
    with Program(plastic_pair, (40,), backend=backend, copies=2, dt=0.1 * ms) as program:
        first = program.run({"drive": 2.0, "eta": 0.01})
        second = program.run({"drive": 2.0, "eta": 0.03})
        again = program.run({"drive": 2.0, "eta": 0.01})
        frozen = program.run({"drive": 2.0, "eta": 0.01}, frozen=[1])
    spikes = first["count"][0]  # 2 / 10 ms to threshold 1: a spike every ~5 ms of 40
    assert np.all(spikes == spikes[0]) and 7 <= spikes[0] <= 8
    expected = np.clip(0.1 + 0.01 * np.repeat(spikes, N_POST), 0, 1)  # closed form: w0 + eta x input spikes
    assert np.allclose(first["w"][0], expected, atol=1e-12)
    assert np.allclose(second["w"][0] - 0.1, 3 * (first["w"][0] - 0.1))
    assert np.array_equal(again["w"], first["w"])
    assert np.array_equal(frozen["w"][0], first["w"][0]) and np.all(frozen["w"][1] == 0.1)


def test_bad_values_name_the_value():
    with Program(plastic_pair, (5,), backend="runtime", copies=2) as program:
        with pytest.raises(gp.ParameterError, match="'rate'.*drive"):
            program.run({"rate": 1.0})
        with pytest.raises(gp.ParameterError, match="'drive' needs no unit"):
            program.run({"drive": 2 * ms})
        with pytest.raises(gp.ParameterError, match="'eta' takes one value, one per copy"):
            program.run({"eta": np.ones(5)})
        with pytest.raises(gp.ParameterError, match="copies are numbered 0..1"):
            program.run(frozen=[2])
    with pytest.raises(gp.ParameterError, match="structure must be hashable"):
        Program(plastic_pair, [5])
    with pytest.raises(gp.ParameterError, match="copies must be a positive integer"):
        Program(plastic_pair, (5,), copies=0)


def object_files(directory):
    return {path: path.stat().st_mtime_ns for path in directory.rglob("*.o")}


@pytest.mark.standalone
def test_reruns_and_rebuilds_compile_nothing():
    """N reruns never touch the compiled objects; rebuilding the same network in a new session (whose
    clocks Brian2 resets in set order) regenerates identical code, so nothing recompiles either."""
    with Program(plastic_pair, (20,), backend="standalone", copies=2) as program:
        built = object_files(program.session.directory)
        binary = program.session.binary().stat().st_mtime_ns
        main_cpp = (program.session.directory / "main.cpp").read_text()
        for eta in (0.01, 0.02, 0.03, 0.04):
            program.run({"eta": eta})
        assert object_files(program.session.directory) == built
        assert program.session.binary().stat().st_mtime_ns == binary
    stale = program.session.directory / "results-1"  # a process gone since, whose folder this was
    stale.mkdir(exist_ok=True)
    for _ in range(4):
        with Program(plastic_pair, (20,), backend="standalone", copies=2) as program:
            program.run({"eta": 0.01})
            assert (program.session.directory / "main.cpp").read_text().splitlines() == main_cpp.splitlines()
            assert object_files(program.session.directory) == built
            assert not stale.exists()


@pytest.mark.standalone
def test_a_build_that_fails_leaves_no_session_open():
    """A build that raised left its session open: Brian2's device kept the half-made program (and the folder
    stayed held), so the next build in the process generated other code and recompiled."""
    import brian2

    from gatedplasticity.backends.session import in_use

    def broken(structure, copies):
        NeuronGroup(copies, "v : 1", name="half_made")
        raise gp.ParameterError("tau", "broken build")

    program = Program(broken, (1,), backend="standalone")
    with pytest.raises(gp.ParameterError, match="broken build"):
        program.open()
    assert program.built is None and not in_use(program.session.directory)
    assert brian2.get_device().__class__.__name__ == "RuntimeDevice"
    assert not program.session.device.main_queue  # nothing left for the next build
