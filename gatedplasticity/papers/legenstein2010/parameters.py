"""Parameters of Legenstein, Chase, Schwartz & Maass 2010 (J Neurosci 30:8400), one table, each value tagged.

``[P]`` published, ``[R]`` reconstructed, with the reason. The BCI task's
own constants (1/30 s steps, hit radius, timeout, filter) are documented in
``protocols.bci.task``.
"""

from brian2 import Hz

from ...parameters import values_of
from ...rules import eh

#: name -> (value, tag, reason)
TABLE = {
    "nu": (10 * Hz, "R", "exploration noise amplitude: not recovered from the text; calibrated so that "
                         "tuning and performance match the Control session"),
    "kappa": (0.2 / Hz, "R", "activation-to-noise coupling: not recovered; calibrated with nu"),
    "eta": (eh.DEFAULT_ETA, "R", "learning rate, not given; chosen as the paper did: the 25% condition ends at ~3.2 mm "
                                 "deviation after 320 targets (eta_calibration, 20 runs, seed 11: 1.25, 1.5, 1.75, "
                                 "2.0 e-5/Hz^2 -> 3.28, 3.37, 2.81, 2.80 mm; seed-to-seed spread ~0.5 mm)"),
    "targets": (320, "P", "targets per session"),
    "runs": (20, "P", "simulated experiments per condition"),
    "quick_runs": (6, "R", "--quick: runs per condition (the same sessions, fewer experiments)"),
    "steps_per_target": (50, "R", "step budget per target; sessions average 30-45 steps per target, timeouts at 90"),
    "early_late": (32, "R", "targets at each end of a session over which deviations are averaged"),
}
VALUES = values_of(TABLE)
NU, KAPPA, ETA = VALUES["nu"], VALUES["kappa"], VALUES["eta"]
TARGETS, RUNS, QUICK_RUNS = VALUES["targets"], VALUES["runs"], VALUES["quick_runs"]
STEPS_PER_TARGET, EARLY_LATE = VALUES["steps_per_target"], VALUES["early_late"]
