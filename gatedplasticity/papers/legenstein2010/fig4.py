"""Legenstein et al. 2010, Fig 4: the credit-assignment effect at 25% and 50% perturbation.

20 simulated experiments per condition (``--quick``: 6), each Calibration ->
Control -> Perturbation with the EH rule, all 40 in one compiled network.
PD shifts are projected onto the rotation plane and signed positive in the
direction of the decoder rotation; "+-" is the SD over runs of per-run group
means; significance of rotated vs non-rotated is a paired t-test over runs.
The trajectory deviation half-way to the target (mm) is averaged over the
first and the last 32 targets of the Perturbation session ("+-": SD over
trials).
"""

import matplotlib.pyplot as plt
import numpy as np

from ...results import Result
from ..figure import check, check_bound, comparison, style
from . import experiment

PAPER = experiment.PAPER
DESCRIPTION = "EH rule: PD shifts of rotated vs non-rotated units, 25% and 50% perturbation (Fig 4)"
BACKENDS = ('standalone', 'runtime')
QUICK = True
LEVELS = {"25%": 0.25, "50%": 0.5}
#: Published mean +- SD over 20 runs: (rotated, non-rotated) PD shift, (early, late) deviation, depth change.
TARGETS = {
    "25%": {"shift": ((8.2, 4.8), (5.5, 1.6)), "deviation": ((9.2, 8.8), (2.4, 4.9)), "depth": ((-2.7, 4.3), (2.2, 3.9))},
    "50%": {"shift": ((18.1, 4.2), (12.1, 2.6)), "deviation": ((23.1, 7.5), (4.8, 5.1)), "depth": ((-3.6, 5.5), (5.4, 6.0))},
}
#: Tolerances for the mean deviations (mm) [R]: the paper's +- are trial SDs (~5-9 mm).
DEVIATION_TOLERANCE = {"early": 4.0, "late": 2.0}


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Run both perturbation levels; returns per-unit shifts, per-trial deviations and the summary."""
    runs = experiment.runs_per_condition(quick)
    result = experiment.experiment({level: (runs, fraction) for level, fraction in LEVELS.items()}, seed, backend, progress)
    shifts, trials = result.shifts(), result.trials()
    return Result(
        name="legenstein2010-fig4",
        tables={"shifts": shifts, "trials": trials, "summary": experiment.summary(shifts, trials).reset_index()},
        params={"runs_per_condition": runs, "levels": LEVELS, "eta": experiment.ETA, "nu": experiment.NU, "kappa": experiment.KAPPA,
                "targets_per_session": experiment.TARGETS, "sessions": result.session_names},
    )


def compare(data):
    """PD shifts and depth changes within the paper's SDs, rotated > non-rotated, deviations early -> late."""
    summary = data.tables["summary"].set_index("condition")
    runs = data.params.get("runs_per_condition", experiment.RUNS)
    rows = []
    for level, targets in TARGETS.items():
        row = summary.loc[level]
        (rot, rot_sd), (non, non_sd) = targets["shift"]
        rows += [
            experiment.sd_check(f"{level}: PD shift rotated", rot, rot_sd, row["shift_rotated_mean"], runs),
            experiment.sd_check(f"{level}: PD shift non-rotated", non, non_sd, row["shift_non_rotated_mean"], runs),
            check_bound(f"{level}: rotated minus non-rotated shift (deg; pass if > 0)", rot - non, row["shift_difference"], 0, upper=False),
        ]
        (depth_rot, depth_rot_sd), (depth_non, depth_non_sd) = targets["depth"]
        rows += [
            experiment.sd_check(f"{level}: depth change rotated", depth_rot, depth_rot_sd, row["depth_rotated_mean"], runs, "Hz"),
            experiment.sd_check(f"{level}: depth change non-rotated", depth_non, depth_non_sd, row["depth_non_rotated_mean"], runs,
                            "Hz"),
        ]
        for (published, _), phase in zip(targets["deviation"], ("early", "late")):
            rows.append(check(f"{level}: deviation half-way, {phase} (mm)", published, row[f"deviation_{phase}_mm"],
                              DEVIATION_TOLERANCE[phase]))
    rows.append(check_bound("50%: paired t-test rotated vs non-rotated shift, p (pass if < 0.05; paper: significant)",
                            float("nan"), summary.loc["50%", "shift_p_value"], 0.05))
    return comparison(rows)


def deviation_curve(trials, bin_size=32):
    """Mean deviation per bin of targets, per condition."""
    binned = trials.assign(bin=(trials["trial"] // bin_size) * bin_size + bin_size / 2)
    return binned.groupby(["condition", "bin"])["deviation_mm"].mean().unstack("condition")


def plot(data):
    """A, B: PD shifts per unit and group means (25%, 50%); C: depth change; D: deviation vs targets."""
    shifts, trials = data.tables["shifts"], data.tables["trials"]
    summary = data.tables["summary"].set_index("condition")
    with style():
        figure, axes = plt.subplots(1, 4, figsize=(14, 3.4))
        for ax, level, letter in zip(axes[:2], LEVELS, "AB"):
            experiment.shift_scatter(ax, shifts[shifts["condition"] == level], f"{letter}  {level} perturbation")
            published = TARGETS[level]["shift"]
            ax.plot([0.3, 1.3], [published[0][0], published[1][0]], "x", color="0.1", ms=9, mew=2, label="paper")
            ax.legend(loc="upper right")
        ax = axes[2]
        x = np.arange(len(LEVELS))
        ax.bar(x - 0.2, summary["depth_rotated_mean"], 0.4, yerr=summary["depth_rotated_sd"], color="#c44e52", label="rotated")
        ax.bar(x + 0.2, summary["depth_non_rotated_mean"], 0.4, yerr=summary["depth_non_rotated_sd"], color="#4c72b0", label="non-rotated")
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set(xticks=x, xticklabels=list(summary.index), ylabel="modulation depth change (Hz)", title="C  re-weighting")
        ax.legend()
        curve = deviation_curve(trials)
        for level, color in zip(curve.columns, ("#8172b2", "#55a868")):
            axes[3].plot(curve.index, curve[level], marker="o", color=color, label=level)
        axes[3].axhline(0, color="0.5", lw=0.8)
        axes[3].set(xlabel="targets presented", ylabel="deviation half-way (mm)", title="D  performance")
        axes[3].legend()
        figure.tight_layout()
    return figure
