"""Parameters of the BTSP reproductions (Milstein et al. 2021, eLife 10:e73046; Bittner et al. 2017), tagged.

``[P]`` published, ``[R]`` reconstructed, with the reason. The rule's fitted
values are in ``rules.btsp``; the input and plateau-cell models (field
width, tau_ET, tau_IS, plateau duration) in ``models.btsp``.
"""

from brian2 import Hz

from ...parameters import values_of

#: name -> (value, tag, reason)
TABLE = {
    "n_inputs": (200, "R", "place inputs tiling the track: the paper's population size is not used by the fitted model"),
    "speed_cm_s": (25.0, "P", "running speed"),
    "induction_speeds_cm_s": ((15.0, 25.0, 35.0), "R", "Fig 1: speeds around the typical 25 cm/s, to show the speed dependence"),
    "plateau_cm": (90.0, "R", "Fig 1: induction position, mid-track (any position gives the same field, shifted)"),
    "tau_et_ms": ((1664.0, 832.0, 2496.0), "P", "tau_ET fitted (1664 ms), and x0.5, x1.5 [R] for the sensitivity"),
    "induction_laps": (3, "R", "Fig 1: one lap before, the induction lap, one after"),
    "translocation_cm": ((90.0, 150.0), "R", "Fig 2: first field P1 and the new plateau position P1 + 60 cm"),
    "translocation_laps": (7, "R", "Fig 2: P1 in lap 1, P2 in laps 3-5, one lap after"),
    "population_cells": (500, "R", "Fig 3: cells simulated (--quick: 100)"),
    "population_laps": (25, "R", "Fig 3: laps of foraging"),
    "base_rate": (0.0075 * Hz, "P", "spontaneous plateau probability per second"),
    "reward_rate": (0.035 * Hz, "P", "plateau probability per second near the reward"),
    "reward_cm": (93.5, "R", "reward site: mid-track"),
    "reward_zone_cm": (20.0, "R", "reward zone half-width over which coverage is counted"),
    "field_threshold_mV": (2.0, "R", "a cell has a place field when its ramp peak reaches 2 mV"),
}
VALUES = values_of(TABLE)
