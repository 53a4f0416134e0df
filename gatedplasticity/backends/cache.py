"""What the package keeps in its cache folder (``cache_root()``), and cleaning its standalone builds.

``standalone/<project>`` holds one compiled program per project name; sweeps, fits and batched runs name
theirs by structure (``Program``), so a later run of the same structure reuses it, and concurrent
processes add ``<project>@2``, ... Many structures still pile up (tens of GB after many sweeps).
:func:`clean_builds` removes the build folders not used (no file written in them) for ``older_than_days``
days and not held by an open session (``session.in_use``). Checkpoints and selection
results in the other folders are never removed by it. CLI: ``gatedplasticity cache [clean --older-than DAYS]``.
"""

import os
import shutil
import stat
import time
from pathlib import Path

from ..parameters import ParameterError
from .session import cache_root, in_use


def folder_stats(path):
    """(bytes in the files under ``path``, latest modification time in s since the epoch of it or anything
    under it), in one walk."""
    total, latest = 0, Path(path).lstat().st_mtime
    for root, folders, files in os.walk(path):
        for name in folders + files:
            try:
                status = (Path(root) / name).lstat()
            except FileNotFoundError:  # removed meanwhile
                continue
            latest = max(latest, status.st_mtime)
            total += status.st_size if stat.S_ISREG(status.st_mode) else 0
    return total, latest


def usage():
    """{folder name: (bytes, entries)} of the cache's top-level folders."""
    root = cache_root()
    if not root.exists():
        return {}
    return {folder.name: (folder_stats(folder)[0], len(list(folder.iterdir())))
            for folder in sorted(root.iterdir()) if folder.is_dir()}


def clean_builds(older_than_days=7.0):
    """Remove standalone build folders with nothing written for ``older_than_days``; returns (folders, bytes)."""
    if not older_than_days >= 0:
        raise ParameterError("older_than_days", f"clean_builds: must be a non-negative number of days, got {older_than_days!r}")
    builds = cache_root() / "standalone"
    cutoff = time.time() - older_than_days * 86400
    removed, freed = 0, 0
    for folder in sorted(builds.iterdir()) if builds.exists() else []:
        if not folder.is_dir():
            continue
        size, latest = folder_stats(folder)
        if latest < cutoff and not in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed, freed = removed + 1, freed + size
    return removed, freed
