"""Neuron models: closed-form dynamics, events, resets."""

import numpy as np
import pytest
from brian2 import EventMonitor, Hz, SpikeMonitor, StateMonitor, ms, mV, second

import gatedplasticity as gp


def test_rate_neuron_relaxes_exponentially_to_rectified_drive():
    model = gp.models.threshold_linear()
    with gp.Session(progress=False) as session:
        neurons = model.neurons(2, gain=2.0, theta=10 * Hz)
        neurons.I_in = [30, 5] * Hz
        session.run(20 * ms, [neurons])
        expected = 2.0 * 20 * (1 - np.exp(-20 / 10))  # gain (I - theta)(1 - e^{-t/tau})
        assert float(neurons.r[0] / Hz) == pytest.approx(expected, rel=1e-9)
        assert float(neurons.r[1] / Hz) == 0.0


def test_burbank_lif_steady_state_and_conductance_reset():
    model = gp.models.burbank_lif()
    assert model.emits == ("spike",)
    with gp.Session(dt=0.1 * ms, progress=False) as session:
        neurons = model.neurons(2, tau_syn=1e6 * second)  # conductance effectively constant
        neurons.g = [0.2, 1.0]
        spikes = SpikeMonitor(neurons)
        session.run(200 * ms, [neurons, spikes])
        # g = 0.2: v -> (V_rest + g E_ex) / (1 + g), below threshold
        assert float(neurons.v[0] / mV) == pytest.approx(-74 / 1.2, abs=1e-4)  # g decays by 2e-7
        # g = 1: v_inf = -37 mV > threshold; the spike resets g to 0, so exactly one spike
        assert list(spikes.count) == [0, 1]
        assert float(neurons.g[1]) == 0.0


def test_two_compartment_ca_spike_is_a_plateau_event():
    model = gp.models.two_compartment()
    assert set(model.emits) == {"spike", "ca_spike"}
    assert {"v", "v_a", "plateau"} <= set(model.variables)
    with gp.Session(progress=False) as session:
        neurons = model.neurons(2)
        kicks = gp.protocols.instructive_input(neurons, [50, 80, 200] * ms, 30 * mV, targets=[0])
        events = EventMonitor(neurons, "ca_spike")
        state = StateMonitor(neurons, ["v", "plateau"], record=True)
        session.run(300 * ms, [neurons, *kicks, events, state])
        # the kick at 80 ms falls inside the first plateau: no second event
        np.testing.assert_allclose(events.t / ms, [50.1, 200.1])
        assert list(events.i) == [0, 0]
        plateau_ms = state.plateau[0].sum() * 0.1 / 2
        assert plateau_ms >= 50 and plateau_ms == pytest.approx(60, abs=0.2)
        during = (state.t > 80 * ms) & (state.t < 110 * ms)  # after ~2 somatic time constants
        assert np.all(state.v[0][during] > -60 * mV), "the plateau depolarises the soma"
        assert np.all(state.plateau[1] == 0)


def test_model_displays_its_equations_and_parameters():
    text = gp.models.two_compartment()._repr_markdown_()
    assert "dv_a/dt" in text and "ca_spike" in text and "| `V_ca` |" in text


def test_rules_and_models_accept_equation_strings_with_default_names():
    from brian2 import Equations

    rule = gp.rules.Rule(model="w : 1", on_pre="v_post += w")
    model = gp.models.Model(equations="dv/dt = -v / (10*ms) : 1", threshold="v > 1", reset="v = 0")
    assert isinstance(rule.model, Equations) and rule.name == "custom rule" and model.name == "custom model"
    with gp.Session(progress=False):
        cells = model.neurons(3)
        synapses = rule.synapses(cells, cells, connect={"j": "i"})
        assert len(synapses) == 3 and cells.operations == {} and synapses.operations == {}
    for build, name in ((lambda: gp.rules.Rule(), "model"), (lambda: gp.rules.Rule(model="w : volt : 1"), "model"),
                        (lambda: gp.models.Model(equations=3), "equations")):
        with pytest.raises(gp.ParameterError) as error:
            build()
        assert error.value.parameter == name
    assert gp.rules.stdp.rule("reverse", traces="neuron").name == gp.rules.stdp.reverse(traces="neuron").name


def test_weights_helper_round_trips_synapse_order_and_refuses_gaps():
    import numpy as np

    from gatedplasticity.weights import all_to_all, arrange, synapse_order

    pre, post = all_to_all(3, 2)
    assert list(pre) == [0, 0, 1, 1, 2, 2] and list(post) == [0, 1, 0, 1, 0, 1]
    values = np.arange(6.0)[::-1]
    matrix = arrange(values, (pre, post), (3, 2))
    assert matrix[2, 1] == values[5] and matrix[0, 1] == values[1]
    np.testing.assert_array_equal(synapse_order(matrix, (pre, post)), values)
    stacked = arrange(np.vstack([values, 2 * values]), (pre, post), (3, 2))  # leading dimensions stay in front
    np.testing.assert_array_equal(stacked[1], 2 * matrix)
    with pytest.raises(gp.ParameterError):
        arrange(values, (np.zeros(6, int), post), (3, 2))  # two synapses on one position, others empty
