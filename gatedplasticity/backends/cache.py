"""What the package keeps in its cache folder (``cache_root()``), and cleaning its standalone builds.

``standalone/<project>`` holds one compiled program per build; sweeps, fits and batched runs make one
per structure and process, and they pile up (tens of GB after many sweeps). :func:`clean_builds` removes
the build folders not used (no file written in them) for ``older_than_days`` days; a build in use writes
its results at every run, so a running program's folder is never that old. Checkpoints and selection
results in the other folders are never removed by it. CLI: ``gatedplasticity cache [clean --older-than DAYS]``.
"""

import os
import shutil
import time
from pathlib import Path

from ..parameters import ParameterError
from .session import cache_root


def folder_size(path):
    """Bytes in the files under ``path``."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).lstat().st_size
            except FileNotFoundError:  # removed meanwhile
                pass
    return total


def last_written(path):
    """The latest modification time (s since the epoch) of ``path`` or anything under it."""
    latest = Path(path).lstat().st_mtime
    for root, folders, files in os.walk(path):
        for name in folders + files:
            try:
                latest = max(latest, (Path(root) / name).lstat().st_mtime)
            except FileNotFoundError:
                pass
    return latest


def usage():
    """{folder name: (bytes, entries)} of the cache's top-level folders."""
    root = cache_root()
    if not root.exists():
        return {}
    return {folder.name: (folder_size(folder), len(list(folder.iterdir())))
            for folder in sorted(root.iterdir()) if folder.is_dir()}


def clean_builds(older_than_days=7.0):
    """Remove standalone build folders with nothing written for ``older_than_days``; returns (folders, bytes)."""
    if not older_than_days >= 0:
        raise ParameterError("older_than_days", f"clean_builds: must be a non-negative number of days, got {older_than_days!r}")
    builds = cache_root() / "standalone"
    cutoff = time.time() - older_than_days * 86400
    removed, freed = 0, 0
    for folder in sorted(builds.iterdir()) if builds.exists() else []:
        if folder.is_dir() and last_written(folder) < cutoff:
            size = folder_size(folder)
            shutil.rmtree(folder, ignore_errors=True)
            removed, freed = removed + 1, freed + size
    return removed, freed
