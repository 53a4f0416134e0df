"""Place-tuned inputs and a plateau-emitting CA1 cell for BTSP (Milstein et al. 2021, eLife 10:e73046).

``place_input()``: the animal's position x(t) is the TimedArray ``position``
(metres) and its lap number the TimedArray ``lap_number`` (given through
``functions=``). Input i fires at the normalised rate
r_i = exp(-(d_i / field_sd)^2), d_i the distance to its field centre on the
circular track, and keeps the eligibility trace tau_ET dET/dt = r - ET
(a unit-area kernel) normalised by ``et_max``, its largest value while
running at steady speed (``protocols.track`` computes it). A ``lap_end``
event marks each new lap. Fitted: tau_ET = 1664 ms; field_sd = 90 cm /
(3 sqrt 2) [R: "90 cm" read as the field's base width, +-3 SD].

``plateau_cell()``: emits the custom event ``plateau`` (a 300 ms dendritic
plateau) when induced (``induce`` set above 0.5, e.g. by
``protocols.instructive_input``) or at random with rate ``plateau_rate``
(per second, outside plateaus and their refractory period). The
instructive signal tau_IS dIS/dt = plateau_active - IS is normalised to
peak 1 after one plateau. ``plateau_rate`` may depend on the position: a base
rate, and ``reward_rate`` within ``reward_half_width`` of
``reward_position``. Fitted: tau_IS = 437 ms; plateau rates 0.0075/s and
0.035/s near reward [P].

For recorded inductions (``protocols.inductions``): ``path_input()`` reads
its own path (``path`` index into 2-D TimedArrays of time x path) and
``scheduled_plateau_cell()`` starts plateaus at recorded onsets with their
recorded durations.
"""

import numpy as np
from brian2 import Equations, Hz, cm, ms

from .base import Model

CIRCULAR_DISTANCE = "{d} - (2 * {d} - track_length) * int({d} > track_length / 2)"

INPUT_TUNING = Equations(
    f"""
    field_distance = {CIRCULAR_DISTANCE.format(d="abs(x - center)")} : meter
    rate = exp(-(field_distance / field_sd)**2) : 1
    deligibility/dt = (rate / et_max - eligibility) / tau_ET : 1
    center : meter (constant)
    last_lap : 1
    """
)
#: One animal: the position and lap are shared TimedArrays of time.
ONE_PATH = Equations(
    """
    x = position(t) : meter (shared)
    lap = lap_number(t) : 1 (shared)
    """
)
#: Many recorded paths at once: 2-D TimedArrays (time x path), each input reads its own path.
MANY_PATHS = Equations(
    """
    x = path_position(t, path) : meter
    lap = path_lap(t, path) : 1
    path : integer (constant)
    """
)
INPUT = ONE_PATH + INPUT_TUNING

PLATEAU_STATE = Equations(
    """
    plateau_active = int(t < plateau_end) : 1
    dinstructive/dt = (plateau_active / (1 - exp(-plateau_duration / tau_IS)) - instructive) / tau_IS : 1
    plateau_end : second
    plateau_count : 1
    """
)
CELL = PLATEAU_STATE + Equations(
    """
    x = position(t) : meter (shared)
    near_reward = clip(int((x - reward_position)**2 < reward_half_width**2) + int((x - reward_position - track_length)**2 < reward_half_width**2) + int((x - reward_position + track_length)**2 < reward_half_width**2), 0, 1) : 1 (shared)
    plateau_rate = base_rate + (reward_rate - base_rate) * near_reward : Hz (shared)
    induce : 1
    """
)
#: Plateaus at recorded times: ``plateau_schedule(t, path)`` is a plateau's duration at its onset step, 0 elsewhere.
SCHEDULED_CELL = PLATEAU_STATE + Equations("path : integer (constant)")

