"""Sweep experiment of Legenstein et al. 2010: ``bci-perturbation``.

One experiment set per point (``runs`` circuits, [Control +] Perturbation
of ``fraction`` rotated units, optional weight-norm homeostasis) with the
EH rule or a control; row: the credit-assignment summary (PD shifts, depth
changes, deviations, late performance). Every point builds its own batched
program (one build folder per rule, runs and sessions): its sessions set the decoder, the
targets and the learning rate between runs, which a standalone rerun
cannot take as run-time values. The generated code repeats from point to
point (same rule, runs and sessions), so later points of a process
recompile little; Fig 9's landscape is a sweep of it.
"""

from ...rules import eh
from ...sweep import Experiment
from . import experiment
from .parameters import ETA, NU, STEPS_PER_TARGET, TARGETS

SUMMARY = ("shift_rotated_mean", "shift_rotated_sd", "shift_non_rotated_mean", "shift_non_rotated_sd", "shift_difference",
           "shift_p_value", "depth_rotated_mean", "depth_non_rotated_mean", "deviation_early_mm", "deviation_late_mm")


def bci_row(values, seed, prepared):
    targets = int(values["targets"])
    sessions = ("control", "perturbation") if values["control"] else ("perturbation",)
    result = experiment.experiment({"sweep": (int(values["runs"]), float(values["fraction"]))}, seed, values["backend"],
                               progress=False, rule=values["rule"], eta=values["eta"], nu=values["nu"], targets=targets,
                               sessions=sessions, normalise=bool(values["normalise"]),
                               steps_per_target=int(values["steps_per_target"]), require_complete=False,
                               project=f"sweep-bci-{values['rule']}-{int(values['runs'])}-{len(sessions)}")
    trials = result.trials()
    summary = experiment.summary(result.shifts(), trials, targets=targets).iloc[0]
    late = trials[trials["trial"] >= targets - experiment.EARLY_LATE]
    return {"targets_completed_min": min(done.min() for done in result.record.completed),
            "late_steps": late["steps"].mean(), "late_R": late["mean_R"].mean(),
            **{name: summary[name] for name in SUMMARY}}


BCI_PERTURBATION = Experiment(
    name="bci-perturbation",
    parameters={"fraction": 0.5, "nu": NU, "eta": ETA, "runs": 10, "targets": TARGETS, "rule": "eh",
                "control": True, "normalise": False, "steps_per_target": STEPS_PER_TARGET, "backend": "standalone"},
    run=bci_row,
    choices={"rule": tuple(eh.VARIANTS), "backend": ("standalone", "runtime")},
    description="EH rule in the BCI task: credit assignment for one (fraction, nu, eta, rule), "
                "[Control +] Perturbation (Legenstein et al. 2010)",
)

EXPERIMENTS = {BCI_PERTURBATION.name: BCI_PERTURBATION}
