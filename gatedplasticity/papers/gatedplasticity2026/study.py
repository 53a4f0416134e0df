"""Running the study on one task: every compiled method in one network, backprop in NumPy, side by side.

All methods of a seed share the initial weights and the sample order
(``protocols.multilayer``). The values selected on validation data
(docs/multilayer-study.md) are in :data:`SELECTED`.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import streams
from ...analysis import classification
from ...protocols.multilayer import METHODS, reference, training
from ...results import Result
from ..figure import legend_outside, style
from .parameters import TABLE, VALUES

#: Values chosen by ``selection`` (its Outcome in docs/multilayer-study.md): [R], selected on validation digits.
SELECTED = {name: TABLE[name][0] for name in ("eta", "theta_plateau", "eta_plateau", "ungated_eta_plateau")}

#: The static study's compiled methods (a context-gated method needs tasks with contexts: fig4, fig5).
COMPILED = tuple(key for key, spec in METHODS.items() if not spec.context)
LABELS = {"backprop": "backprop (NumPy)", **{key: spec.label for key, spec in METHODS.items()}}
#: Explicit colours ("C0" would resolve differently inside and outside the package's style).
COLOURS = {"backprop": "#000000", "target": "#4c72b0", "plateau": "#c44e52", "plateau_ungated": "#dd8452",
           "feedback_alignment": "#55a868", "output_only": "#999999"}


def block_parameters(methods):
    """Per-block parameters: shared eta, decay, theta; eta_plateau of the gated rule or of the ablation."""
    values = {"eta": SELECTED["eta"], "decay": VALUES["decay"], "theta_plateau": SELECTED["theta_plateau"]}
    return {key: {**values, "eta_plateau": SELECTED["ungated_eta_plateau" if key == "plateau_ungated" else "eta_plateau"]}
            for key in methods}


def settings(seed, quick):
    """(seeds, epochs) of the full or quick form for the figure's ``seed``: seed 0 runs the registered study
    seeds (parameters.py), any other seed as many seeds drawn from its ``"study seed"`` streams."""
    count = 2 if quick else len(VALUES["seeds"])
    seeds = VALUES["seeds"] if seed == 0 else tuple(streams.integer(seed, "study seed", k) for k in range(len(VALUES["seeds"])))
    return tuple(seeds[:count]), VALUES["epochs"] // 2 if quick else VALUES["epochs"]


def run(name, dataset, sizes, seeds, epochs, backend, linear=None):
    """Train every method; a Result with the learning curves, the accuracy summary and the alignment angles."""
    curves, angles, walls = [], [], {}
    by_method = block_parameters(COMPILED)
    # The ablation's step size differs: one network per distinct parameter set, all methods of a set together.
    groups = {}
    for key, values in by_method.items():
        groups.setdefault(tuple(sorted(values.items())), []).append(key)
    for values, keys in groups.items():
        record = training.train(dataset, sizes, keys, seeds, epochs, parameters=dict(values), backend=backend,
                                name=f"{name}-{'-'.join(keys)}")
        walls[" + ".join(keys)] = record.wall_time
        plan = record.schedule
        for key in keys:
            curves.append(classification.learning_curves(record.outputs[key], plan.order, plan.epoch, plan.part,
                                                         record.labels, seeds, key))
            for layer, feedback in enumerate(record.feedback[key]):  # onto hidden layer layer + 1
                angle = classification.alignment_angle(record.forward[key][layer + 1], feedback)
                angles += [{"method": key, "projection": f"onto hidden {layer + 1}", "seed": seed, "epoch": epoch,
                            "angle_deg": float(angle[epoch, b])}
                           for epoch in range(angle.shape[0]) for b, seed in enumerate(seeds)]
    numpy_started = time.perf_counter()
    plan = training.schedule(len(dataset.train_y), len(dataset.test_y), seeds, epochs)
    outputs = np.stack([reference.train(dataset, sizes, "backprop", seed, epochs,
                                        {"eta": SELECTED["eta"], "decay": VALUES["decay"]})["outputs"] for seed in seeds], 1)
    walls["backprop (NumPy)"] = time.perf_counter() - numpy_started
    curves.append(classification.learning_curves(outputs, plan.order, plan.epoch, plan.part, dataset.labels, seeds,
                                                 "backprop"))
    curves = pd.concat(curves, ignore_index=True)
    tables = {"curves": curves, "summary": classification.summary(curves), "alignment": pd.DataFrame(angles),
              "wall_times": pd.DataFrame({"run": list(walls), "wall_s": list(walls.values())})}
    arrays = {} if linear is None else {"linear_accuracy": np.array([linear])}
    return Result(name=name, tables=tables, arrays=arrays,
                  params={"sizes": sizes, "seeds": seeds, "epochs": epochs, **SELECTED, "decay": VALUES["decay"]})


def accuracy_of(data, method):
    """Final-epoch test accuracy (%, mean over seeds) of ``method``."""
    table = data.tables["summary"].set_index("method")
    return float(table.loc[method, "accuracy_%"])


LINE_STYLES = ("-", "--", ":")


def plot(data, title):
    curves, alignment = data.tables["curves"], data.tables["alignment"]
    with style():
        figure, axes = plt.subplots(1, 3, figsize=(13, 4.4))
        test = curves[curves["part"] == "test"]
        for method, rows in test.groupby("method", sort=False):
            stats = rows.groupby("epoch")["accuracy"].agg(["mean", "std"]) * 100
            axes[0].plot(stats.index, stats["mean"], color=COLOURS[method], label=LABELS[method])
            axes[0].fill_between(stats.index, stats["mean"] - stats["std"], stats["mean"] + stats["std"],
                                 color=COLOURS[method], alpha=0.2)
        axes[0].set(xlabel="epoch", ylabel="test accuracy (%)", title=title)
        summary = data.tables["summary"]
        final = test[test["epoch"] == test["epoch"].max()]
        for x, method in enumerate(summary["method"]):
            values = final.loc[final["method"] == method, "accuracy"] * 100
            axes[1].bar(x, values.mean(), yerr=values.std(), color=COLOURS[method], alpha=0.7)
            axes[1].plot(np.full(len(values), x), values, "k.", ms=3)
        if "linear_accuracy" in data.arrays:
            axes[1].axhline(100 * data.arrays["linear_accuracy"][0], color="k", ls=":", label="linear read-out")
            axes[1].legend(fontsize=7)
        axes[1].set_xticks(range(len(summary)), [LABELS[m].split(" (")[0] for m in summary["method"]], rotation=35,
                           ha="right", fontsize=7)
        axes[1].set(ylabel="final test accuracy (%)", ylim=(max(0, final["accuracy"].min() * 100 - 10), 100))
        projections = list(dict.fromkeys(alignment["projection"]))
        for (method, projection), rows in alignment.groupby(["method", "projection"], sort=False):
            stats = rows.groupby("epoch")["angle_deg"].agg(["mean", "std"])
            style_index = projections.index(projection)
            axes[2].errorbar(stats.index, stats["mean"], stats["std"], color=COLOURS[method],
                             ls=LINE_STYLES[style_index % 3])
        if len(projections) > 1:  # colours are the methods (legend above); line styles the projections
            for style_index, projection in enumerate(projections):
                axes[2].plot([], [], color="k", ls=LINE_STYLES[style_index % 3], label=projection)
            axes[2].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        axes[2].axhline(90, color="0.8", lw=0.8)
        axes[2].set(xlabel="epoch", ylabel="angle(W, B^T) (deg)", title="top-down vs forward weights")
        legend_outside(figure, axes[0], ncol=3, room=0.14)
    return figure
