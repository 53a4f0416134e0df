"""The figure contract and the helpers every figure module shares: style, comparison rows, saving.

A figure module ``papers/<paper>/figN.py`` declares ``PAPER``,
``DESCRIPTION``, ``BACKENDS`` (the backends it runs on, the default first)
and ``QUICK`` (whether ``--quick`` is a smaller form), and offers
``simulate(seed, quick, backend)`` -> Result (its ``backend`` the one that
ran), ``plot(data)`` -> Figure and ``compare(data)`` -> DataFrame with the
columns quantity, published, reproduced, tolerance, passed.
"""

import inspect
import sys
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..parameters import ParameterError
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


def markdown_table(frame):
    """A DataFrame as a Markdown table (floats to 4 significant digits, NaN empty, "|" escaped)."""
    def cell(value):
        if isinstance(value, float):
            return "" if np.isnan(value) else f"{value:.4g}"
        return str(value).replace("|", "\\|")
    header = "| " + " | ".join(map(str, frame.columns)) + " |\n|" + "---|" * len(frame.columns)
    return header + "\n" + "\n".join("| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False))


def save_figure(figure, path):
    """Save ``figure`` atomically; the format comes from the suffix of ``path``."""
    path = Path(path)
    return atomic_write(path, lambda tmp: figure.savefig(tmp, format=path.suffix[1:]))


#: Backends a figure may declare: Brian2's two, or "numpy" for a model that runs in plain NumPy.
FIGURE_BACKENDS = ("standalone", "runtime", "numpy")
CONTRACT = ("PAPER", "DESCRIPTION", "BACKENDS", "QUICK", "simulate", "plot", "compare")


def check_contract(module):
    """Raise AssertionError naming what ``module`` lacks or declares inconsistently (nothing is run)."""
    missing = [name for name in CONTRACT if not hasattr(module, name)]
    assert not missing, f"{module.__name__} lacks {', '.join(missing)}"
    assert module.BACKENDS and set(module.BACKENDS) <= set(FIGURE_BACKENDS), f"{module.__name__}: BACKENDS {module.BACKENDS}"
    assert isinstance(module.QUICK, bool), f"{module.__name__}: QUICK must be True or False"
    signature = inspect.signature(module.simulate).parameters
    assert {"seed", "quick", "backend"} <= set(signature), f"{module.__name__}.simulate needs seed, quick, backend"
    assert signature["backend"].default == module.BACKENDS[0], \
        f"{module.__name__}.simulate's default backend must be BACKENDS[0] = {module.BACKENDS[0]!r}"


def supported(module, backend):
    """``backend`` if the figure ``module`` (or its name) supports it; ParameterError listing the supported ones otherwise."""
    module = sys.modules[module] if isinstance(module, str) else module
    if backend not in module.BACKENDS:
        name = module.__name__.split(".", 2)[-1].replace(".", "-")
        raise ParameterError("backend", f"--backend: {name} does not run on {backend!r}; "
                                        f"it supports {', '.join(module.BACKENDS)}")
    return backend


def requested_backend(module, backend):
    """The backend a reproduction runs on: ``backend``, or the figure's first when None."""
    return module.BACKENDS[0] if backend is None else supported(module, backend)


def check_result(module, data, backend):
    """The provenance must record the backend that actually ran: the one requested."""
    if data.backend != backend:
        raise RuntimeError(f"{module.__name__} was asked for {backend!r} but reports {data.backend!r}")
