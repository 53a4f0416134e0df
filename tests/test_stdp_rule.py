"""Closed-form tests of pair-based cSTDP / rSTDP (Burbank & Kreiman 2012, Eq 1/1')."""

import numpy as np
import pytest
from brian2 import ms

import gatedplasticity as gp
from gatedplasticity.analysis import stdp as closed_form
from gatedplasticity.rules import stdp

DELAYS = np.array([-100, -37, -5, -1, 0, 1, 5, 37, 100]) * ms
#: (rule, overrides, initial weight, pairs): depression/potentiation biases and tight bounds
CASES = [
    ("classical", {}, 0.0, 1),
    ("reverse", {}, 0.0, 1),
    ("classical", {"alpha": 3.0}, 0.0, 1),
    ("reverse", {"alpha": 0.9}, 0.0, 1),
    ("classical", {"w_min": -0.015, "w_max": 0.012}, 0.005, 3),
    ("reverse", {"w_min": -0.012, "w_max": 0.015, "mu": 0.02}, -0.005, 3),
]


def test_window_formula_matches_hand_values():
    mu, alpha = 0.01, 1.2
    e = np.exp(-10 / 20)
    assert closed_form.window(0.010, "classical") == pytest.approx(mu * e, rel=1e-12)
    assert closed_form.window(-0.010, "classical") == pytest.approx(-alpha * mu * e, rel=1e-12)
    assert closed_form.window(0.010, "reverse") == pytest.approx(-alpha * mu * e, rel=1e-12)
    assert closed_form.window(-0.010, "reverse") == pytest.approx(mu * e, rel=1e-12)
    assert closed_form.window(0.0, "classical") == pytest.approx(mu)


def test_replay_sums_all_pairs_and_clips():
    # pre at 0 and 30 ms, post at 10 ms: one causal pair (+10 ms) and one acausal (-20 ms)
    expected = 0.01 * np.exp(-0.5) - 1.2 * 0.01 * np.exp(-1.0)
    assert closed_form.replay([0.0, 0.030], [0.010], "classical") == pytest.approx(expected, rel=1e-12)
    assert closed_form.replay([0.0], [0.001], "classical", w0=0.0, w_max=0.001) == 0.001


def simulate_cases(backend):
    with gp.Session(backend, seed=0, name="test-stdp-window", progress=False) as session:
        protocols, synapses = [], []
        for index, (rule, overrides, w0, n_pairs) in enumerate(CASES):
            protocol = gp.protocols.pairing(DELAYS, n_pairs=n_pairs, period=500 * ms)
            synapse = stdp.rule(rule).synapses(
                protocol.pre, protocol.post, connect={"j": "i"}, tunable=("mu",), name=f"case{index}", **overrides
            )
            synapse.w = w0
            protocols.append(protocol)
            synapses.append(synapse)
        objects = [g for p in protocols for g in (p.pre, p.post)] + synapses
        session.run(max(p.duration for p in protocols), objects)
        first = [np.array(s.w) for s in synapses]
        rerun = None
        if session.standalone:
            binary = session.binary()
            built = binary.stat().st_mtime_ns
            session.rerun({synapses[0].mu: 0.02})
            rerun = {"w": np.array(synapses[0].w), "binary_unchanged": binary.stat().st_mtime_ns == built}
    return protocols, first, rerun


def expected_weights(protocol, rule, overrides, w0):
    return [closed_form.replay(pre, post, rule=rule, w0=w0, **overrides) for pre, post in zip(protocol.pre_times, protocol.post_times)]


@pytest.mark.parametrize("backend", ["runtime", pytest.param("standalone", marks=pytest.mark.standalone)])
def test_brian2_rule_matches_closed_form(backend):
    protocols, weights, rerun = simulate_cases(backend)
    for (rule, overrides, w0, _), protocol, w in zip(CASES, protocols, weights):
        np.testing.assert_allclose(w, expected_weights(protocol, rule, overrides, w0), rtol=1e-9, atol=1e-15)
    single_pair = weights[0]
    assert np.all(single_pair[DELAYS > 0] > 0) and np.all(single_pair[DELAYS < 0] < 0)
    assert np.all(weights[1][DELAYS > 0] < 0) and np.all(weights[1][DELAYS < 0] > 0)
    bounded = weights[4]
    assert bounded.max() == pytest.approx(0.012) and bounded.min() == pytest.approx(-0.015)
    if backend == "standalone":
        assert rerun["binary_unchanged"], "rerun with new run_args recompiled the binary"
        np.testing.assert_allclose(rerun["w"], expected_weights(protocols[0], "classical", {"mu": 0.02}, 0.0), rtol=1e-9)
        np.testing.assert_allclose(rerun["w"], 2 * weights[0], rtol=1e-9)
