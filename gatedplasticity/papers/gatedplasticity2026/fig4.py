"""Study: continual learning of split digits with a context-gated plateau rule (docs/continual-study.md).

Five tasks of two classes learnt one after another, one pass each, no
replay, 64-64-10 networks, 5 seeds. The plateau of a hidden neuron needs
the instructive drive and the task's top-down context, which reaches a
random 20% of the hidden neurons per task. Methods side by side: backprop
(with and without the context as input), the plateau rule gated by context,
by drive only, and ungated, target propagation, output layer only. Step
sizes were selected on validation tasks (``continual_selection``), never on
the test set. The "published" column holds the reference each target is
relative to. ``--quick``: seeds 0 and 1, same design and targets.
"""

import matplotlib.pyplot as plt
import numpy as np

from ...protocols.multilayer import tasks
from ...results import Result
from ..figure import check_bound, comparison, legend_outside, style
from . import continual, study
from .parameters import VALUES

PAPER = "gatedplasticity study (after Masse et al. 2018, Iyer et al. 2022, Milstein et al. 2021, Zenke et al. 2017)"
DESCRIPTION = "Split digits learnt task after task: a context-gated plateau rule against backprop and its ablations"
BACKENDS = ("standalone", "runtime")
QUICK = True


def method_values():
    """{method: its step sizes} from the selection (parameters.py)."""
    eta, steps = VALUES["continual_eta"], VALUES["continual_eta_plateau"]
    return {m: {"eta": eta, **({"eta_plateau": steps[m]} if m in steps else {})} for m in continual.ALL_METHODS}


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Learn the five tasks with every method, for the study's seeds of ``seed`` (``study.settings``)."""
    seeds, _ = study.settings(seed, quick)
    raw = continual.run(tasks.digits(), VALUES["digits_sizes"], seeds, method_values(), groups=VALUES["task_groups"],
                        backend=backend, name="gatedplasticity2026-fig4", fraction=VALUES["context_fraction"])
    return Result(name="gatedplasticity2026-fig4", tables=continual.tables(raw),
                  params={"sizes": VALUES["digits_sizes"], "seeds": seeds, "groups": VALUES["task_groups"],
                          "context_fraction": VALUES["context_fraction"], **continual.FIXED,
                          "steps": {m: v for m, v in method_values().items()}})


def compare(data):
    """The registered targets (docs/continual-study.md): forgetting, average accuracy, gate selectivity."""
    summary, gate = data.tables["summary"], data.tables["gate"]
    forgetting = {m: continual.value(summary, m, "forgetting_%") for m in ("plateau_context", "backprop", "plateau_ungated")}
    average = {m: continual.value(summary, m, "average_%") for m in ("plateau_context", "backprop")}
    open_most = gate[gate["method"] == "plateau_context"].groupby("task")["open_fraction"].mean().max()
    return comparison([
        check_bound("forgetting (points), context-gated plateau <= backprop - 10", forgetting["backprop"],
                    forgetting["plateau_context"], forgetting["backprop"] - 10),
        check_bound("forgetting (points), context-gated plateau <= ungated plateau - 10", forgetting["plateau_ungated"],
                    forgetting["plateau_context"], forgetting["plateau_ungated"] - 10),
        check_bound("average final accuracy (%), context-gated plateau >= backprop", average["backprop"],
                    average["plateau_context"], average["backprop"], upper=False),
        check_bound("gate open fraction of the context-gated plateau rule, largest task mean < 0.5", float("nan"),
                    open_most, 0.5),
    ])


def plot(data):
    matrix, per_seed, gate = data.tables["matrix"], data.tables["per_seed"], data.tables["gate"]
    task_matrix = matrix[matrix["scenario"] == "task"]
    methods = list(dict.fromkeys(per_seed["method"]))
    with style():
        figure = plt.figure(figsize=(14, 8.5))
        grid = figure.add_gridspec(2, 3)
        axes = [figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1]), figure.add_subplot(grid[0, 2]),
                figure.add_subplot(grid[1, :2]), figure.add_subplot(grid[1, 2])]
        for axis, method in zip(axes[:2], ("backprop", "plateau_context")):
            mean = task_matrix[task_matrix["method"] == method].pivot_table(index="after_task", columns="task",
                                                                            values="accuracy_%")
            image = axis.imshow(mean.values, vmin=50, vmax=100, cmap="viridis")
            for (i, j), value in np.ndenumerate(mean.values):
                axis.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=8, color="w" if value < 80 else "k")
            axis.set(xlabel="task tested", ylabel="after learning task", title=continual.LABELS[method])
        figure.colorbar(image, ax=axes[1], fraction=0.046, label="task-IL accuracy (%)")
        first = task_matrix[task_matrix["task"] == 0]
        for method in methods:
            stats = first[first["method"] == method].groupby("after_task")["accuracy_%"].agg(["mean", "std"])
            axes[2].errorbar(stats.index, stats["mean"], stats["std"], color=continual.COLOURS[method],
                             label=continual.LABELS[method], capsize=2)
        axes[2].set(xlabel="after learning task", ylabel="accuracy on task 0 (%)", title="what task 0 keeps")
        task_rows = per_seed[per_seed["scenario"] == "task"]
        for x, method in enumerate(methods):
            rows = task_rows[task_rows["method"] == method]
            for offset, column, hatch in ((-0.2, "average_%", ""), (0.2, "forgetting_%", "//")):
                axes[3].bar(x + offset, rows[column].mean(), 0.4, yerr=rows[column].std(), hatch=hatch,
                            color=continual.COLOURS[method], alpha=0.7)
                axes[3].plot(np.full(len(rows), x + offset), rows[column], "k.", ms=3)
        axes[3].set_xticks(range(len(methods)), [continual.LABELS[m] for m in methods], rotation=20, ha="right",
                           fontsize=8)
        axes[3].set(ylabel="%", title="average final accuracy (plain) and forgetting (hatched)")
        for method, rows in gate.groupby("method", sort=False):
            stats = rows.groupby("task")["open_fraction"].agg(["mean", "std"])
            axes[4].errorbar(stats.index, stats["mean"], stats["std"], marker="o", color=continual.COLOURS[method],
                             label=continual.LABELS[method], capsize=2)
        axes[4].axhline(0.5, color="0.7", ls=":")
        axes[4].set(xlabel="task", ylabel="gate open fraction", ylim=(0, 1.05), title="weights change (gate open)")
        legend_outside(figure, axes[2], ncol=4, fontsize=9, room=0.07)
    return figure
