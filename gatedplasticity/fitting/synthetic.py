"""Synthetic BTSP recordings from the model with known parameters: the fit's ground truth.

Each induction (``variable=True``, the default): a few laps on the 187-cm track at a speed drawn per lap
(median 25 cm/s, s.d. 30% of it), modulated within the lap (+-30%) and with a
pause of 0-2 s at the lap's start (reward consumption); 1-8 plateaus on
consecutive laps (from lap 1; lap 0 runs before) at one position with 5-cm
jitter, durations log-normal (median 300 ms, 0.4 log-s.d., 100-1,000 ms),
and a lap after the last plateau; half the cells silent before, half with a
prior field (a Gaussian ramp of 60 cm FWHM, 1-6 mV, within 80 cm of the
plateaus). Recorded ramps (100 bins) get white noise (0.3 mV per bin), then
circular Gaussian smoothing (3 bins s.d.) and a baseline offset drawn per
recording (+-1 mV), like recorded ramps. Streams: "synthetic-layout"
(paths, plateaus, prior fields) and "synthetic-noise" (ramp noise) of one seed.
"""

import numpy as np
import pandas as pd
from brian2 import cm
from scipy.ndimage import gaussian_filter1d

from .. import streams
from ..analysis import place_fields
from ..models.btsp import FIELD_SD, TRACK_LENGTH
from ..parameters import ParameterError
from ..protocols.inductions import N_INPUTS, Induction, InductionSetup, input_centers, simulate
from .data import PATHS, PLATEAUS, RAMPS, read_inductions

LENGTH_CM = float(TRACK_LENGTH / cm)
N_BINS = 100
SAMPLE_S = 0.05  # path sampling interval of the generated "tracking"
PRIOR_FWHM_CM = 60.0
NOISE_MV, SMOOTH_BINS, OFFSET_MV = 0.3, 3.0, 1.0


def bins():
    """Bin centres (cm) of the generated ramps."""
    return (np.arange(N_BINS) + 0.5) * LENGTH_CM / N_BINS


def running_path(rng, laps, speed_cm_s=25.0, variable=True):
    """(lap, t_s, position_cm) rows of ``laps`` laps: speed per lap, within-lap modulation, a pause at lap start
    (``variable=False``: constant speed, no pauses)."""
    rows, t = [], 0.0
    spread = 1.0 if variable else 0.0
    for lap in range(laps):
        speed = speed_cm_s * max(0.4, 1 + spread * 0.3 * rng.standard_normal())
        phase, pause = rng.uniform(0, 2 * np.pi), spread * rng.uniform(0, 2.0)
        for _ in range(int(pause / SAMPLE_S)):
            rows.append((lap, t, 0.0))
            t += SAMPLE_S
        x = 0.0
        while x < LENGTH_CM:
            rows.append((lap, t, x))
            x += SAMPLE_S * speed * (1 + spread * 0.3 * np.sin(2 * np.pi * x / LENGTH_CM + phase))
            t += SAMPLE_S
    return pd.DataFrame(rows, columns=["lap", "t_s", "position_cm"])


def passing_time(path, lap, position):
    """Time (s) at which the animal passes ``position`` (cm) in ``lap``."""
    rows = path[path["lap"] == lap]
    index = min(np.searchsorted(rows["position_cm"].to_numpy(), position), len(rows) - 1)
    return float(rows["t_s"].iloc[index])


def prior_ramp(rng, centre, silent_fraction=0.5):
    """A Gaussian prior ramp (60 cm FWHM, 1-6 mV) at ``centre``, or zeros for a silent cell (``silent_fraction``)."""
    if rng.uniform() < silent_fraction:
        return np.zeros(N_BINS)
    sd = PRIOR_FWHM_CM / (2 * np.sqrt(2 * np.log(2)))
    distance = place_fields.signed_distance(bins(), centre, LENGTH_CM)
    return rng.uniform(1.0, 6.0) * np.exp(-0.5 * (distance / sd) ** 2)


