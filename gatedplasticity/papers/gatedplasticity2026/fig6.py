"""Study: the plateau-gated network in spikes (two-compartment LIF, Ca2+ plateau event) against its rate version.

Digits (64-64-10) and XOR clouds (20-32-2), 20 epochs, 5 seeds, the values
selected for the rate network (nothing re-selected for spikes), the same
initial weights and sample order; the rate version is trained in the same
run. Design and rounds: docs/continual-study.md (the spiking version).
``--quick``: seeds 0 and 1, 10 epochs, same targets.
"""

import matplotlib.pyplot as plt
import pandas as pd
from brian2 import ms

from ...analysis import classification
from ...analysis.continual import open_fraction
from ...protocols.multilayer import spiking, tasks, training
from ...results import Result
from ..figure import check_bound, comparison, style
from . import study
from .parameters import VALUES

PAPER = "gatedplasticity study (after Sacramento et al. 2018, Payeur et al. 2021, Milstein et al. 2021)"
DESCRIPTION = "The plateau-gated network in spikes: two-compartment LIF neurons with a Ca2+ plateau event vs rates"
BACKENDS = ("standalone", "runtime")
QUICK = True


def datasets():
    return {"digits": (tasks.digits(), VALUES["digits_sizes"]),
            "xor": (tasks.xor_clouds(spread=VALUES["xor_spread"], seed=0, tuning=VALUES["xor_tuning"]), VALUES["xor_sizes"])}


def parameters():
    return {"eta": VALUES["eta"], "eta_plateau": VALUES["eta_plateau"], "theta_plateau": VALUES["theta_plateau"],
            "decay": VALUES["decay"]}


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Train the spiking and the rate network (plateau-gated) on both tasks for the study's seeds of ``seed``."""
    seeds, epochs = study.settings(seed, quick)
    curves, gate, walls = [], [], []
    for task, (dataset, sizes) in datasets().items():
        spikes = spiking.train(dataset, sizes, ["plateau"], seeds, epochs, parameters=parameters(), backend=backend,
                               name=f"gatedplasticity2026-fig6-{task}")
        rates = training.train(dataset, sizes, ["plateau"], seeds, epochs, parameters=parameters(), backend=backend,
                               name=f"gatedplasticity2026-fig6-{task}-rates")
        plan = spikes.schedule
        for version, record in (("spiking", spikes), ("rate", rates)):
            table = classification.learning_curves(record.outputs["plateau"], plan.order, plan.epoch, plan.part,
                                                   record.labels, seeds, version)
            curves.append(table.assign(task=task))
            walls.append({"task": task, "version": version, "wall_s": record.wall_time})
        opened = open_fraction(spikes.plateaus["plateau"], plan.epoch, plan.part)  # (epochs, seeds), epochs from 1
        gate += [{"task": task, "epoch": epoch + 1, "seed": s, "open_fraction": float(v)}
                 for epoch, row in enumerate(opened) for s, v in zip(seeds, row)]
    curves = pd.concat(curves, ignore_index=True)
    summary = pd.concat([classification.summary(curves[curves["task"] == task]).assign(task=task)
                         for task in datasets()], ignore_index=True)
    return Result(name="gatedplasticity2026-fig6", tables={"curves": curves, "summary": summary,
                                                           "gate": pd.DataFrame(gate), "wall_times": pd.DataFrame(walls)},
                  params={"seeds": seeds, "epochs": epochs, **parameters(), "phase_ms": float(spiking.PHASE / ms),
                          "dt_ms": float(spiking.STEP / ms)})


def accuracy(data, task, version):
    table = data.tables["summary"]
    return float(table[(table["task"] == task) & (table["method"] == version)]["accuracy_%"].iloc[0])


def compare(data):
    """Registered targets: spiking plateau-gated accuracy within 5 points of the rate version, digits and XOR."""
    rows = []
    for task in ("digits", "xor"):
        rate = accuracy(data, task, "rate")
        rows.append(check_bound(f"{task}: spiking test accuracy (%) >= rate version - 5", rate,
                                accuracy(data, task, "spiking"), rate - 5, upper=False))
    return comparison(rows)


def plot(data):
    curves, gate = data.tables["curves"], data.tables["gate"]
    with style():
        figure, axes = plt.subplots(1, 3, figsize=(13, 3.8))
        for axis, task in zip(axes[:2], ("digits", "xor")):
            test = curves[(curves["task"] == task) & (curves["part"] == "test")]
            for version, colour in (("rate", "#4c72b0"), ("spiking", "#c44e52")):
                stats = test[test["method"] == version].groupby("epoch")["accuracy"].agg(["mean", "std"]) * 100
                axis.plot(stats.index, stats["mean"], color=colour, label=f"{version} network")
                axis.fill_between(stats.index, stats["mean"] - stats["std"], stats["mean"] + stats["std"], color=colour,
                                  alpha=0.2)
            axis.set(xlabel="epoch", ylabel="test accuracy (%)", title=f"{task}: plateau-gated rule")
            axis.legend(fontsize=7)
        for task, rows in gate.groupby("task"):
            stats = rows.groupby("epoch")["open_fraction"].agg(["mean", "std"])
            axes[2].errorbar(stats.index, stats["mean"], stats["std"], label=task, capsize=2)
        axes[2].set(xlabel="epoch", ylabel="Ca2+ plateaus per neuron-presentation", ylim=(0, 1.05),
                    title="spiking network: gate open")
        axes[2].legend(fontsize=7)
        figure.tight_layout()
    return figure
