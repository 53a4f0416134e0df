"""Precompiled C++ standard headers for standalone builds (GCC): parsed once per compiler and flags, not per file.

Brian2 compiles every code object of a standalone project as its own
translation unit, and each spends most of its compile time (about 1-2 s
of 2-3 s) parsing the same standard headers (``<iostream>``,
``<random>``, ``<map>`` ...). :func:`include_args` returns
``["-include", HEADER]`` for a header of those includes whose
precompiled form ``HEADER.gch`` lies beside it: GCC then loads the parsed
headers instead (the machine code is byte-for-byte the same). Should GCC
find the ``.gch`` unusable (other flags, another compiler version), it
reads ``HEADER`` as text: the build stays correct, only slower.

The header is built once per compiler version and flag set under
``cache_root()/precompiled/`` (about 3 s, 50 MB). Compilers other than
GCC get no ``-include``; ``GATEDPLASTICITY_PRECOMPILED_HEADERS=0`` turns
it off.
"""

import hashlib
import os
import shlex
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from brian2.codegen.cpp_prefs import get_compiler_and_args

ENV = "GATEDPLASTICITY_PRECOMPILED_HEADERS"
#: What Brian2's generated sources include from the standard library (brian2 2.10-2.11 templates).
HEADERS = ("algorithm", "chrono", "climits", "cmath", "csignal", "cstdlib", "ctime", "fstream", "iostream", "map",
           "random", "set", "stdint.h", "string", "utility", "vector")
#: Brian2's makefile compiles with these flags before its OPTIMISATIONS (compiler arguments).
MAKEFILE_FLAGS = ("-Wno-write-strings",)


def compiler():
    """The C++ compiler Brian2's makefile runs (make's ``$(CXX)``), as an argument list."""
    return shlex.split(os.environ.get("CXX") or "g++")


@lru_cache(maxsize=None)
def gcc_version(command):
    """GCC's ``__VERSION__`` if ``command`` is GCC (not clang, which also defines ``__GNUC__``), else None."""
    try:
        done = subprocess.run([*command, "-x", "c++", "-E", "-dM", "-"], input="", capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    macros = dict(line.split(" ", 2)[1:] for line in done.stdout.splitlines() if line.count(" ") >= 2)
    if done.returncode != 0 or "__GNUC__" not in macros or "__clang__" in macros:
        return None
    return macros.get("__VERSION__", macros["__GNUC__"])


def header_text():
    return "".join(f"#include <{name}>\n" for name in HEADERS)


def build(folder, command, flags):
    """Write ``folder/gp_std.h`` and compile ``folder/gp_std.h.gch`` (atomically); returns the header or None."""
    folder.mkdir(parents=True, exist_ok=True)
    header, compiled = folder / "gp_std.h", folder / "gp_std.h.gch"
    if not header.exists():
        partial = folder / f"gp_std.h.{os.getpid()}"
        partial.write_text(header_text())
        os.replace(partial, header)
    if compiled.exists():
        return header
    partial = folder / f"gp_std.h.gch.{os.getpid()}"
    done = subprocess.run([*command, *MAKEFILE_FLAGS, *flags, "-x", "c++-header", str(header), "-o", str(partial)],
                          capture_output=True, text=True)
    if done.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        return None
    os.replace(partial, compiled)
    return header


def include_args(root, extra_flags=()):
    """``["-include", header]`` for standalone builds under the cache ``root``, or [] (not GCC, disabled, failed).

    ``extra_flags``: the device's own extra compile arguments, which come
    before Brian2's default flags in the makefile.
    """
    if os.environ.get(ENV, "1") == "0" or sys.platform == "win32":
        return []
    name, default_flags = get_compiler_and_args()
    command = compiler()
    version = gcc_version(tuple(command))
    if name not in ("gcc", "unix") or version is None:
        return []
    flags = [*extra_flags, *default_flags]
    key = hashlib.sha256(repr((version, command, flags, HEADERS)).encode()).hexdigest()[:12]
    header = build(Path(root) / "precompiled" / key, command, flags)
    return ["-include", shlex.quote(str(header))] if header else []
