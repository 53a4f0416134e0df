"""Shared set-up of the BTSP figures (Milstein et al. 2021, eLife 10:e73046; Bittner et al. 2017).

One circular 187-cm track, 200 place inputs (fields +-3 SD = 90 cm), the
fitted weight-dependent BTSP rule (``rules.btsp``), plateaus induced at
chosen laps and positions; ramps and field metrics from ``analysis.place_fields``.
"""

from brian2 import cm

from ...analysis import place_fields
from ...models.btsp import FIELD_SD, TRACK_LENGTH
from .parameters import VALUES

PAPER = "Milstein et al. 2021, eLife 10:e73046 (fitted BTSP model); Bittner et al. 2017"
LENGTH_CM = float(TRACK_LENGTH / cm)
FIELD_SD_CM = float(FIELD_SD / cm)
N_INPUTS = VALUES["n_inputs"]


def ramps(weights, centers):
    """(positions, ramps in mV) of every cell for weights (cells x inputs)."""
    return place_fields.ramp(weights, centers, FIELD_SD_CM, LENGTH_CM)


def metrics(weights, centers, plateau_cm, cell=0):
    positions, values = ramps(weights, centers)
    return place_fields.field_metrics(positions, values[cell], plateau_cm, LENGTH_CM)
