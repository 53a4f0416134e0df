"""Backends: runtime-only features are rejected in standalone before building."""

import pytest
from brian2 import Hz, Network, NeuronGroup, ms, network_operation

import gatedplasticity as gp
from gatedplasticity.parameters import ParameterError


def test_network_operation_rejected_in_standalone():
    with gp.Session("standalone", name="test-reject", progress=False) as session:
        group = NeuronGroup(1, "v : 1")

        @network_operation(dt=1 * ms)
        def nudge():
            group.v += 1

        with pytest.raises(gp.StandaloneUnsupportedError, match="network_operation.*run_regularly"):
            session.run(10 * ms, [group, nudge])
        assert not session.binary().exists(), "nothing may be built"


def test_store_restore_rejected_in_standalone():
    with gp.Session("standalone", name="test-reject", progress=False):
        network = Network(NeuronGroup(1, "v : 1"))
        with pytest.raises(NotImplementedError, match="store/restore"):
            network.store()


def test_rerun_needs_standalone():
    with gp.Session(progress=False) as session:
        with pytest.raises(gp.StandaloneUnsupportedError, match="standalone"):
            session.rerun({})


def test_network_operation_runs_in_runtime():
    with gp.Session(progress=False) as session:
        group = NeuronGroup(1, "v : 1")

        @network_operation(dt=1 * ms)
        def nudge():
            group.v += 1

        session.run(5 * ms, [group, nudge])
        assert group.v[0] == 5


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf") * Hz])
def test_rerun_refuses_a_value_that_is_not_finite_by_name(value):
    """Issue 30, item 1: Brian2 reads 'nan'/'inf' as a file name, fails and keeps the built value."""
    with gp.Session(progress=False) as session:
        with pytest.raises(ParameterError, match="finite") as error:
            session.rerun({"synapses.mu": value})
    assert error.value.parameter == "synapses.mu"
