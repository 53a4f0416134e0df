"""Study: learning new digits from k = 1, 5, 10 examples per class, presented once (docs/continual-study.md).

Each seed's 64-64-10 network first learns classes 0-4 (target
propagation, 20 epochs); every method then starts from that network and
sees k examples of each of classes 5-9 once. The primary score is the
5-way accuracy on the new classes' test images (10-way beside it). Step
sizes per k were selected on validation data (few-shot round 2); round 1,
from a random network, failed on validation for every method. The
"published" column holds backprop's accuracy, the reference of the target.
``--quick``: seeds 0 and 1, same design and targets.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...protocols.multilayer import tasks
from ...results import Result
from ..figure import check_bound, comparison, legend_outside, style
from . import continual, few_shot, study
from .parameters import VALUES

PAPER = "gatedplasticity study (after Bittner et al. 2017, Milstein et al. 2021, Masse et al. 2018)"
DESCRIPTION = "Few-shot learning of new digits from a pre-trained network: gated plateau rules against backprop"
BACKENDS = ("standalone", "runtime")
QUICK = True


def method_values(shots):
    """{method: its step sizes for ``shots``} from the selection (parameters.py)."""
    eta, steps = VALUES["few_shot_eta"][shots], VALUES["few_shot_eta_plateau"][shots]
    return {m: {"eta": eta, **({"eta_plateau": steps[m]} if m in steps else {})} for m in few_shot.METHODS_FEW}


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Pre-train each of the study's seeds of ``seed``, then learn every k with every method."""
    seeds, _ = study.settings(seed, quick)
    dataset = tasks.digits()
    initial = few_shot.pretrain(dataset, seeds, backend)
    parts = [few_shot.tables(few_shot.run(dataset, shots, seeds, method_values(shots), initial, backend=backend,
                                          name="gatedplasticity2026-fig5"), shots)
             for shots in few_shot.SHOTS]
    return Result(name="gatedplasticity2026-fig5", tables={"accuracy": pd.concat(parts, ignore_index=True)},
                  params={"sizes": VALUES["digits_sizes"], "seeds": seeds, "shots": few_shot.SHOTS,
                          "pretraining": few_shot.PRETRAIN, "old_classes": few_shot.OLD, "new_classes": few_shot.NEW,
                          "steps": {shots: method_values(shots) for shots in few_shot.SHOTS}})


def mean_of(table, method, shots, column="accuracy_%"):
    rows = table[(table["method"] == method) & (table["shots"] == shots)]
    return float(rows[column].mean())


def compare(data):
    """Registered target: at k = 1 and 5 the context-gated plateau rule >= backprop + 5 points, gate open < 50%."""
    table = data.tables["accuracy"]
    rows = []
    for shots in (1, 5):
        backprop = mean_of(table, "backprop", shots)
        rows.append(check_bound(f"k = {shots}: 5-way accuracy (%), context-gated plateau >= backprop + 5", backprop,
                                mean_of(table, "plateau_context", shots), backprop + 5, upper=False))
        rows.append(check_bound(f"k = {shots}: gate open fraction of the context-gated plateau rule < 0.5",
                                float("nan"), mean_of(table, "plateau_context", shots, "open_fraction"), 0.5))
    return comparison(rows)


def plot(data):
    table = data.tables["accuracy"]
    with style():
        figure, axes = plt.subplots(1, 3, figsize=(13, 4.4))
        for method, rows in table.groupby("method", sort=False):
            for axis, column in zip(axes[:2], ("accuracy_%", "accuracy_10_way_%")):
                stats = rows.groupby("shots")[column].agg(["mean", "std"])
                axis.errorbar(stats.index, stats["mean"], stats["std"], marker="o", capsize=2,
                              color=continual.COLOURS[method], label=continual.LABELS[method])
            stats = rows.groupby("shots")["open_fraction"].mean()
            if np.isfinite(stats.values).any():
                axes[2].plot(stats.index, stats.values, "o-", color=continual.COLOURS[method],
                             label=continual.LABELS[method])
        axes[0].axhline(20, color="0.7", ls=":")
        axes[0].set(xlabel="examples per new class (k)", ylabel="accuracy on new classes, 5-way (%)",
                    title="new classes 5-9 after one pass", xscale="log")
        axes[1].set(xlabel="examples per new class (k)", ylabel="10-way accuracy, all test images (%)",
                    title="old and new classes", xscale="log")
        axes[2].axhline(0.5, color="0.7", ls=":")
        axes[2].set(xlabel="examples per new class (k)", ylabel="gate open fraction", ylim=(0, 1.05), xscale="log",
                    title="weights change (gate open)")
        for axis in axes:
            axis.set_xticks(few_shot.SHOTS, [str(k) for k in few_shot.SHOTS])
            axis.minorticks_off()
        legend_outside(figure, axes[0])
    return figure
