"""Legenstein et al. 2010, Fig 3: one example 50% perturbation experiment with the EH rule.

A: angular match R_ang over the Perturbation session (every 100th step, as
in the paper). B: the PD of every recorded unit before and after the
session, projected onto the rotation plane (rotated units red). The paper
shows one example; the comparison checks its qualitative claims on this
run (``--quick`` is the same single run).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...analysis import bci as metrics
from ...results import Result
from ..figure import check_bound, comparison, style
from . import experiment

PAPER = experiment.PAPER
DESCRIPTION = "EH rule, one 50% perturbation run: angular match vs time, PD shifts in the rotation plane (Fig 3)"
BACKENDS = ('standalone', 'runtime')
QUICK = False  # --quick runs the same (already small) configuration
EVERY = 100  # plotted time points [P]


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """One Calibration -> Control -> Perturbation experiment at 50%."""
    result = experiment.experiment({"50%": (1, 0.5)}, seed, backend, progress)
    trajectory = result.record.trajectories[result.session("perturbation")]
    active = trajectory["active"][:, 0] > 0
    reward = pd.DataFrame({"step": np.flatnonzero(active), "R_ang": trajectory["R"][active, 0]})
    _, before, _ = result.fits(result.start_of("perturbation"))
    _, after, _ = result.fits(result.record.weights[result.session("perturbation")])
    axis = result.perturbation.axes[0]
    pds = pd.DataFrame({"rotated": result.perturbation.rotated[0],
                        **{f"before_{c}": before[0, :, k] for k, c in enumerate("xyz")},
                        **{f"after_{c}": after[0, :, k] for k, c in enumerate("xyz")}})
    return Result(
        name="legenstein2010-fig3",
        tables={"reward": reward, "pds": pds, "shifts": result.shifts(), "trials": result.trials()},
        params={"eta": experiment.ETA, "nu": experiment.NU, "kappa": experiment.KAPPA, "axis": axis.tolist(),
                "targets_per_session": experiment.TARGETS},
    )


def compare(data):
    """Rotated units shift more than non-rotated; R_ang rises over the session."""
    shifts, reward = data.tables["shifts"], data.tables["reward"]["R_ang"].to_numpy()
    tenth = len(reward) // 10
    means = shifts.groupby("rotated")["shift_deg"].mean()
    return comparison([
        check_bound("mean PD shift, rotated minus non-rotated (deg; pass if > 0; paper 50%: 18.1 - 12.1)",
                    18.1 - 12.1, means[True] - means[False], 0, upper=False),
        check_bound("mean PD shift of non-rotated units (deg; pass if > 0: all units compensate)",
                    12.1, means[False], 0, upper=False),
        check_bound("R_ang, last minus first 10% of steps (pass if > 0)", float("nan"),
                    reward[-tenth:].mean() - reward[:tenth].mean(), 0, upper=False),
    ])


def plane_angles(pds, prefix, axis):
    """Angle (rad) of each PD in the rotation plane, measured from a fixed in-plane reference."""
    axis = np.asarray(axis, float)
    reference = np.cross(axis, [1.0, 0.0, 0.0] if abs(axis[0]) < 0.9 else [0.0, 1.0, 0.0])
    reference /= np.linalg.norm(reference)
    vectors = pds[[f"{prefix}_{c}" for c in "xyz"]].to_numpy()
    return metrics.signed_angle_about(np.broadcast_to(reference, vectors.shape), vectors, axis)


def plot(data):
    """A: R_ang vs time; B: PDs before (open) and after (filled) in the rotation plane."""
    reward, pds = data.tables["reward"], data.tables["pds"]
    axis = data.params["axis"]
    with style():
        figure = plt.figure(figsize=(10, 3.6))
        ax = figure.add_subplot(1, 2, 1)
        sample = reward.iloc[::EVERY]
        ax.plot(sample["step"] / 30, sample["R_ang"], ".", color="0.2", ms=3)
        ax.set(xlabel="time in Perturbation session (s)", ylabel="R_ang", title="A  angular match", ylim=(-0.2, 1.05))
        polar = figure.add_subplot(1, 2, 2, projection="polar")
        before, after = np.radians(plane_angles(pds, "before", axis)), np.radians(plane_angles(pds, "after", axis))
        for rotated, color in ((True, "#c44e52"), (False, "#4c72b0")):
            chosen = pds["rotated"].to_numpy() == rotated
            for b, a in zip(before[chosen], after[chosen]):
                polar.annotate("", xy=(a, 1.0), xytext=(b, 0.8), arrowprops={"arrowstyle": "->", "color": color, "lw": 0.8})
            polar.scatter(after[chosen], np.ones(chosen.sum()), s=10, color=color,
                          label="rotated" if rotated else "non-rotated")
        polar.set(rticks=[], title="B  PDs in the rotation plane (before -> after)")
        polar.legend(loc="lower left", bbox_to_anchor=(1.0, 0.0))
        figure.tight_layout()
    return figure
