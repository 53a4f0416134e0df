"""Integrate-and-fire top-down network (Burbank & Kreiman 2012): STDP formulations, inputs, training loop."""

import numpy as np
import pytest
from brian2 import Hz, Network, SpikeMonitor, StateMonitor, TimedArray, mV, ms

import gatedplasticity as gp
from gatedplasticity.analysis import stdp as closed_form
from gatedplasticity.models import linear
from gatedplasticity.models.lif import burbank_lif, tonic_start
from gatedplasticity.papers.burbank2012.parameters import network_parameters
from gatedplasticity.papers.burbank2012.training import setup
from gatedplasticity.protocols import pairing
from gatedplasticity.protocols import top_down as td
from gatedplasticity.rules import stdp

DT = 1 * ms


@pytest.mark.parametrize("rule", ["classical", "reverse"])
def test_neuron_trace_rule_with_delay_matches_closed_form(rule):
    """Every spike pair through the relays: dw equals the window at (t_post) - (t_pre + d), dt = 0 included."""
    delay = 15 * ms
    delays = np.array([-60, -20, -1, 0, 1, 13, 14, 15, 40]) * ms
    with gp.Session(seed=0, dt=DT, progress=False) as session:
        pairs = pairing(delays, n_pairs=2, period=400 * ms, dt=DT)
        pre_relay, pre_feed = td.relay(pairs.pre, delay, name="pre_relay")
        post_relay, post_feed = td.relay(pairs.post, DT, name="post_relay")  # shifts post spikes by one step
        synapses = stdp.rule(rule, traces="neuron").synapses(pre_relay, post_relay, connect={"j": "i"}, tunable=("mu",))
        session.run(pairs.duration + 50 * ms, [pairs.pre, pairs.post, pre_relay, pre_feed, post_relay, post_feed, synapses])
        w = np.array(synapses.w)
    expected = [closed_form.replay(np.round(pre + float(delay), 9), np.round(post + float(DT), 9), rule=rule)
                for pre, post in zip(pairs.pre_times, pairs.post_times)]
    np.testing.assert_allclose(w, expected, rtol=1e-9, atol=1e-15)
    simultaneous = [round(float(d / ms)) for d in pairs.delays].index(14)  # arrival and post spike in the same step
    assert w[simultaneous] == pytest.approx(2 * closed_form.window(0.0, rule), rel=1e-9)


def train(q, c, seed, max_presentations, backend="standalone", progress=False, checkpoint=None, program=None,
          c_higher=None, **options):
    """``top_down.train`` with Table 1's values; ``options``: structure fields and parameter overrides."""
    structure, params = setup(**options)
    return td.train(q, c, seed, params, structure, max_presentations=max_presentations, backend=backend,
                    progress=progress, checkpoint=checkpoint, program=program, c_higher=c_higher)


def small_problem(n=12, seed=3):
    q = linear.q_matrix(n, 1.0, seed=seed)
    return q, td.correlation_matrix(n, seed=seed + 1, rank=3)


#: A dense regime (the published reading of Eq 3, threshold -54 mV) where tiny test networks fire a lot;
#: the calibrated defaults make a 12-neuron network nearly silent.
DENSE = {"threshold": -54 * mV, "drive_scale": 1.0, "synaptic_scale": 1.0}
#: One continuous run (the per-synapse traces support nothing else): the earlier reading of the text.
CONTINUOUS = {"trial": "continuous", "pair_window": None, "update": "spike"}


def network_pairs(traces, q, strengths, duration=480 * ms, delay=4 * ms):
    """Seeded runtime run of the whole network (tiny mu: weights barely move); spike trains and final W."""
    params = network_parameters(delay=delay, mu=1e-6, **DENSE)
    structure = td.Structure(traces=traces, chunk=3, **CONTINUOUS).for_network(q.shape, params)
    with gp.Session(seed=1, dt=DT, progress=False):
        built = td.build(structure)
        for name, value in {**td.model_values(params, structure), "q": q.ravel(), "w": 0}.items():
            built.values[name][:] = value
        built.values["lower_strength"].values[...] = strengths["lower"]
        groups = {obj.name: obj for obj in built.objects}
        lower, higher = SpikeMonitor(groups["lower"]), SpikeMonitor(groups["higher"])
        Network(built.objects + [lower, higher]).run(duration, namespace={})
        top_down = groups["top_down"]
        return (lower.spike_trains(), higher.spike_trains(), np.array(top_down.i), np.array(top_down.j),
                np.array(top_down.w))