def layout(rng, plateau_counts=(1, 8), variable=True, silent_fraction=0.5):
    """One induction's path, plateaus and initial weights (the cell's true weights before).

    ``variable=False``: constant 25 cm/s, 300-ms plateaus at one place (the pooled format's reference assumptions).
    """
    count = int(rng.integers(plateau_counts[0], plateau_counts[1] + 1))
    path = running_path(rng, count + 2, variable=variable)
    position = rng.uniform(0, LENGTH_CM)
    jitter = 5.0 if variable else 0.0
    onsets = [passing_time(path, lap, (position + jitter * rng.standard_normal()) % LENGTH_CM)
              for lap in range(1, count + 1)]
    durations = np.clip(300 * np.exp((0.4 if variable else 0.0) * rng.standard_normal(count)), 100, 1000)
    plateaus = pd.DataFrame({"lap": np.arange(1, count + 1), "onset_s": onsets, "duration_ms": durations})
    prior = prior_ramp(rng, (position + rng.uniform(-80, 80)) % LENGTH_CM, silent_fraction)
    weights = place_fields.fit_weights(prior, bins(), input_centers(N_INPUTS), float(FIELD_SD / cm), LENGTH_CM)
    return Induction(path, plateaus, weights)


def recorded(rng, weights):
    """A recorded ramp (mV) at the bins: model ramp + noise, smoothed, plus a baseline offset."""
    _, ramp = place_fields.ramp(weights, input_centers(N_INPUTS), float(FIELD_SD / cm), LENGTH_CM, bins())
    noisy = ramp[0] + NOISE_MV * rng.standard_normal(N_BINS)
    return gaussian_filter1d(noisy, SMOOTH_BINS, mode="wrap") + rng.uniform(-OFFSET_MV, OFFSET_MV)


def generate(parameters, n_inductions=12, seed=0, plateau_counts=(1, 8), variable=True, silent_fraction=0.5,
             backend="standalone"):
    """Synthetic induction data from the model with ``parameters`` ({name: Quantity}, the rest at defaults).

    Returns ``read_inductions`` data (ramps, paths, plateaus tables). ``variable=False`` removes the speed,
    pause, plateau-duration and plateau-position variability (for the pooled format's assumptions);
    ``silent_fraction`` of the cells have no field before.
    """
    if n_inductions < 1:
        raise ParameterError("n_inductions", f"synthetic data needs at least one induction, got {n_inductions}")
    layout_rng, noise_rng = streams.generator(seed, "synthetic-layout"), streams.generator(seed, "synthetic-noise")
    inductions = [layout(layout_rng, plateau_counts, variable, silent_fraction) for _ in range(n_inductions)]
    after = simulate(InductionSetup(inductions, fitted=tuple(parameters)), parameters, backend=backend)[0]
    ramps, paths, plateaus = [], [], []
    for k, (induction, weights) in enumerate(zip(inductions, after)):
        before = recorded(noise_rng, induction.initial_weights)
        ramps.append(pd.DataFrame({"induction": k, "bin_cm": bins(), "ramp_before_mV": before,
                                   "ramp_after_mV": recorded(noise_rng, weights)}))
        paths.append(induction.path.assign(induction=k))
        plateaus.append(induction.plateaus.assign(induction=k))
    columns = lambda frames, names: pd.concat(frames, ignore_index=True)[list(names)]
    return read_inductions(columns(ramps, RAMPS), columns(paths, PATHS), columns(plateaus, PLATEAUS), LENGTH_CM)


def pooled(data):
    """The pooled format of induction data: t, initial_ramp, delta_ramp, induction, plateaus (baselines removed)."""
    rows = []
    for induction in data.ids:
        ramps, path, plateaus = data.of(induction)
        before = ramps["ramp_before_mV"].to_numpy() - place_fields.baseline(ramps["ramp_before_mV"].to_numpy())
        after = ramps["ramp_after_mV"].to_numpy() - place_fields.baseline(ramps["ramp_after_mV"].to_numpy())
        times = place_fields.nearest_onset_times(path, plateaus["onset_s"].to_numpy(), ramps["bin_cm"].to_numpy(), data.length_cm)
        rows.append(pd.DataFrame({"t": times, "initial_ramp": before, "delta_ramp": after - before,
                                  "induction": induction, "plateaus": len(plateaus)}))
    return pd.concat(rows, ignore_index=True)

