"""Learning split digits one task after another: every method side by side (docs/continual-study.md).

Compiled methods run as blocks of one network (each method with its own
step size, ``method_parameters``); backprop and backprop with context run
in NumPy. All share a seed's initial weights, sample order and context
projection. :func:`run` returns the raw outputs and plateau counts;
:func:`tables` turns them into the accuracy matrix, the summary (average
accuracy A and forgetting F per scenario) and the gate's open fraction
(the share of hidden neuron-presentations whose weights change: 1 without a gate).
"""

import time

import numpy as np
import pandas as pd

from ...analysis import continual as metrics
from ...parameters import ParameterError
from ...protocols.multilayer import METHODS, continual, reference, training

GROUPS = ((0, 1), (2, 3), (4, 5), (6, 7), (8, 9))
CONTEXT_FRACTION = 0.2
FIXED = {"decay": 0.002, "theta_plateau": 0.02, "theta_context": 0.5}
ALL_METHODS = ("backprop", "backprop_context", "plateau_context", "plateau", "plateau_ungated", "target", "output_only")
NUMPY_METHODS = reference.BACKPROP
LABELS = {"backprop": "backprop", "backprop_context": "backprop + context input",
          "plateau_context": "plateau, gated by context", "plateau": "plateau, gated by drive only",
          "plateau_ungated": "plateau, no gate", "target": "target propagation", "output_only": "output layer only"}
COLOURS = {"backprop": "#000000", "backprop_context": "#8172b2", "plateau_context": "#c44e52", "plateau": "#937860",
           "plateau_ungated": "#dd8452", "target": "#4c72b0", "output_only": "#999999"}


def check_methods(methods):
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown or not methods:
        raise ParameterError("methods", f"unknown continual-learning methods {unknown}; choose from {', '.join(ALL_METHODS)}")


def run(dataset, sizes, seeds, values, methods=ALL_METHODS, groups=GROUPS, backend="standalone", name="continual",
        fraction=CONTEXT_FRACTION, plan=None, initial=None):
    """Train ``methods`` on the tasks of ``groups`` in turn. ``values``: {method: {"eta": ..., "eta_plateau": ...}}
    (scalars or one per block), added to :data:`FIXED`; ``plan``: another schedule (contexts still from
    ``groups``); ``initial``: per block (forward, feedback) weights to start from. Returns {"plan", "labels", "outputs": {method: (presentations, blocks, classes)},
    "plateaus": {method: counts}, "walls": {run: s}, "groups", "seeds"}."""
    check_methods(methods)
    seeds = tuple(seeds)
    plan = plan or continual.sequential_schedule(dataset, groups, seeds)
    contexts = continual.contexts(dataset, groups, fraction)
    outputs, plateaus, walls = {}, {}, {}
    compiled = [m for m in methods if m in METHODS]
    if compiled:
        record = training.train(dataset, sizes, compiled, seeds, plan=plan, contexts=contexts, parameters=FIXED,
                                method_parameters={m: values[m] for m in compiled}, backend=backend,
                                record_plateaus=True, name=f"{name}-{'-'.join(compiled)}", initial=initial)
        outputs.update(record.outputs)
        plateaus.update({m: record.plateaus[m][0] for m in compiled if METHODS[m].hidden == "plateau"})
        walls[" + ".join(compiled)] = record.wall_time
    for key in (m for m in methods if m in NUMPY_METHODS):
        started = time.perf_counter()
        parameters = {**{k: v for k, v in FIXED.items() if k == "decay"}, **values[key]}
        outputs[key] = np.stack([reference.train(dataset, sizes, key, seed, parameters=scalar_values(parameters, b),
                                                 plan=plan.block(b),
                                                 contexts=contexts, initial=None if initial is None else initial[b])["outputs"]
                                 for b, seed in enumerate(seeds)], 1)
        walls[f"{key} (NumPy)"] = time.perf_counter() - started
    return {"plan": plan, "labels": dataset.labels, "outputs": outputs, "plateaus": plateaus, "walls": walls,
            "groups": groups, "seeds": seeds}


def scalar_values(values, block):
    """One block's values from scalars or per-block arrays."""
    return {name: float(np.asarray(value)[block]) if np.ndim(value) else float(value) for name, value in values.items()}


def matrices(raw, method, scenario="task"):
    plan = raw["plan"]
    return metrics.accuracy_matrices(raw["outputs"][method], plan.order, plan.epoch, plan.part, raw["labels"],
                                     raw["groups"], scenario)


def tables(raw):
    """{"matrix", "per_seed", "summary", "gate", "wall_times"} tables of a :func:`run` (accuracies in %)."""
    rows, per_seed = [], []
    for method in raw["outputs"]:
        for scenario in metrics.SCENARIOS:
            for block, matrix in enumerate(matrices(raw, method, scenario)):
                seed = raw["seeds"][block]
                rows += [{"method": method, "scenario": scenario, "seed": seed, "after_task": i, "task": j,
                          "accuracy_%": 100 * matrix[i, j]} for i in range(len(matrix)) for j in range(len(matrix))]
                per_seed.append({"method": method, "scenario": scenario, "seed": seed,
                                 "average_%": 100 * metrics.average_accuracy(matrix),
                                 "forgetting_%": 100 * metrics.mean_forgetting(matrix)})
    per_seed = pd.DataFrame(per_seed)
    grouped = per_seed.groupby(["method", "scenario"], sort=False)
    summary = grouped[["average_%", "forgetting_%"]].agg(["mean", "std"])
    summary.columns = [f"{name}_{stat}".replace("_%_mean", "_%").replace("_%_std", "_sd") for name, stat in summary.columns]
    summary = summary.reset_index().assign(seeds=grouped.size().values)
    plan, gate = raw["plan"], []
    for method, counts in raw["plateaus"].items():
        # Without a gate every neuron changes at every presentation: open throughout (its plateaus gate nothing).
        fractions = metrics.open_fraction(counts, plan.epoch, plan.part) if METHODS[method].gated else \
            np.ones((len(raw["groups"]), len(raw["seeds"])))
        gate += [{"method": method, "seed": seed, "task": task, "open_fraction": float(fractions[task, block])}
                 for task in range(len(fractions)) for block, seed in enumerate(raw["seeds"])]
    return {"matrix": pd.DataFrame(rows), "per_seed": per_seed, "summary": summary, "gate": pd.DataFrame(gate),
            "wall_times": pd.DataFrame({"run": list(raw["walls"]), "wall_s": list(raw["walls"].values())})}


def value(summary, method, column, scenario="task"):
    """One number of the summary table."""
    row = summary[(summary["method"] == method) & (summary["scenario"] == scenario)]
    return float(row[column].iloc[0])