FIELD_SD = 90 * cm / (3 * np.sqrt(2))
TRACK_LENGTH = 187 * cm
#: Time constant of the instructive signal, fitted by Milstein et al. 2021.
TAU_IS = 437 * ms
INPUT_DEFAULTS = {"tau_ET": 1664 * ms, "field_sd": FIELD_SD, "track_length": TRACK_LENGTH, "et_max": 1.0}
INPUT_DESCRIPTIONS = {"tau_ET": "eligibility trace time constant", "field_sd": "s.d. of the place field [R]",
                      "track_length": "circumference of the circular track",
                      "et_max": "largest ET while running (normalisation)"}


def tuned_input(name, equations):
    """A place-tuned input model with the eligibility trace and the ``lap_end`` event, on ``equations``' path."""
    return Model(
        name=name,
        equations=equations,
        defaults=INPUT_DEFAULTS,
        events={"lap_end": ("lap > last_lap", "last_lap = lap")},
        method="exponential_euler",
        descriptions=INPUT_DESCRIPTIONS,
        reference="Milstein et al. 2021, eLife 10:e73046 (fitted tau_ET); Bittner et al. 2017",
    )


def place_input():
    """Place-tuned input with a normalised eligibility trace and a ``lap_end`` event."""
    return tuned_input("place-tuned input (BTSP)", INPUT)


def path_input():
    """Place-tuned inputs, each on one of many recorded paths (``path`` index into 2-D TimedArrays
    ``path_position`` and ``path_lap`` of time x path, given through ``functions=``)."""
    return tuned_input("place-tuned input on recorded paths (BTSP)", MANY_PATHS + INPUT_TUNING)


def plateau_cell():
    """CA1 cell that emits ``plateau`` events (induced or stochastic) and keeps the instructive signal IS."""
    return Model(
        name="plateau-emitting CA1 cell (BTSP)",
        equations=CELL,
        defaults={"tau_IS": TAU_IS, "plateau_duration": 300 * ms, "plateau_refractory": 0 * ms,
                  "base_rate": 0 * Hz, "reward_rate": 0 * Hz, "reward_position": 0 * cm,
                  "reward_half_width": 10 * cm, "track_length": TRACK_LENGTH},
        events={"plateau": ("(induce > 0.5 or rand() < plateau_rate * dt) and t >= plateau_end + plateau_refractory",
                            "plateau_end = t + plateau_duration; induce = 0; plateau_count += 1")},
        method="exponential_euler",
        descriptions={"tau_IS": "instructive signal time constant", "plateau_duration": "plateau length",
                      "plateau_refractory": "no new plateau until this long after one ends",
                      "base_rate": "stochastic plateau rate away from reward (1/s)",
                      "reward_rate": "stochastic plateau rate near reward (1/s)",
                      "reward_position": "reward location on the track",
                      "reward_half_width": "half width of the reward zone",
                      "track_length": "circumference of the circular track"},
        reference="Milstein et al. 2021, eLife 10:e73046 (fitted tau_IS, plateau rates)",
    )


def scheduled_plateau_cell():
    """CA1 cell whose plateaus start at recorded onsets and last their recorded durations.

    ``plateau_schedule(t, path)`` (a 2-D TimedArray of time x path, in
    seconds, through ``functions=``) holds each plateau's duration at its
    onset step. IS is normalised to peak 1 after a plateau of the reference
    ``plateau_duration`` (300 ms); a longer plateau drives it higher (at most
    1 / (1 - exp(-300 / 437)) = 2.0 for an endless one).
    """
    return Model(
        name="CA1 cell with recorded plateaus (BTSP)",
        equations=SCHEDULED_CELL,
        defaults={"tau_IS": TAU_IS, "plateau_duration": 300 * ms},
        events={"plateau": ("plateau_schedule(t, path) > 0 * second and t >= plateau_end",
                            "plateau_end = t + plateau_schedule(t, path); plateau_count += 1")},
        method="exponential_euler",
        descriptions={"tau_IS": "instructive signal time constant",
                      "plateau_duration": "reference plateau length of the IS normalisation"},
        reference="Milstein et al. 2021, eLife 10:e73046 (fitted tau_IS); plateau times and durations from the data",
    )
