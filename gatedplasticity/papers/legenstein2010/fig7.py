"""Legenstein et al. 2010, Fig 7: performance before vs after learning, and jitter suppression.

50% perturbation, 20 runs (``--quick``: 6). A: R_ang during the first and the
last reaching trial of the Perturbation session (run 0). B: the jitter
angle, the angle between the decoded velocity with and without noise, for
50 random target directions x 50 noise draws per run, before and after the
session, with identical directions and noise realisations; paired t-test
over (run, direction) pairs. The test is repeated with the trained weights
rescaled to each neuron's initial L2 norm (the paper's control for weight
growth).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from brian2 import Hz
from scipy.stats import ttest_rel

from ... import streams
from ...analysis import bci as metrics
from ...results import Result
from ..figure import check, check_bound, comparison, style
from . import experiment

PAPER = experiment.PAPER
DESCRIPTION = "Angular match before vs after learning; jitter angle with vs without noise (Fig 7)"
BACKENDS = ('standalone', 'runtime')
QUICK = True
DIRECTIONS = 50
NOISE_SAMPLES = 50
TARGETS = {"before": (10.0, 2.7), "after": (9.6, 2.5)}  # deg, mean +- SD [P]


def jitter(tuning, decoder, directions, seed):
    """Mean jitter angle (deg) per (run, direction), with noise drawn from ``seed`` (same draws every call)."""
    angles = metrics.jitter_angles(tuning, decoder, directions, float(experiment.NU / Hz), float(experiment.KAPPA * Hz),
                                   np.random.default_rng(seed), NOISE_SAMPLES)
    return angles.mean(-1)


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Train at 50%, then measure jitter before/after on the same directions and noise."""
    runs = experiment.runs_per_condition(quick)
    result = experiment.experiment({"50%": (runs, 0.5)}, seed, backend, progress)
    session = result.session("perturbation")
    decoder = result.record.blocks[session].decoder
    n, input_map = result.circuit.n_decoded, result.circuit.input_map
    before_w, after_w = result.start_of("perturbation")[:, :n], result.record.weights[session][:, :n]
    rescaled_w = after_w * np.linalg.norm(before_w, axis=-1, keepdims=True) / np.linalg.norm(after_w, axis=-1, keepdims=True)
    directions = metrics.unit(streams.generator(seed, "test directions").normal(size=(DIRECTIONS, 3)))
    angles = {name: jitter(metrics.tuning_vectors(w, input_map), decoder, directions, streams.integer(seed, "jitter noise"))
              for name, w in (("before", before_w), ("after", after_w), ("after, rescaled", rescaled_w))}
    jitter_table = pd.DataFrame({"run": np.repeat(np.arange(runs), DIRECTIONS),
                                 "direction": np.tile(np.arange(DIRECTIONS), runs),
                                 **{name: value.ravel() for name, value in angles.items()}})
    trajectory = result.record.trajectories[session]
    trials = trajectory["trial"][:, 0]
    active = trajectory["active"][:, 0] > 0
    last = trials[active].max()
    reach = pd.concat([pd.DataFrame({"phase": phase, "step": np.arange(chosen.sum()) + 1, "R_ang": trajectory["R"][chosen, 0]})
                       for phase, chosen in (("before", active & (trials == 0)), ("after", active & (trials == last)))])
    return Result(
        name="legenstein2010-fig7",
        tables={"jitter": jitter_table, "reach": reach, "shifts": result.shifts()},
        params={"runs": runs, "directions": DIRECTIONS, "noise_samples": NOISE_SAMPLES, "eta": experiment.ETA,
                "nu": experiment.NU, "kappa": experiment.KAPPA},
    )


def compare(data):
    """Jitter before/after vs the paper, and the paired test of after < before (plain and rescaled weights)."""
    table = data.tables["jitter"]
    rows = [check(f"jitter angle {phase} learning (deg, tol = paper SD)", mean, table[phase].mean(), sd)
            for phase, (mean, sd) in TARGETS.items()]
    for column in ("after", "after, rescaled"):
        test = ttest_rel(table[column], table["before"])
        rows.append(check_bound(f"jitter {column} minus before (deg; pass if < 0)", -0.4, (table[column] - table["before"]).mean(), 0))
        rows.append(check_bound(f"paired t-test {column} vs before, p (pass if < 0.05; paper < 0.0002)", 0.0002, test.pvalue, 0.05))
    return comparison(rows)


def plot(data):
    """A: R_ang in one trial before (grey) and after (black) learning; B: jitter angles before vs after."""
    reach, table = data.tables["reach"], data.tables["jitter"]
    with style():
        figure, axes = plt.subplots(1, 2, figsize=(9, 3.4))
        for phase, color in (("before", "0.6"), ("after", "0.0")):
            trial = reach[reach["phase"] == phase]
            axes[0].plot(trial["step"] / 30, trial["R_ang"], color=color, label=f"{phase} learning")
        axes[0].set(xlabel="time since target onset (s)", ylabel="R_ang", title="A  one reaching trial", ylim=(-0.2, 1.05))
        axes[0].legend()
        per_run = table.groupby("run")[["before", "after"]].mean()
        axes[1].plot([0, 1], per_run[["before", "after"]].T, color="0.7", lw=0.8)
        axes[1].errorbar([0, 1], [table["before"].mean(), table["after"].mean()],
                         [table["before"].std(), table["after"].std()], color="k", marker="o", capsize=4)
        axes[1].plot([0, 1], [TARGETS["before"][0], TARGETS["after"][0]], "x", color="#c44e52", ms=8, label="paper")
        axes[1].set(xticks=[0, 1], xticklabels=["before", "after"], xlim=(-0.4, 1.4), ylabel="jitter angle (deg)",
                    title="B  velocity jitter from noise")
        axes[1].legend()
        figure.tight_layout()
    return figure
