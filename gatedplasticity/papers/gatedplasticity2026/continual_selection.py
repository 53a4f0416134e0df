"""The pre-registered selection of the continual-learning study on validation data (docs/continual-study.md)::

    python -m gatedplasticity.papers.gatedplasticity2026.continual_selection [--report docs/continual-study.md]

Two steps, each a table written atomically when it is done (a rerun resumes
at the first missing one): eta of backprop (NumPy), then eta_plateau of each
plateau method (compiled: every candidate and seed a block of one network,
the three plateau methods side by side). Score: the task-incremental average
accuracy over the five tasks after the last one (per seed; a candidate is
scored by its mean over seeds, a failed seed fails it). Every candidate is
printed as it comes out and written to the report.
"""

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from ...analysis import continual as metrics
from ...backends import cache_root
from ..figure import markdown_table
from . import continual
from .parameters import VALUES
from .selection import choose, command, replace_outcome, resumed, summary, validation_data

GRID = (0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
SEEDS = (100, 101, 102)
PLATEAU_METHODS = ("plateau_context", "plateau", "plateau_ungated")
STEPS = ("eta", "eta_plateau")


def scores(raw, method):
    """Per block: the task-incremental average final accuracy (NaN where an output is not finite)."""
    finite = np.all(np.isfinite(raw["outputs"][method]), axis=(0, -1))
    values = [metrics.average_accuracy(matrix) if ok else np.nan
              for matrix, ok in zip(continual.matrices(raw, method), finite)]
    return np.array(values)


def step_eta(data):
    blocks = list(itertools.product(GRID, SEEDS))
    raw = continual.run(data, VALUES["digits_sizes"], [seed for _, seed in blocks],
                        {"backprop": {"eta": np.array([eta for eta, _ in blocks])}}, methods=("backprop",))
    return pd.DataFrame([{"method": "backprop", "eta": eta, "seed": seed, "validation": score}
                         for (eta, seed), score in zip(blocks, scores(raw, "backprop"))])


def step_plateau(data, eta, backend):
    blocks = list(itertools.product(GRID, SEEDS))
    values = {"eta": eta, "eta_plateau": np.array([step for step, _ in blocks])}
    raw = continual.run(data, VALUES["digits_sizes"], [seed for _, seed in blocks], dict.fromkeys(PLATEAU_METHODS, values),
                        methods=PLATEAU_METHODS, backend=backend, name="continual-selection")
    return pd.DataFrame([{"method": method, "eta_plateau": step, "seed": seed, "validation": score}
                         for method in PLATEAU_METHODS for (step, seed), score in zip(blocks, scores(raw, method))])


def select(folder=None, backend="standalone", progress=True):
    """Run (or resume) both steps; returns {step: table} and {method: {parameter: value}}."""
    folder = Path(folder or cache_root() / "continual-selection")
    data = validation_data()
    tables, chosen = {}, {}
    for step in STEPS:
        tables[step] = resumed(folder / f"{step}.csv", lambda: step_eta(data) if step == "eta" else
                               step_plateau(data, chosen["backprop"]["eta"], backend))
        for method, rows in tables[step].groupby("method", sort=False):
            chosen[method] = choose(rows, [step])
            if progress:
                print(f"step {step}, {method}:\n{summary(rows, [step]).to_string(index=False)}\nchosen: "
                      f"{chosen[method]}", flush=True)
    return tables, chosen


def write_report(path, tables, chosen):
    """Every candidate of both steps and the chosen values into the Outcome section of ``path``."""
    parts = []
    for step in STEPS:
        for method, rows in tables[step].groupby("method", sort=False):
            parts.append(f"### Step {step}: {method} (task-incremental average validation accuracy after the last "
                         f"task, seeds {', '.join(map(str, SEEDS))})\n\n" + markdown_table(summary(rows, [step])))
    edge = lambda v: " (edge of the grid)" if v in (GRID[0], GRID[-1]) else ""
    lines = "\n".join(f"- {method}: " + ", ".join(f"{name} = {v:g}{edge(v)}" for name, v in values.items())
                      for method, values in chosen.items())
    replace_outcome(path, "## Outcome\n\n(written by `continual_selection.py`)\n\n" + "\n\n".join(parts)
                    + f"\n\n### Chosen\n\n{lines}\n")


def main(argv=None):
    command(__doc__.splitlines()[0], select, write_report, argv)


if __name__ == "__main__":
    main()
