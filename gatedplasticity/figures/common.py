"""Helpers shared by figure modules: style, comparison tables, saving."""

from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..results import atomic_write

STYLE = Path(__file__).with_name("gatedplasticity.mplstyle")
COMPARISON_COLUMNS = ["quantity", "published", "reproduced", "tolerance", "passed"]


@contextmanager
def style():
    """Apply the package's matplotlib style inside the block."""
    with plt.style.context(STYLE):
        yield


def row(quantity, published, reproduced, tolerance, passed):
    """One row of a comparison table."""
    return dict(zip(COMPARISON_COLUMNS, (quantity, float(published), float(reproduced), float(tolerance), bool(passed))))


def check(quantity, published, reproduced, tolerance):
    """One comparison row: passed when |reproduced - published| <= tolerance."""
    return row(quantity, published, reproduced, tolerance, np.abs(float(reproduced) - float(published)) <= float(tolerance))


def check_bound(quantity, published, reproduced, bound, upper=True):
    """One-sided row: passed when reproduced <= bound (``upper``) or >= bound.

    The tolerance column holds the bound; name it in ``quantity``.
    """
    reproduced = float(reproduced)
    return row(quantity, published, reproduced, bound, reproduced <= bound if upper else reproduced >= bound)


def comparison(rows):
    """DataFrame with the columns quantity, published, reproduced, tolerance, passed."""
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def save_figure(figure, path):
    """Save ``figure`` atomically; the format comes from the suffix of ``path``."""
    path = Path(path)
    return atomic_write(path, lambda tmp: figure.savefig(tmp, format=path.suffix[1:]))
