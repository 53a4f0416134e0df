"""The figure contract, its runner, and the helpers every figure module shares: style, comparison rows, saving.

A figure module ``papers/<paper>/figN.py`` declares ``PAPER``,
``DESCRIPTION``, ``BACKENDS`` (the backends it runs on, the default first),
``QUICK`` (whether ``--quick`` is a smaller form) and, if its data do not
depend on the seed, ``SEEDED = False``; it offers
``simulate(seed, quick, backend, progress)`` -> Result holding the data only,
``plot(data)`` -> Figure and ``compare(data)`` -> DataFrame with the columns
quantity, published, reproduced, tolerance, passed.

:func:`run` owns the contract: it refuses a backend the figure does not
declare and a seed it would ignore, times the simulation and stamps the
Result with figure id, seed, backend, quick flag, wall time and the code
version read when the run started.
"""

import datetime
import inspect
import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, get_args

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..backends import Backend
from ..parameters import ParameterError
from ..results import Result, atomic_write, code_version, write_csv

STYLE = Path(__file__).with_name("gatedplasticity.mplstyle")
COMPARISON_COLUMNS = ["quantity", "published", "reproduced", "tolerance", "passed"]


@contextmanager
def style():
    """Apply the package's matplotlib style inside the block."""
    with plt.style.context(STYLE):
        yield


def legend_outside(figure, axis, loc="upper center", ncol=None, fontsize=8, room=0.1):
    """One legend for the whole figure from ``axis``'s labelled artists, above the panels (``loc`` "upper
    center") or below them ("lower center"), with ``room`` (a fraction of the figure's height) kept for it."""
    handles, labels = axis.get_legend_handles_labels()
    figure.legend(handles, labels, loc=loc, ncol=ncol or len(labels), fontsize=fontsize)
    figure.tight_layout(rect=(0, room, 1, 1) if loc.startswith("lower") else (0, 0, 1, 1 - room))


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


FORMATS = ("png", "pdf")
PLOTTED = "plotted.json"  # beside a run: the code version that drew its figure again (:func:`redraw`)


def save_figures(figure, folder, figure_id):
    """``folder/<figure_id>.png`` and ``.pdf``; returns the PNG's path."""
    for suffix in FORMATS:
        save_figure(figure, Path(folder) / f"{figure_id}.{suffix}")
    return Path(folder) / f"{figure_id}.png"


def redraw(module, figure_id, folder):
    """Draw and score a figure again from the run saved in ``folder`` (a ``reproduce`` output) with the
    plotting and comparison code of today, simulating nothing; writes its PNG and PDF, ``comparison.csv``
    and ``plotted.json`` (that code's version, beside the run's own provenance). Returns the PNG's path and
    the comparison table."""
    folder = Path(folder)
    if not (folder / "provenance.json").exists():
        raise ParameterError("results", f"{folder} holds no saved run of {figure_id} (no provenance.json)")
    data = Result.load(folder)
    if data.name != figure_id:
        raise ParameterError("results", f"{folder} holds a run of {data.name}, not of {figure_id}")
    png = save_figures(module.plot(data), folder, figure_id)  # saved as reproduce saves it
    table = module.compare(data)
    write_csv(folder / "comparison.csv", table)
    text = json.dumps({"code": code_version(), "created": datetime.datetime.now(datetime.timezone.utc).isoformat()})
    atomic_write(folder / PLOTTED, lambda tmp: Path(tmp).write_text(text))
    return png, table


def redrawn(folder, run_commit):
    """``; figure drawn and rows scored ... at commit X`` when ``plot`` redrew the run in ``folder`` with code
    other than the run's own (``run_commit``); else ""."""
    plotted = Path(folder) / PLOTTED
    if not plotted.exists():
        return ""
    code = json.loads(plotted.read_text())["code"]
    commit = code.get("commit") or "unknown"
    if commit == run_commit and not code.get("dirty"):
        return ""
    changes = " with local changes" if code.get("dirty") else ""
    return (f"; figure drawn and rows scored from the run's data at commit {commit[:10]}{changes} "
            f"(`gatedplasticity plot {Path(folder).name}`)")


