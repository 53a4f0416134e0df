"""Backends: runtime-only features are rejected in standalone before building; build folders are held by one
session at a time and found again by later ones."""

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


def test_a_build_folder_held_by_another_session_is_left_to_it(tmp_path, monkeypatch):
    """Issue 30, item 6: folders were named by process id, so none was ever reused; named by project, a
    concurrent session (another process, a sweep's other worker) must still never build in the same one."""
    from gatedplasticity.backends.session import cache_directory, claim_folder, in_use

    monkeypatch.setenv("GATEDPLASTICITY_CACHE", str(tmp_path))
    folder = cache_directory("test-held")
    _, held = claim_folder(folder)  # what a session in another process holds
    assert in_use(folder)
    with gp.Session("standalone", name="test-held", progress=False) as session:
        assert session.directory == folder.with_name("test-held@2")
        with pytest.raises(ParameterError, match="in use") as error:
            with gp.Session("standalone", directory=folder, progress=False):
                pass
        assert error.value.parameter == "directory"
    held.close()
    assert not in_use(folder)
    with gp.Session("standalone", name="test-held", progress=False) as session:
        assert session.directory == folder  # free again: reused


def test_a_structure_names_its_build_folder_alike_in_every_process():
    """Python's hash() of strings changes per process: a folder named by it is never found again."""
    import os
    import subprocess
    import sys

    code = ("from gatedplasticity.backends.program import structure_digest\n"
            "from gatedplasticity.protocols.top_down.structure import Structure\n"
            "print(structure_digest(Structure(rule='classical')), structure_digest(('drift', 5, 1.0)))")
    names = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2)}
    assert len(names) == 1, names


def test_without_file_locks_a_named_project_builds_in_a_folder_of_its_own(tmp_path, monkeypatch):
    """A file system that refuses flock (some network mounts) must not stop a session."""
    from gatedplasticity.backends import session as sessions

    class NoLocks:
        LOCK_EX = LOCK_NB = 0

        @staticmethod
        def flock(*args):
            raise OSError(37, "No locks available")

    monkeypatch.setattr(sessions, "fcntl", NoLocks)
    folder, lock = sessions.claim_folder(tmp_path / "project")
    assert folder.name == f"project@pid{__import__('os').getpid()}"
    lock.close()
    assert not sessions.in_use(folder)  # cache clean must not stop there either
    folder, lock = sessions.claim_folder(tmp_path / "explicit", named=False)
    assert folder.name == "explicit"
    lock.close()
