"""The real CA1 inductions (Milstein et al. 2021, Magee-lab recordings) that sit beside the repository.

They are not part of the package (their source carries no licence): they are
read from ``../shared/data/btsp-ca1/`` next to the checkout, or from the
folder named by the environment variable ``GATEDPLASTICITY_CA1_DATA``.
:func:`folder` says where, :func:`missing` why they cannot be used (None
when they can), :func:`load` reads them in the induction format (ramps,
paths, plateaus and the cells table).
"""

import os
from pathlib import Path

from ...fitting import data

ENVIRONMENT = "GATEDPLASTICITY_CA1_DATA"
FILES = ("ramps.csv", "paths.csv", "plateaus.csv", "cells.csv")


def folder():
    """The folder of the real inductions ($GATEDPLASTICITY_CA1_DATA, else ../shared/data/btsp-ca1 beside the
    checkout)."""
    return Path(os.environ.get(ENVIRONMENT) or Path(__file__).resolve().parents[4] / "shared" / "data" / "btsp-ca1")


def paths():
    """The four tables' paths."""
    return [folder() / name for name in FILES]


def missing():
    """Why the real inductions cannot be read (a sentence), or None when they can."""
    absent = [path for path in paths() if not path.is_file()]
    if absent:
        return (f"the real CA1 inductions are not at {folder()} (missing {absent[0].name}); they are not shipped "
                f"with the package: set {ENVIRONMENT} to their folder")
    return None


def load():
    """The real inductions (``fitting.data.InductionData`` with its cells table)."""
    reason = missing()
    if reason:
        raise data.DataError("data", reason)
    return data.read(paths(), "induction")
