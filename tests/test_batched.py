"""Batched parameters: one group holds many independent parameter sets (any rule, any model).

A batched run equals separate runs with each parameter set. Not bit for bit:
a namespace constant is folded into the compiled expression, a batched one
is read from memory, and the compiler may round the product differently in
the last bit, so the comparisons allow 1e-13 relative (about 500 ulp of
room; the measured differences are 1-2 ulp).
"""

import numpy as np
import pytest
from brian2 import Hz, Network, NeuronGroup, ms, second

from gatedplasticity.backends import Session
from gatedplasticity.models.base import Model
from gatedplasticity.parameters import ParameterError
from gatedplasticity.rules import btsp

PRE = "eligibility = 0.5 + 0.45 * sin(2 * pi * t / (700 * ms) + i) : 1"
POST = "instructive = 0.3 + 0.6 * cos(2 * pi * t / (900 * ms)) : 1"
K_PLUS = np.array([0.5, 1.11, 2.0, 3.3]) / second
TH_PLUS = np.array([0.2, 0.415, 0.3, 0.6])  # a derived constant (the sigmoid's ends) depends on it
RELAX = Model(name="relaxation", equations="dv/dt = (v_inf - v) / tau : 1", defaults={"tau": 10 * ms, "v_inf": 1.0})
TAUS = np.array([5.0, 10.0, 20.0]) * ms


def btsp_weights(backend, n_post, **overrides):
    """BTSP weights (pre x post) after 2 s from 3 inputs with oscillating ET onto ``n_post`` cells with oscillating IS."""
    with Session(backend, seed=1, name=f"test-batched-{n_post}-{'-'.join(overrides)}", dt=1 * ms,
                 progress=False) as session:
        pre = NeuronGroup(3, PRE, name="pre")
        post = NeuronGroup(n_post, POST, events={"plateau": "t < 0.5 * ms"}, name="post")
        synapses = btsp.rule("continuous").synapses(pre, post, name="syn", **overrides)
        session.run(2 * second, Network(pre, post, synapses))
        return np.array(synapses.w[:]).reshape(3, n_post)


def separate_btsp(backend):
    return np.column_stack([btsp_weights(backend, 1, k_plus=k, th_plus=th)[:, 0] for k, th in zip(K_PLUS, TH_PLUS)])


def relaxed(backend, n, **overrides):
    with Session(backend, seed=1, name=f"test-batched-relax-{n}-{'-'.join(overrides)}", dt=0.1 * ms,
                 progress=False) as session:
        group = RELAX.neurons(n, name="cells", **overrides)
        session.run(15 * ms, Network(group))
        return np.array(group.v[:])


def test_batched_rule_equals_separate_runs_runtime():
    batched = btsp_weights("runtime", 4, batched=("k_plus", "th_plus"), k_plus=K_PLUS, th_plus=TH_PLUS)
    np.testing.assert_allclose(batched, separate_btsp("runtime"), rtol=1e-13, atol=0)
    assert np.ptp(batched[0]) > 0.3  # the parameter sets really differ


def test_batched_model_equals_separate_runs_runtime():
    batched = relaxed("runtime", 3, batched=("tau",), tau=TAUS)
    separate = [relaxed("runtime", 1, tau=tau)[0] for tau in TAUS]
    np.testing.assert_allclose(batched, separate, rtol=1e-13, atol=0)
    np.testing.assert_allclose(batched, 1 - (1 - 0.1 / np.asarray(TAUS / ms)) ** 150, rtol=1e-12)  # Euler, closed form


@pytest.mark.standalone
def test_batched_rule_standalone_rerun_equals_separate_runs():
    """One build with batched k_plus and th_plus; a rerun with new values (run_args) equals separate runs of those
    values (the derived sigmoid ends are recomputed after the run_args)."""
    with Session("standalone", seed=1, name="test-batched-rerun", dt=1 * ms, progress=False) as session:
        pre = NeuronGroup(3, PRE, name="pre")
        post = NeuronGroup(4, POST, events={"plateau": "t < 0.5 * ms"}, name="post")
        rule = btsp.rule("continuous")
        synapses = rule.synapses(pre, post, name="syn", batched=("k_plus", "th_plus"), k_plus=1.0 / second)
        session.run(2 * second, Network(pre, post, synapses))
        session.rerun(rule.batch_args(synapses, k_plus=K_PLUS, th_plus=TH_PLUS))
        rerun = np.array(synapses.w[:]).reshape(3, 4)
    np.testing.assert_allclose(rerun, separate_btsp("standalone"), rtol=1e-13, atol=0)
    np.testing.assert_allclose(rerun, separate_btsp("runtime"), rtol=1e-12, atol=0)


def test_per_post_values_expand_to_synapses_and_per_synapse_values_pass():
    pre, post = NeuronGroup(3, "eligibility = 0.5 : 1"), NeuronGroup(2, "instructive = 0.5 : 1", events={"plateau": "t<0*ms"})
    rule = btsp.rule("continuous")
    per_post = rule.synapses(pre, post, batched=("k_plus",), k_plus=[1.0, 2.0] / second)
    np.testing.assert_array_equal(per_post.k_plus[:], np.tile([1.0, 2.0], 3) * Hz)
    explicit = rule.synapses(pre, post, connect={"i": [0, 2, 1], "j": [1, 1, 0]}, batched=("k_minus",),
                             k_minus=np.array([0.1, 0.2, 0.3]) / second)
    np.testing.assert_array_equal(explicit.k_minus[:], [0.1, 0.2, 0.3] * Hz)


@pytest.mark.parametrize("overrides, parameter", [
    ({"batched": ("k_plus",), "k_plus": [1.0, 2.0, 3.0] / second}, "k_plus"),  # 3 values for 2 cells / 6 synapses
    ({"batched": ("k_plus",), "k_plus": [1.0, 2.0] * ms}, "k_plus"),  # wrong unit
    ({"batched": ("k_plus",), "k_plus": [1.0, np.nan] / second}, "k_plus"),
    ({"batched": ("k_pluss",)}, "k_pluss"),
])
def test_bad_batched_values_name_the_parameter(overrides, parameter):
    pre, post = NeuronGroup(3, "eligibility = 0.5 : 1"), NeuronGroup(2, "instructive = 0.5 : 1", events={"plateau": "t<0*ms"})
    with pytest.raises(ParameterError) as error:
        btsp.rule("continuous").synapses(pre, post, **overrides)
    assert error.value.parameter == parameter


def test_bad_model_batch_length_and_unbatched_name():
    with pytest.raises(ParameterError, match="3 values") as error:
        RELAX.neurons(3, batched=("tau",), tau=[1.0, 2.0] * ms)
    assert error.value.parameter == "tau"
    group = RELAX.neurons(2)
    with pytest.raises(ParameterError, match="not a batched parameter"):
        RELAX.batch_args(group, tau=[1.0, 2.0] * ms)
