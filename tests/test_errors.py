"""Bad input raises clear errors that name the offending parameter."""

import pytest
from brian2 import Equations, Hz, NeuronGroup, ms, mV, second

import gatedplasticity as gp
from gatedplasticity import papers
from gatedplasticity.rules import stdp


@pytest.fixture
def groups():
    with gp.Session(progress=False):
        yield NeuronGroup(2, "v : volt"), NeuronGroup(2, "v : volt")


@pytest.mark.parametrize(
    "overrides, name, fragment",
    [
        ({"tau_stdp": 20}, "tau_stdp", "must be in second"),
        ({"tau_stdp": 20 * mV}, "tau_stdp", "must be in second"),
        ({"mu": 0.01 * ms}, "mu", "dimensionless"),
        ({"eta": 0.1}, "eta", "unknown parameter 'eta'; valid parameters are: alpha, mu"),
    ],
)
def test_rule_overrides_are_checked(groups, overrides, name, fragment):
    with pytest.raises(gp.ParameterError, match=fragment) as error:
        stdp.classical().synapses(*groups, **overrides)
    assert error.value.parameter == name and f"'{name}'" in str(error.value)


def test_unknown_tunable_parameter_is_named(groups):
    with pytest.raises(gp.ParameterError, match="tunable parameter 'eta'"):
        stdp.classical().synapses(*groups, tunable=("eta",))


def test_missing_postsynaptic_variable_is_named(groups):
    rule = gp.rules.Rule("needs v_a", stdp.STDP_TRACES + stdp.ADDITIVE + stdp.CLASSICAL_WINDOW, on_pre=stdp.ON_PRE,
                         defaults=stdp.DEFAULTS, requires=("v_a",))
    with pytest.raises(gp.ParameterError, match="'v_a'") as error:
        rule.synapses(*groups)
    assert error.value.parameter == "v_a"


@pytest.mark.parametrize(
    "overrides, name",
    [({"C_s": 3 * mV}, "C_s"), ({"g_K": 1.0}, "g_K"), ({"ca_duration": 60}, "ca_duration")],
)
def test_model_overrides_are_checked(overrides, name):
    with gp.Session(progress=False):
        with pytest.raises(gp.ParameterError, match=f"'{name}'"):
            gp.models.two_compartment().neurons(3, **overrides)


def test_neuron_count_must_be_positive_integer():
    with pytest.raises(ValueError, match="positive integer"):
        gp.models.burbank_lif().neurons(0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"rates": [10, -1] * Hz}, "rates"),
        ({"rates": [10, 5] * ms}, "rates"),
        ({"rates": [10, 5]}, "rates"),
        ({"duration": 5}, "duration"),
        ({"seed": None}, "seed"),
    ],
)
def test_poisson_inputs_are_checked(kwargs, name):
    arguments = {"rates": [10, 5] * Hz, "duration": 1 * second, "seed": 1, **kwargs}
    with gp.Session(progress=False):
        with pytest.raises(gp.ParameterError, match=f"'{name}'") as error:
            gp.protocols.poisson_trains(**arguments)
    assert error.value.parameter == name


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"delays": [1, 2]}, "delays"),
        ({"delays": [1 * ms, 2 * mV]}, "delays"),
        ({"n_pairs": 0}, "n_pairs"),
        ({"n_pairs": 1.5}, "n_pairs"),
        ({"period": 100 * ms}, "period"),
        ({"onset": 0 * ms}, "onset"),
    ],
)
def test_pairing_inputs_are_checked(kwargs, name):
    arguments = {"delays": [-60, 60] * ms, **kwargs}
    with gp.Session(progress=False):
        with pytest.raises(gp.ParameterError, match=f"'{name}'"):
            gp.protocols.pairing(**arguments)


