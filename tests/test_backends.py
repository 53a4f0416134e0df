"""Backends: runtime-only features are rejected in standalone before building."""

import pytest
from brian2 import Network, NeuronGroup, ms, network_operation

import gatedplasticity as gp


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
