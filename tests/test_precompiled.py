"""Precompiled standard headers: built once, really used by GCC, switched off cleanly."""

import shutil
import subprocess

import pytest
from brian2 import ms
from brian2.codegen.cpp_prefs import get_compiler_and_args

from gatedplasticity import Session, precompiled

pytestmark = pytest.mark.skipif(precompiled.gcc_version(tuple(precompiled.compiler())) is None,
                                reason="precompiled headers are made for GCC only")


def test_the_header_is_built_once_and_gcc_loads_it_with_brians_flags(tmp_path):
    args = precompiled.include_args(tmp_path)
    assert args[0] == "-include" and args[1].startswith(str(tmp_path / "precompiled"))
    compiled = tmp_path / "precompiled" / args[1].split("/")[-2] / "gp_std.h.gch"
    built = compiled.stat().st_mtime_ns
    assert precompiled.include_args(tmp_path) == args and compiled.stat().st_mtime_ns == built  # not rebuilt
    source = tmp_path / "unit.cpp"
    source.write_text('#include "unit.h"\n#include <iostream>\nint main() { std::cout << 1; }\n')
    (tmp_path / "unit.h").write_text("void f();\n")
    # the makefile's order: its own flags, then Brian2's (OPTIMISATIONS), with -include among the device's
    command = [*precompiled.compiler(), "-c", *precompiled.MAKEFILE_FLAGS, *args, *get_compiler_and_args()[1],
               "-H", str(source), "-o", str(tmp_path / "unit.o")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"! {compiled}" in done.stderr.splitlines()  # '!': GCC used the precompiled file, not the text


def test_an_unusable_precompiled_file_falls_back_to_the_text_header(tmp_path):
    args = precompiled.include_args(tmp_path)
    compiled = tmp_path / "precompiled" / args[1].split("/")[-2] / "gp_std.h.gch"
    compiled.write_bytes(b"not a precompiled header")
    source = tmp_path / "unit.cpp"
    source.write_text("int main() { std::vector<int> v(3); return v.size() - 3; }\n")  # <vector> from the header
    done = subprocess.run([*precompiled.compiler(), *args, str(source), "-o", str(tmp_path / "unit")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_it_is_off_for_other_compilers_and_when_disabled(tmp_path, monkeypatch):
    monkeypatch.setenv(precompiled.ENV, "0")
    assert precompiled.include_args(tmp_path) == []
    monkeypatch.delenv(precompiled.ENV)
    monkeypatch.setenv("CXX", shutil.which("true"))  # defines no __GNUC__: not GCC
    assert precompiled.include_args(tmp_path) == []
    assert not (tmp_path / "precompiled").exists()


def test_a_standalone_session_compiles_with_the_header_once(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEDPLASTICITY_CACHE", str(tmp_path))
    with Session("standalone", name="pch") as session:
        assert session.device.extra_compile_args == precompiled.include_args(tmp_path)
    with Session("standalone", name="pch") as session:  # a new session does not add it twice
        assert session.device.extra_compile_args.count("-include") == 1


def test_a_session_left_open_does_not_change_the_next_ones_flags(tmp_path, monkeypatch):
    """A session entered and never closed (a sweep's prepared program) left its -include on Brian2's device; the
    next session added a second one under another key, so its makefile differed and everything recompiled."""
    monkeypatch.setenv("GATEDPLASTICITY_CACHE", str(tmp_path))
    left_open = Session("standalone", name="pch-open", dt=10 * ms).__enter__()
    with Session("standalone", name="pch") as session:
        assert session.device.extra_compile_args == precompiled.include_args(tmp_path)
        values = {entry[1][2] for entry in session.device.main_queue if entry[0] == "set_by_single_value"}
        assert "0.01" not in values  # nor its recorded assignments (dt = 10 ms) in this build
    left_open.__exit__(None, None, None)
