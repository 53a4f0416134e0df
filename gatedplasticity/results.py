"""Simulation results with provenance, saved atomically in open formats.

A saved result is a folder with one CSV per table (pandas), ``arrays.npz``
(numpy) and ``provenance.json``: parameters with units, seed, backend,
package versions, git commit and source hash, the machine (CPU, cores, C++
flags), wall time and command line. Every file is written to a temporary
name and renamed into place, so an interrupted save never leaves a
half-written file; the sidecar is written last and marks a complete result.
"""

import datetime
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .parameters import to_json

PROVENANCE_FILE = "provenance.json"
ARRAYS_FILE = "arrays.npz"
TRACKED_PACKAGES = ("gatedplasticity", "brian2", "numpy", "scipy", "pandas", "matplotlib")


def current_umask():
    """The process's umask (read from /proc where it can be: setting it to read it races with threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path, write):
    """Call ``write(temporary_path)`` and rename the file onto ``path``.

    On any exception the temporary file is removed and ``path`` is left as it
    was (absent or with its previous complete content). The file gets the
    permissions a plain ``open`` would give it (0666 less the umask), not the
    temporary's private 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_csv(path, table, float_format=None):
    """Write a pandas table to ``path`` as CSV (no index) through :func:`atomic_write`; return the path."""
    return atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, float_format=float_format))


def remove_stale_temporaries(folder, older_than_s=60.0):
    """Remove :func:`atomic_write`'s hidden temporaries in ``folder`` older than ``older_than_s`` (left by a
    killed process; younger ones may belong to a write in progress)."""
    now = time.time()
    for path in Path(folder).glob(".*.*"):
        try:
            if path.is_file() and now - path.stat().st_mtime > older_than_s:
                path.unlink()
        except FileNotFoundError:  # removed by another process meanwhile
            pass


def package_versions():
    """Installed versions of the packages a result depends on."""
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def machine():
    """The machine a result ran on: platform, CPU model, cores, and the C++ flags Brian2 compiles with
    (``-march=native`` code is this CPU's)."""
    from brian2 import prefs
    cpu = platform.processor() or None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(),
            "compile_args": list(prefs["codegen.cpp.extra_compile_args_gcc"])}


PACKAGE_ROOT = Path(__file__).resolve().parent


def source_hash(root=PACKAGE_ROOT):
    """SHA-256 (first 16 hex digits) of the package's files under ``root``: every file but byte code,
    by relative path and content. It changes with any edit of the package, committed or not, and not
    with a commit that touches only docs, tests or data outside it; it is the same for an installed
    copy of the same source (where there is no git checkout to ask)."""
    digest = hashlib.sha256()
    files = sorted(path for path in Path(root).rglob("*")
                   if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc")
    for path in files:
        content = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def code_version():
    """Git commit of the checkout holding the package (editable install, or a venv inside the checkout),
    whether its package source has local changes, and the package's :func:`source_hash`."""
    source = PACKAGE_ROOT
    content = source_hash(source)

    def git(*args):
        return subprocess.run(["git", *args], cwd=source, capture_output=True, text=True, timeout=10)

    try:
        commit = git("rev-parse", "HEAD")
    except (OSError, subprocess.TimeoutExpired):
        return {"commit": None, "dirty": None, "source": content}
    if commit.returncode != 0:
        return {"commit": None, "dirty": None, "source": content}
    status = git("status", "--porcelain", "--untracked-files=no", "--", ":/gatedplasticity", ":/setup.cfg")
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip()), "source": content}


@dataclass
class Result:
    """Tidy output of one simulation: tables (DataFrames), arrays and provenance.

    ``params`` may hold Brian2 quantities; they are stored with their units.
    ``wall_time`` is in seconds.
    """

    name: str
    tables: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    seed: int | None = None
    backend: str = "runtime"
    quick: bool = False
    wall_time: float = 0.0
    code: dict = None  # the code version that ran (read when the run started); default: read at saving

    def provenance(self):
        """Everything needed to tell how this result was made."""
        return {
            "name": self.name,
            "params": to_json(self.params),
            "seed": self.seed,
            "backend": self.backend,
            "quick": self.quick,
            "wall_time_s": self.wall_time,
            "versions": package_versions(),
            "code": self.code or code_version(),
            "machine": machine(),
            "command": sys.argv,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "tables": sorted(self.tables),
            "arrays": sorted(self.arrays),
        }

    def save(self, directory):
        """Write tables (CSV), arrays (NPZ) and the provenance sidecar; return the folder."""
        directory = Path(directory)
        for table_name, table in self.tables.items():
            write_csv(directory / f"{table_name}.csv", table)
        if self.arrays:
            atomic_write(directory / ARRAYS_FILE, lambda tmp: _save_npz(tmp, self.arrays))
        text = json.dumps(self.provenance(), indent=2)
        atomic_write(directory / PROVENANCE_FILE, lambda tmp: Path(tmp).write_text(text))
        return directory

    @classmethod
    def load(cls, directory):
        """Read a result written by :meth:`save` (parameters come back as JSON values)."""
        directory = Path(directory)
        info = json.loads((directory / PROVENANCE_FILE).read_text())
        tables = {name: pd.read_csv(directory / f"{name}.csv") for name in info["tables"]}
        arrays = {}
        if info["arrays"]:
            with np.load(directory / ARRAYS_FILE) as stored:
                arrays = {name: stored[name] for name in stored.files}
        return cls(
            name=info["name"], tables=tables, arrays=arrays, params=info["params"],
            seed=info["seed"], backend=info["backend"], quick=info["quick"],
            wall_time=info["wall_time_s"], code=info.get("code"),
        )


def _save_npz(path, arrays):
    with open(path, "wb") as handle:
        np.savez(handle, **{name: np.asarray(value) for name, value in arrays.items()})