#: Backends a figure may declare: Brian2's two, or "numpy" for a model that runs in plain NumPy.
FigureBackend = Literal[Backend, "numpy"]
FIGURE_BACKENDS = get_args(FigureBackend)
CONTRACT = ("PAPER", "DESCRIPTION", "BACKENDS", "QUICK", "simulate", "plot", "compare")
DEFAULT_SEED = 0
#: The table name of a figure's checks (``comparison.csv`` beside its data); no data table may take it.
RESERVED_TABLE = "comparison"


def check_contract(module):
    """Raise AssertionError naming what ``module`` lacks or declares inconsistently (nothing is run)."""
    missing = [name for name in CONTRACT if not hasattr(module, name)]
    assert not missing, f"{module.__name__} lacks {', '.join(missing)}"
    assert module.BACKENDS and set(module.BACKENDS) <= set(FIGURE_BACKENDS), f"{module.__name__}: BACKENDS {module.BACKENDS}"
    assert isinstance(module.QUICK, bool), f"{module.__name__}: QUICK must be True or False"
    assert isinstance(seeded(module), bool), f"{module.__name__}: SEEDED must be True or False"
    signature = inspect.signature(module.simulate).parameters
    assert {"seed", "quick", "backend", "progress"} <= set(signature), \
        f"{module.__name__}.simulate needs seed, quick, backend, progress"
    assert signature["backend"].default == module.BACKENDS[0], \
        f"{module.__name__}.simulate's default backend must be BACKENDS[0] = {module.BACKENDS[0]!r}"


def figure_id(module):
    """``<paper>-fig<N>`` of a figure module."""
    return module.__name__.split(".", 2)[-1].replace(".", "-")


def seeded(module):
    """Whether the figure's data depend on the seed (``SEEDED``, default True)."""
    return getattr(module, "SEEDED", True)


def requested_backend(module, backend):
    """The backend a reproduction runs on: ``backend``, or the figure's first when None; ParameterError
    naming --backend when the figure does not declare it."""
    if backend is None:
        return module.BACKENDS[0]
    if backend not in module.BACKENDS:
        raise ParameterError("backend", f"--backend: {figure_id(module)} does not run on {backend!r}; "
                                        f"it supports {', '.join(module.BACKENDS)}")
    return backend


def check_seed(module, seed):
    """The seed to run with: ``seed``, or the default when None; a seed given to a figure that ignores
    seeds raises ParameterError naming --seed."""
    if seed is None:
        return DEFAULT_SEED
    if not seeded(module):
        raise ParameterError("seed", f"--seed: {figure_id(module)} does not depend on the seed (it is deterministic); "
                                     f"run it without --seed")
    return seed


def run(module, seed=None, quick=False, backend=None, progress=True):
    """Simulate figure ``module`` under the contract; returns its Result, stamped.

    ``seed``: None for the default (0). Refuses (ParameterError) a backend
    the figure does not declare and a seed it would ignore, before anything
    runs; the code version is read at the start, so the provenance names
    the code that ran.
    """
    backend = requested_backend(module, backend)
    seed = check_seed(module, seed)
    code, started = code_version(), time.perf_counter()
    data = module.simulate(seed=seed, quick=quick, backend=backend, progress=progress)
    if RESERVED_TABLE in data.tables:  # reproduce writes the checks there: the data table would be lost
        raise ParameterError("tables", f"{figure_id(module)}.simulate returned a table named {RESERVED_TABLE!r}, "
                                       "the name of the figure's checks; rename it")
    data.name, data.seed, data.backend, data.quick = figure_id(module), seed, backend, quick
    data.wall_time, data.code = time.perf_counter() - started, code
    return data
