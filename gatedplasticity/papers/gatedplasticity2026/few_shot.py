"""Learning new digits from k examples per class, presented once (docs/continual-study.md, few-shot round 2)::

    python -m gatedplasticity.papers.gatedplasticity2026.few_shot [--report docs/continual-study.md]

runs the pre-registered selection on validation data (per k: backprop's
eta, then each plateau method's eta_plateau with that eta; every candidate
printed, tables written atomically and resumed). :func:`pretrain` gives each
seed's network after learning classes 0-4 (target propagation); :func:`run`
trains every method from it on k examples of each of classes 5-9;
:func:`tables` gives the 5-way accuracy on the new classes (primary), the
10-way accuracy, and the gate's open fraction per method and seed.
"""

import functools
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from ...analysis import continual as metrics
from ...analysis.classification import accuracy
from ...backends import cache_root
from ...protocols.multilayer import METHODS, continual as schedules, tasks, training
from ..figure import markdown_table
from . import continual
from .parameters import VALUES
from .selection import choose, command, replace_outcome, resumed, summary, validation_data

SHOTS = (1, 5, 10)
GRID = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
SEEDS = (100, 101, 102)
METHODS_FEW = ("backprop", "plateau_context", "plateau", "plateau_ungated", "output_only")
PLATEAU_METHODS = ("plateau_context", "plateau", "plateau_ungated")
#: The classes the network knows before the shots, and the new ones; one context each.
OLD, NEW = (0, 1, 2, 3, 4), (5, 6, 7, 8, 9)
PRETRAIN = {"method": "target", "epochs": 20, "eta": 0.05, "decay": 0.002}
HEADING = "## Few-shot outcome"


def pretrain(dataset, seeds, backend="standalone"):
    """Per seed, (forward, feedback) weights after learning the classes :data:`OLD` (:data:`PRETRAIN`)."""
    old = tasks.class_tasks(dataset, [OLD])[0]
    record = training.train(old, VALUES["digits_sizes"], [PRETRAIN["method"]], seeds, PRETRAIN["epochs"],
                            parameters={"eta": PRETRAIN["eta"], "decay": PRETRAIN["decay"]}, backend=backend,
                            name="few-shot-pretraining")
    last = lambda parts, block: [layer[-1, block].copy() for layer in parts[PRETRAIN["method"]]]
    return [(last(record.forward, b), last(record.feedback, b)) for b in range(len(seeds))]


def run(dataset, shots, seeds, values, initial, methods=METHODS_FEW, backend="standalone", name="few-shot"):
    """Train ``methods`` from the pre-trained ``initial`` networks on ``shots`` examples of each new class."""
    plan = schedules.few_shot_schedule(dataset, shots, seeds, classes=NEW)
    return continual.run(dataset, VALUES["digits_sizes"], seeds, values, methods=methods, groups=(OLD, NEW),
                         backend=backend, name=f"{name}-{shots}", fraction=VALUES["context_fraction"], plan=plan,
                         initial=initial)


def final_accuracy(raw, method, classes=NEW):
    """Per block: accuracy on the test images of ``classes`` after the shots, the largest of their outputs
    deciding (``classes`` None: 10-way on every image); NaN where an output is not finite."""
    plan, outputs = raw["plan"], raw["outputs"][method]
    rows = (plan.epoch == 1) & (plan.part == "test")
    finite = np.all(np.isfinite(outputs), axis=(0, -1))
    if classes is None:
        return np.where(finite, accuracy(outputs[rows], plan.order[rows], raw["labels"]), np.nan)
    matrix = metrics.accuracy_matrices(outputs, plan.order, plan.epoch, plan.part, raw["labels"], [classes])
    return np.where(finite, matrix[:, 0, 0], np.nan)


