"""Legenstein et al. 2010, Fig 8: learning generalises poorly away from the trained direction.

A 50% Perturbation session of 320 targets that all lie at one corner,
(+0.5, +0.5, +0.5); 20 runs (``--quick``: 6). Performance is the noiseless
angular match R_ang of the decoded velocity for 500 random directions,
before and after training, as a function of their angle to the trained
direction. The paper shows performance falling off with that angle; its
exact measure is not recovered [R: noiseless R_ang].
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import streams
from ...analysis import bci as metrics
from ...results import Result
from ..figure import check_bound, comparison, style
from . import experiment

PAPER = experiment.PAPER
DESCRIPTION = "Training on a single target direction: generalisation vs angle (Fig 8)"
BACKENDS = ('standalone', 'runtime')
QUICK = True
TRAINED_CORNER = np.array([0.5, 0.5, 0.5])
TEST_DIRECTIONS = 500
BINS = np.arange(0, 181, 30)


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Train on one corner under a 50% perturbation; R_ang before/after for random test directions."""
    runs = experiment.runs_per_condition(quick)
    result = experiment.experiment({"50%": (runs, 0.5)}, seed, backend, progress, sessions=("perturbation",),
                               target_corners=TRAINED_CORNER)
    decoder = result.record.blocks[0].decoder
    n, input_map = result.circuit.n_decoded, result.circuit.input_map
    directions = metrics.unit(streams.generator(seed, "test directions").normal(size=(TEST_DIRECTIONS, 3)))
    match = {phase: metrics.angular_match(metrics.tuning_vectors(w[:, :n], input_map), decoder, directions)
             for phase, w in (("before", result.record.initial_weights), ("after", result.record.weights[0]))}
    angle = metrics.angle_between(directions, np.broadcast_to(metrics.unit(TRAINED_CORNER), directions.shape))
    table = pd.DataFrame({"run": np.repeat(np.arange(runs), TEST_DIRECTIONS), "angle_deg": np.tile(angle, runs),
                          "R_before": match["before"].ravel(), "R_after": match["after"].ravel()})
    return Result(
        name="legenstein2010-fig8",
        tables={"generalisation": table.assign(improvement=table["R_after"] - table["R_before"])},
        params={"runs": runs, "trained_corner": TRAINED_CORNER.tolist(), "test_directions": TEST_DIRECTIONS,
                "eta": experiment.ETA, "nu": experiment.NU, "kappa": experiment.KAPPA, "fraction": 0.5},
    )


def binned(table):
    """Mean R_ang before/after and improvement per 30-degree bin of angle to the trained direction."""
    bins = pd.cut(table["angle_deg"], BINS, include_lowest=True)
    return table.groupby(bins, observed=True)[["R_before", "R_after", "improvement"]].mean()


def compare(data):
    """Improvement near the trained direction, larger than far from it."""
    curve = binned(data.tables["generalisation"])
    near, far = curve["improvement"].iloc[0], curve["improvement"].iloc[-1]
    return comparison([
        check_bound("R_ang improvement within 30 deg of the trained direction (pass if > 0)", float("nan"), near, 0, upper=False),
        check_bound("improvement near (0-30 deg) minus far (150-180 deg) (pass if > 0: falls off with angle)",
                    float("nan"), near - far, 0, upper=False),
    ])


def plot(data):
    """R_ang before and after training vs angle to the trained direction."""
    curve = binned(data.tables["generalisation"])
    centres = (BINS[:-1] + BINS[1:]) / 2
    with style():
        figure, axes = plt.subplots(1, 2, figsize=(9, 3.3))
        axes[0].plot(centres[: len(curve)], curve["R_before"], "o-", color="0.6", label="before")
        axes[0].plot(centres[: len(curve)], curve["R_after"], "o-", color="0.0", label="after")
        axes[0].set(xlabel="angle to trained direction (deg)", ylabel="noiseless R_ang", title="A  performance")
        axes[0].legend()
        axes[1].bar(centres[: len(curve)], curve["improvement"], width=25, color="#55a868")
        axes[1].axhline(0, color="0.5", lw=0.8)
        axes[1].set(xlabel="angle to trained direction (deg)", ylabel="R_ang after - before", title="B  generalisation")
        figure.tight_layout()
    return figure
