"""Event-gated plasticity: a Ca2+ spike of the postsynaptic apical branch opens the gate."""

import numpy as np
import pytest
from brian2 import EventMonitor, SpikeGeneratorGroup, SpikeMonitor, ms, mV

import gatedplasticity as gp
from gatedplasticity.analysis import stdp as closed_form
from gatedplasticity.rules import stdp

GATE = 60 * ms
PRE_TIMES = [120, 300] * ms  # pre spikes of every synapse
POST_KICKS = [126, 305] * ms  # somatic kicks -> postsynaptic spikes one step later
CA_KICKS = {1: [100] * ms, 2: [290] * ms}  # neuron 0 never gets a Ca2+ spike


def run_gated(backend):
    rule = stdp.classical().gated("ca_spike", duration=GATE)
    with gp.Session(backend, name="test-gating", progress=False) as session:
        post = gp.models.two_compartment().neurons(3)
        pre = SpikeGeneratorGroup(3, np.repeat([0, 1, 2], 2), np.tile(PRE_TIMES, 3))
        synapses = rule.synapses(pre, post, connect={"j": "i"}, mu=0.05)
        soma = gp.protocols.instructive_input(post, POST_KICKS, 40 * mV, variable="v")
        inputs = [gp.protocols.instructive_input(post, times, 30 * mV, targets=[i]) for i, times in CA_KICKS.items()]
        monitors = [SpikeMonitor(pre), SpikeMonitor(post), EventMonitor(post, "ca_spike")]
        session.run(400 * ms, [post, pre, synapses, *soma, *[o for pair in inputs for o in pair], *monitors])
        trains = [m.spike_trains() if i < 2 else m.event_trains() for i, m in enumerate(monitors)]
        return np.array(synapses.w), [{k: np.asarray(v) for k, v in t.items()} for t in trains]


@pytest.mark.parametrize("backend", ["runtime", pytest.param("standalone", marks=pytest.mark.standalone)])
def test_weights_change_only_while_gate_is_open(backend):
    w, (pre_trains, post_trains, gate_trains) = run_gated(backend)
    assert len(gate_trains[0]) == 0 and len(gate_trains[1]) == 1 and len(gate_trains[2]) == 1
    assert w[0] == 0.0, "gate never opened: no weight change"
    for i in range(3):
        expected = closed_form.replay(pre_trains[i], post_trains[i], "classical", gate_events=gate_trains[i], gate_duration=float(GATE), mu=0.05)
        assert w[i] == pytest.approx(expected, rel=1e-9, abs=1e-15)
    ungated = [closed_form.replay(pre_trains[i], post_trains[i], "classical", mu=0.05) for i in range(3)]
    # neuron 1: only the first pairing (inside 100-160 ms) counts; neuron 2: only the second
    assert w[1] != pytest.approx(ungated[1]) and w[1] > 0
    assert w[2] != pytest.approx(ungated[2]) and w[2] > 0


def test_gated_rule_requires_the_event():
    gated = stdp.classical().gated("ca_spike")
    assert "ca_spike" in gated.requires and "gate_duration" in gated.defaults
    with gp.Session(progress=False):
        lif = gp.models.burbank_lif().neurons(1)
        with pytest.raises(gp.ParameterError, match="ca_spike") as error:
            gated.synapses(lif, lif)
        assert error.value.parameter == "ca_spike"
    with pytest.raises(ValueError, match="already gated"):
        gated.gated("reward")