def tables(raw, shots, new=NEW):
    """Rows method, shots, seed, accuracy_% (among the ``new`` classes), accuracy_10_way_% (all classes) and
    open_fraction (1 without a gate, NaN for backprop and output-only)."""
    rows = []
    for method in raw["outputs"]:
        gated = method in METHODS and METHODS[method].gated and method in raw["plateaus"]
        fraction = metrics.open_fraction(raw["plateaus"][method], raw["plan"].epoch, raw["plan"].part)[0] if gated \
            else np.full(len(raw["seeds"]), 1.0 if method in METHODS and METHODS[method].hidden != "frozen" else np.nan)
        ten_way = final_accuracy(raw, method, classes=None)
        rows += [{"method": method, "shots": shots, "seed": seed, "accuracy_%": 100 * score,
                  "accuracy_10_way_%": 100 * ten_way[block], "open_fraction": float(fraction[block])}
                 for block, (seed, score) in enumerate(zip(raw["seeds"], final_accuracy(raw, method, new)))]
    return pd.DataFrame(rows)


def step(data, shots, method_step, eta, initial, backend):
    """One selection step for ``shots``: backprop's eta (``eta`` None) or the plateau methods' eta_plateau."""
    blocks = list(itertools.product(GRID, SEEDS))
    grid = np.array([value for value, _ in blocks])
    if method_step == "eta":
        values, methods, name = {"backprop": {"eta": grid}}, ("backprop",), "eta"
    else:
        values, methods, name = dict.fromkeys(PLATEAU_METHODS, {"eta": eta, "eta_plateau": grid}), PLATEAU_METHODS, "eta_plateau"
    starts = {seed: network for seed, network in zip(SEEDS, initial)}
    raw = run(data, shots, [seed for _, seed in blocks], values, [starts[seed] for _, seed in blocks], methods=methods,
              backend=backend, name="few-shot-selection")
    return pd.DataFrame([{"method": method, "shots": shots, name: value, "seed": seed, "validation": score}
                         for method in methods
                         for (value, seed), score in zip(blocks, final_accuracy(raw, method))])


def select(folder=None, backend="standalone", progress=True):
    """Run (or resume) the selection for every k; returns {(k, step): table} and {k: {method: {name: value}}}."""
    folder = Path(folder or cache_root() / "few-shot-selection-round2")
    data = validation_data()
    tables_, chosen = {}, {}
    networks = functools.cache(lambda: pretrain(data, SEEDS, backend))  # once, and only when a step must run

    def compute(shots, name):
        return step(data, shots, name, chosen.get(shots, {}).get("backprop", {}).get("eta"), networks(), backend)

    for shots, name in itertools.product(SHOTS, ("eta", "eta_plateau")):
        table = resumed(folder / f"k{shots}-{name}.csv", lambda: compute(shots, name))
        tables_[shots, name] = table
        for method, rows in table.groupby("method", sort=False):
            chosen.setdefault(shots, {})[method] = choose(rows, [name])
            if progress:
                print(f"k = {shots}, step {name}, {method}:\n{summary(rows, [name]).to_string(index=False)}\n"
                      f"chosen: {chosen[shots][method]}", flush=True)
    return tables_, chosen


def write_report(path, tables_, chosen):
    """Every candidate and the chosen values into the few-shot Outcome section of ``path``."""
    parts = [f"### k = {shots}, step {name}: {method} (validation accuracy, seeds {', '.join(map(str, SEEDS))})\n\n"
             + markdown_table(summary(rows, [name]))
             for (shots, name), table in tables_.items() for method, rows in table.groupby("method", sort=False)]
    edge = lambda v: " (edge of the grid)" if v in (GRID[0], GRID[-1]) else ""
    lines = "\n".join(f"- k = {shots}, {method}: " + ", ".join(f"{n} = {v:g}{edge(v)}" for n, v in values.items())
                      for shots, by_method in chosen.items() for method, values in by_method.items())
    replace_outcome(path, f"{HEADING}\n\n(written by `few_shot.py`, round 2)\n\n" + "\n\n".join(parts)
                    + f"\n\n### Chosen (few-shot)\n\n{lines}\n", heading=HEADING)


def main(argv=None):
    command(__doc__.splitlines()[0], select, write_report, argv)


if __name__ == "__main__":
    main()