def test_neuron_level_traces_equal_synapse_traces_in_the_network():
    """Both STDP formulations give the all-pairs sum over the network's own spikes (pre arrival = t_pre + d).

    With mu = 1e-6 the spikes are the same in both; at full mu rounding
    differences (1e-16) eventually change a spike, after which runs diverge.
    """
    q = linear.q_matrix(4, 1.0, seed=3)
    strengths = {"lower": td.input_strengths(td.correlation_matrix(4, seed=4, rank=3), 3, np.random.default_rng(0))}
    runs = {traces: network_pairs(traces, q, strengths) for traces in ("synapse", "neuron")}
    lower, higher, pre, post, _ = runs["neuron"]
    assert sum(len(t) for t in lower.values()) > 100 and sum(len(t) for t in higher.values()) > 100
    for k in lower:
        np.testing.assert_array_equal(runs["synapse"][0][k], lower[k])
        np.testing.assert_array_equal(runs["synapse"][1][k], higher[k])
    arrived = {k: np.round(np.asarray(t) + 0.004, 9) for k, t in higher.items()}
    expected = np.array([closed_form.replay(arrived[a][arrived[a] < 0.4795], np.round(np.asarray(lower[b]), 9),
                                            rule="reverse", mu=1e-6) for a, b in zip(pre, post)])
    for traces, (*_, w) in runs.items():
        np.testing.assert_allclose(w, expected, rtol=1e-9, atol=1e-18, err_msg=traces)


def test_input_strengths_have_uniform_marginals_and_the_copula_correlation():
    c = td.correlation_matrix(6, seed=0, rank=2)
    assert np.allclose(np.diag(c), 1) and np.all(np.linalg.eigvalsh(c) > 0)
    strengths = td.input_strengths(c, 40_000, np.random.default_rng(1))
    assert strengths.min() > 0 and strengths.max() < 1
    np.testing.assert_allclose(strengths.mean(axis=0), 0.5, atol=0.01)  # 4 SE of U(0,1) means
    expected = 6 / np.pi * np.arcsin(c / 2)  # Pearson correlation of Phi(z) for corr(z) = c
    np.testing.assert_allclose(np.corrcoef(strengths.T), expected, atol=0.03)


def test_external_input_time_course():
    """J0: Gaussian bump of height 1 at 30 ms (after the delay), tonic 1/5 for 80 ms, then 0; cutoff for Fig 8."""
    with gp.Session(dt=DT, progress=False) as session:
        strength = TimedArray(np.ones((2, 1)), dt=160 * ms)
        neurons = burbank_lif(external_input=True).neurons(1, functions={"strength": strength}, input_delay=5 * ms)
        monitor = StateMonitor(neurons, "input_time_course", record=0)
        session.run(320 * ms, [neurons, monitor])
        course = np.array(monitor.input_time_course[0])
    start = float(tonic_start(30 * ms, 20 * ms, 0.2) / ms)
    assert start == pytest.approx(30 + 20 * np.sqrt(2 * np.log(5)))
    assert course[:5].max() == 0  # nothing arrives before the delay
    assert course[35] == pytest.approx(1.0)  # bump peak, 30 ms + delay
    assert course[5 + 20] == pytest.approx(np.exp(-(20 - 30) ** 2 / (2 * 20**2)))
    assert course[5 + int(np.ceil(start)) + 10] == pytest.approx(0.2)
    assert course[5 + int(np.ceil(start)) + 81] == 0 and course[164] == 0
    assert course[160 + 35] == pytest.approx(1.0)  # next presentation


