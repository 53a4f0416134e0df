"""Legenstein et al. 2010, Fig 6: Washout returns the PDs toward their Control values.

Calibration -> Control -> Perturbation -> Washout (correct dPDs again, 320
targets), 25% and 50%, 20 runs each (``--quick``: 6). PD shifts are taken
relative to the Control PDs (end of Control) every RECORD_EVERY steps of the
Washout session and plotted against the number of washout targets. Panels
C, D repeat the Washout with a larger learning rate (FAST_WASHOUT x eta
[R: the paper gives no value]), which the paper shows converges faster.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...analysis import bci as metrics
from ...results import Result
from ..figure import check_bound, comparison, style
from . import experiment

PAPER = experiment.PAPER
DESCRIPTION = "Washout after 25% and 50% perturbation: PDs return toward Control (Fig 6)"
BACKENDS = ('standalone', 'runtime')
QUICK = True
LEVELS = {"25%": 0.25, "50%": 0.5}
FAST_WASHOUT = 3.0
RECORD_EVERY = 800  # steps (~20 targets)
GRID_STEP = 20  # targets between points of the washout curves
#: Pass if the rotated units' shift at the end of Washout is at most this fraction of that at its start [R].
REMAINING = 0.75


def washout_curves(result):
    """Mean PD shift re Control (deg) of rotated / non-rotated units vs washout targets presented, per run."""
    trajectory = result.record.trajectories[result.session("washout")]
    steps, shots = result.record.snapshots[result.session("washout")]
    _, control_pds, _ = result.fits(result.start_of("perturbation"))
    rotated, axes = result.perturbation.rotated, result.perturbation.axes
    rows = []
    done = np.vstack([np.zeros((1, result.circuit.runs)), np.where(trajectory["active"] > 0, trajectory["trial"], experiment.TARGETS)])
    for step, weights in zip(steps, shots):
        shift = metrics.signed_angle_about(control_pds, result.fits(weights)[1], axes)
        for run in range(result.circuit.runs):
            rows.append({"run": run, "condition": result.condition[run], "targets": done[min(step, len(done) - 1), run],
                         "rotated": shift[run, rotated[run]].mean(), "non_rotated": shift[run, ~rotated[run]].mean()})
    table = pd.DataFrame(rows)
    grid = np.arange(0, experiment.TARGETS + 1, GRID_STEP)
    curves = []
    for (run, condition), group in table.groupby(["run", "condition"]):
        curve = {column: np.interp(grid, group["targets"], group[column]) for column in ("rotated", "non_rotated")}
        curves.append(pd.DataFrame({"run": run, "condition": condition, "targets": grid, **curve}))
    return pd.concat(curves, ignore_index=True)


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Both levels with the normal and the fast Washout, in one network."""
    runs = experiment.runs_per_condition(quick)
    conditions = {f"{level}{suffix}": (runs, fraction) for suffix in ("", " fast washout") for level, fraction in LEVELS.items()}
    washout_eta = np.repeat([1.0, 1.0, FAST_WASHOUT, FAST_WASHOUT], runs) * experiment.ETA
    result = experiment.experiment(conditions, seed, backend, progress, sessions=("control", "perturbation", "washout"),
                               washout_eta=washout_eta, record_every=RECORD_EVERY)
    return Result(
        name="legenstein2010-fig6",
        tables={"washout": washout_curves(result), "shifts": result.shifts()},
        params={"runs_per_condition": runs, "eta": experiment.ETA, "fast_washout_factor": FAST_WASHOUT, "nu": experiment.NU,
                "kappa": experiment.KAPPA, "record_every_steps": RECORD_EVERY, "targets_per_session": experiment.TARGETS},
    )


def ends(data, condition):
    """Mean rotated-unit shift re Control at the start and the end of Washout."""
    curve = data.tables["washout"]
    curve = curve[curve["condition"] == condition].groupby("targets")["rotated"].mean()
    return curve.iloc[0], curve.iloc[-1]


def compare(data):
    """Washout shrinks the rotated units' shift re Control; a larger eta shrinks it more."""
    rows = []
    for level in LEVELS:
        start, end = ends(data, level)
        fast_start, fast_end = ends(data, f"{level} fast washout")
        rows += [
            check_bound(f"{level}: rotated shift re Control, end / start of Washout (pass if <= {REMAINING})",
                        float("nan"), end / start, REMAINING),
            check_bound(f"{level}: same with {FAST_WASHOUT:g}x eta minus normal eta (pass if < 0: faster)",
                        float("nan"), fast_end / fast_start - end / start, 0),
        ]
    return comparison(rows)


def plot(data):
    """Mean PD shift re Control vs washout targets, rotated (grey) and non-rotated (black)."""
    curves = data.tables["washout"]
    conditions = [*LEVELS, *(f"{level} fast washout" for level in LEVELS)]
    with style():
        figure, axes = plt.subplots(1, 4, figsize=(14, 3.2), sharey=True)
        for ax, condition, letter in zip(axes, conditions, "ABCD"):
            curve = curves[curves["condition"] == condition].groupby("targets")[["rotated", "non_rotated"]].mean()
            ax.plot(curve.index, curve["rotated"], color="0.55", marker="o", ms=3, label="rotated")
            ax.plot(curve.index, curve["non_rotated"], color="0.0", marker="o", ms=3, label="non-rotated")
            ax.axhline(0, color="0.7", lw=0.8)
            ax.set(xlabel="washout targets", title=f"{letter}  {condition}")
        axes[0].set_ylabel("PD shift re Control (deg)")
        axes[0].legend()
        figure.tight_layout()
    return figure