def test_instructive_input_checks_variable_and_unit():
    with gp.Session(progress=False):
        neurons = gp.models.two_compartment().neurons(1)
        with pytest.raises(gp.ParameterError, match="'amount'"):
            gp.protocols.instructive_input(neurons, [10] * ms, 30 * Hz)
        with pytest.raises(gp.ParameterError, match="no variable 'v_b'"):
            gp.protocols.instructive_input(neurons, [10] * ms, 30 * mV, variable="v_b")


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(papers.UnknownFigureError, match="burbank2012-fig1"):
        papers.get("burbank2012-fig9")
    with pytest.raises(ValueError, match="runtime, standalone"):
        gp.Session("gpu")
    with pytest.raises(ValueError, match="'classical', 'reverse'|classical, reverse"):
        stdp.rule("hebbian")


def raw_error_cases():
    """Issue 30, item 8: inputs that raised numpy's or Brian2's own errors (or none) instead of naming the argument."""
    import numpy as np

    from gatedplasticity.analysis import convergence, place_fields
    from gatedplasticity.protocols.poisson import poisson_trains

    return [
        ("duration", lambda: poisson_trains([10] * Hz, -1 * second, seed=0)),
        ("rates", lambda: poisson_trains([[10, 20]] * Hz, 1 * second, seed=0)),
        ("rates", lambda: poisson_trains([] * Hz, 1 * second, seed=0)),
        ("dt", lambda: poisson_trains([10] * Hz, 1 * second, seed=0, dt=0 * ms)),
        ("dt", lambda: gp.Session(dt=-1 * ms)),
        ("name", lambda: gp.Session(name="../outside")),
        ("values", lambda: place_fields.field_metrics(np.array([]), np.array([]), 10.0, 187.0)),
        ("rows", lambda: convergence.classify_linear([], 1.0)),
        ("snapshots", lambda: convergence.classify_network({}, 20.0)),
    ]


@pytest.mark.parametrize("index", range(9))
def test_inputs_that_raised_raw_errors_are_refused_by_name(index):
    name, call = raw_error_cases()[index]
    with pytest.raises(gp.ParameterError) as error:
        call()
    assert error.value.parameter == name


def test_messages_show_numbers_not_numpy_reprs():
    """Issue 30, item 8: messages printed 'np.int64(0)' for 0."""
    import numpy as np

    from gatedplasticity.protocols.validation import positive_int

    with pytest.raises(gp.ParameterError) as error:
        positive_int("copies", np.int64(0), "Program")
    assert "got 0" in str(error.value) and "np." not in str(error.value)


def test_a_rules_code_with_an_undefined_name_is_refused_when_its_synapses_are_made():
    """Issue 30, item 8: the error came at run(), from Brian2, naming 'synapses_pre' instead of the rule."""
    with gp.Session(progress=False):
        pre = NeuronGroup(2, "v : volt", threshold="v > 1*volt", reset="")
        post = NeuronGroup(2, "v : volt", threshold="v > 1*volt", reset="")
        typo = gp.rules.Rule("typo rule", stdp.STDP_TRACES + stdp.ADDITIVE + stdp.CLASSICAL_WINDOW,
                             on_pre=stdp.ON_PRE + "\nw += mu * apre_typo", defaults=stdp.DEFAULTS)
        with pytest.raises(gp.ParameterError, match="rule 'typo rule'.*'apre_typo'") as error:
            typo.synapses(pre, post)
    assert error.value.parameter == "on_pre"


def test_a_rules_every_step_code_is_checked_too():
    """The on_step stages (run_regularly code) were left to Brian2's error at run(); a temporary is fine."""
    with gp.Session(progress=False):
        pre = NeuronGroup(2, "v : volt", threshold="v > 1*volt", reset="")
        post = NeuronGroup(2, "v : volt", threshold="v > 1*volt", reset="")
        fine = gp.rules.Rule("fine rule", Equations("w : 1"), on_step={"learn": "step = 0.5 * w\nw += step"})
        fine.synapses(pre, post)
        typo = gp.rules.Rule("typo rule", Equations("w : 1"), on_step={"learn": "w += 0.5 * w_typo"})
        with pytest.raises(gp.ParameterError, match="rule 'typo rule': its on_step stage 'learn'.*'w_typo'") as error:
            typo.synapses(pre, post)
    assert error.value.parameter == "on_step"