def test_training_stops_as_soon_as_weights_are_extreme():
    q, c = small_problem()
    result = train(q, c, seed=1, max_presentations=60, backend="runtime", progress=False, chunk=3,
                      rule="classical", alpha=0.9, mu=0.5, w_bound=0.3, delay=4 * ms, **DENSE)
    assert result.outcome == "extreme weights"
    assert result.presentations < 60 and result.history["outcome"].iloc[-1] == "extreme weights"
    assert result.history["fraction_extreme"].iloc[-1] > 0.5
    assert result.history["outcome"].iloc[:-1].isna().all()


def test_training_resumes_from_its_checkpoint(tmp_path):
    q, c = small_problem()
    options = dict(backend="runtime", progress=False, chunk=2, delay=4 * ms, checkpoint=tmp_path / "run.npz")
    first = train(q, c, seed=2, max_presentations=4, **options)
    resumed = train(q, c, seed=2, max_presentations=8, **options)
    assert list(resumed.history["presentation"]) == [2, 4, 6, 8]
    numbers = [c for c in td.HISTORY_COLUMNS if c not in ("outcome", "outcome_caption")]
    np.testing.assert_allclose(resumed.history[numbers].iloc[:2].to_numpy(float), first.history[numbers].to_numpy(float))
    assert resumed.outcome == "did not converge"


def test_homeostasis_scales_top_down_weights_and_input_toward_the_target_rate():
    """After 30 presentations W rows and input gains scale by h_i = 1 + gamma mu (F - r_i)/F (STDP made negligible)."""
    q, c = small_problem()
    common = dict(backend="runtime", progress=False, chunk=30, delay=4 * ms, mu=1e-14, **DENSE)
    scaled = train(q, c, seed=4, max_presentations=60, homeostasis=True, target_rate=100 * Hz, gamma=2e13, **common)
    rates = scaled.final_state["lower.spikes_at_scaling"] / (30 * 0.16)  # spikes in the first 30 presentations
    factor = 1 + 0.2 * (100 - rates) / 100
    assert np.all(factor < 1) and np.all(factor > 0)
    np.testing.assert_allclose(scaled.final_state["input_gain"], factor, rtol=1e-9)
    w = td.weight_matrix(scaled.final_state["w"], *q.shape)
    w0 = td.weight_matrix(td.initial_state(q, 4)["w"], *q.shape)
    np.testing.assert_allclose(w, w0 * factor[:, None], rtol=1e-8, atol=1e-9)  # STDP adds ~1e-11


@pytest.mark.parametrize("option, value, name", [
    ("rule", "hebbian", "rule"), ("traces", "per-pair", "traces"), ("delay", 15.0, "delay"),
    ("delay", 0 * ms, "delay"), ("bottom_up_rule", "oja", "bottom_up_rule"), ("tau_stpd", 20 * ms, "tau_stpd"),
])
def test_bad_network_options_are_named(option, value, name):
    q, c = small_problem()
    with pytest.raises(gp.ParameterError) as error:
        train(q, c, seed=0, max_presentations=2, backend="runtime", progress=False, chunk=2, **{option: value})
    assert error.value.parameter == name


def test_bad_matrices_are_named():
    q, c = small_problem()
    with pytest.raises(gp.ParameterError, match="'?c'?") as error:
        train(q, c[:5, :5], seed=0, max_presentations=2, backend="runtime", progress=False, chunk=2)
    assert error.value.parameter == "c"
    with pytest.raises(gp.ParameterError) as error:
        train(q, c, seed=0, max_presentations=2, backend="runtime", progress=False, chunk=2, higher_input=0.1)
    assert error.value.parameter == "c_higher"
    with pytest.raises(gp.ParameterError) as error:
        train(q, c, seed=None, max_presentations=2, backend="runtime")
    assert error.value.parameter == "seed"


@pytest.mark.standalone
def test_one_program_serves_every_chunk_and_run_without_recompiling():
    """Standalone: one build, chunks rerun with new values; the state carries over between chunks."""
    q, c = small_problem()
    structure, params = setup(chunk=3, delay=4 * ms, **DENSE)
    with td.program(structure.for_network(q.shape, params)) as program:
        binary = program.session.binary()
        built = binary.stat().st_mtime_ns
        result = train(q, c, seed=0, max_presentations=9, program=program, chunk=3, delay=4 * ms, mu=0.05, **DENSE)
        other = train(q, c, seed=0, max_presentations=9, program=program, chunk=3, delay=4 * ms, mu=0.0, **DENSE)
        assert binary.stat().st_mtime_ns == built
    assert list(result.history["presentation"]) == [3, 6, 9]
    assert result.final_state["lower.spike_count"].sum() > 0
    assert np.abs(result.final_state["w"] - td.initial_state(q, 0)["w"]).max() > 0.05
    np.testing.assert_allclose(other.final_state["w"], td.initial_state(q, 0)["w"])  # mu = 0 as a run-time value


def test_frozen_identical_weights_are_too_similar_not_undecided():
    from gatedplasticity.analysis.convergence import classify_network

    frozen = np.full((5, 5), -2.8)
    assert classify_network({0: frozen, 3000: frozen, 6000: frozen}, w_bound=50) == "weights too similar"


def test_a_checkpoint_without_the_snapshots_asked_for_is_not_resumed(tmp_path):
    """A figure asking for W at presentation 2 must not resume a run whose checkpoint lacks it (it starts again)."""
    q, c = small_problem()
    path = tmp_path / "run.npz"
    structure, params = setup(chunk=2, delay=4 * ms)
    first = td.train(q, c, 2, params, structure, max_presentations=4, backend="runtime", progress=False, checkpoint=path)
    with np.load(path) as saved:
        kept = {k: saved[k] for k in saved.files if k != "snapshot/2"}
    np.savez(path, **kept)
    again = td.train(q, c, 2, params, structure, max_presentations=4, backend="runtime", progress=False, checkpoint=path,
                     keep_snapshots=(2,))
    assert 2 in again.snapshots
    np.testing.assert_allclose(again.snapshots[4], first.snapshots[4])


def test_a_checkpoint_with_other_history_columns_starts_again_and_its_snapshots_still_read(tmp_path):
    """A checkpoint from a version with other history columns (e.g. the transposed corr_q_inverse before
    corr_fixed_point) is not resumed, since its rows would be read under the wrong names. Its snapshots
    still read (load_snapshots: the landscape's final weights)."""
    q, c = small_problem()
    path = tmp_path / "run.npz"
    structure, params = setup(chunk=2, delay=4 * ms)
    first = td.train(q, c, 2, params, structure, max_presentations=4, backend="runtime", progress=False, checkpoint=path)
    with np.load(path) as saved:
        kept = {k: saved[k] for k in saved.files}
    kept["history_columns"] = np.array([name.replace("corr_fixed_point", "corr_q_inverse") for name in kept["history_columns"]])
    kept["history"][:, 1] = 1000.0  # std_w: a resumed run would keep these rows
    np.savez(path, **kept)
    np.testing.assert_array_equal(td.load_snapshots(path)[4], first.snapshots[4])
    again = td.train(q, c, 2, params, structure, max_presentations=6, backend="runtime", progress=False, checkpoint=path)
    assert list(again.history["presentation"]) == [2, 4, 6]
    np.testing.assert_allclose(again.history["std_w"].iloc[:2], first.history["std_w"])


def test_the_history_scores_w_against_the_fixed_point_q_inverse_transposed():
    """corr_fixed_point is corr(W, Q^-T) for W and Q lower x higher (the loop W Q^T), for a non-symmetric Q."""
    from gatedplasticity.analysis.loop_gain import fixed_point_correlation

    q, c = small_problem()
    structure, params = setup(chunk=2, delay=4 * ms)
    result = td.train(q, c, 2, params, structure, max_presentations=4, backend="runtime", progress=False)
    w = result.snapshots[4]
    assert not np.allclose(np.linalg.inv(q), np.linalg.inv(q).T)
    assert result.history["corr_fixed_point"].iloc[-1] == pytest.approx(fixed_point_correlation(w, q))
    assert result.history["corr_fixed_point"].iloc[-1] != pytest.approx(fixed_point_correlation(w, q.T))
