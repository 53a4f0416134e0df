"""Place-field ramps from BTSP weights (Milstein et al. 2021): amplitude, peak, width, asymmetry, coverage.

The ramp depolarisation at position x is V(x) = c sum_i (W_i - 1) r_i(x),
W_i = Wmax w_i the weight relative to a naive synapse and r_i the input's
normalised rate (peak ``peak_rate``); c = 2.956e-3 mV/Hz, peak rate 40 Hz
(the authors' code). Positions are on a circular track; signed distances
run from -length/2 to length/2.
"""

import numpy as np
import pandas as pd
from scipy import optimize

from ..parameters import ParameterError
from ..rules.btsp import W_MAX

MV_PER_HZ = 2.956e-3
PEAK_RATE = 40.0


def signed_distance(x, reference, length):
    """x - reference on a circle of circumference ``length``, in [-length/2, length/2)."""
    return (np.asarray(x) - reference + length / 2) % length - length / 2


def ramp_kernel(centers, field_sd, length, positions):
    """(inputs x positions) ramp (mV) per unit of W - 1 of each input: c x peak rate x r_i(x)."""
    distances = signed_distance(np.asarray(positions)[None, :], np.asarray(centers)[:, None], length)
    return MV_PER_HZ * PEAK_RATE * np.exp(-(distances / field_sd) ** 2)


def ramp(weights, centers, field_sd, length, positions=None):
    """Ramp (mV) of each cell (rows of ``weights``, normalised w) at ``positions`` (cm; default 1-cm grid)."""
    positions = np.arange(0, length, 1.0) if positions is None else np.asarray(positions)
    return positions, (W_MAX * np.atleast_2d(weights) - 1) @ ramp_kernel(centers, field_sd, length, positions)


def baseline(ramps, fraction=0.1):
    """Baseline of each ramp (last axis): the mean of its lowest ``fraction`` of bins (mV)."""
    ramps = np.asarray(ramps, float)
    lowest = np.sort(ramps, axis=-1)[..., : max(1, int(round(fraction * ramps.shape[-1])))]
    return lowest.mean(axis=-1)


def fit_weights(ramp_mV, positions, centers, field_sd, length, ridge=1e-3):
    """Normalised weights w whose ramp matches ``ramp_mV`` at ``positions``: ramp(fit_weights(r)) ~ r.

    Non-negative least squares on W - 1 >= 0 (a synapse is potentiated or
    naive) through :func:`ramp_kernel`, after subtracting the ramp's
    :func:`baseline`; a small ridge (relative to the kernel's scale) makes the
    solution unique and smooth (neighbouring inputs overlap). w is capped at 1.
    """
    kernel = ramp_kernel(centers, field_sd, length, positions).T  # positions x inputs
    target = np.asarray(ramp_mV, float) - baseline(ramp_mV)
    scale = np.sqrt(ridge) * np.linalg.norm(kernel, 2)
    system = np.vstack([kernel, scale * np.eye(kernel.shape[1])])
    excess, _ = optimize.nnls(system, np.concatenate([target, np.zeros(kernel.shape[1])]), maxiter=50 * kernel.shape[1])
    return np.minimum((1 + excess) / W_MAX, 1.0)


def field_metrics(positions, values, plateau_position, length):
    """Peak amplitude (mV), peak shift from the plateau (cm, negative = before), FWHM (cm), asymmetry.

    Asymmetry: area of the (positive) ramp within half a track before the
    plateau over that after it. FWHM: length of track where the ramp is at
    least half its peak.
    """
    values, positions = np.asarray(values, float), np.asarray(positions, float)
    if values.ndim != 1 or len(values) < 2 or positions.shape != values.shape:
        raise ParameterError("values", f"field_metrics: values and positions must be 1-D, of equal length, with at "
                                       f"least two bins; got shapes {values.shape} and {positions.shape}")
    peak = int(np.argmax(values))
    shift = signed_distance(positions[peak], plateau_position, length)
    step = positions[1] - positions[0]
    width = step * np.count_nonzero(values >= values[peak] / 2)
    relative = signed_distance(positions, plateau_position, length)
    positive = np.clip(values, 0, None)
    before, after = positive[relative < 0].sum(), positive[relative >= 0].sum()
    return {"amplitude_mV": values[peak], "peak_shift_cm": shift, "fwhm_cm": width,
            "asymmetry": before / after if after > 0 else np.inf}


def coverage(peaks, reward_position, length, half_width):
    """Fraction of place-field peaks within ``half_width`` of the reward and the fraction a uniform tiling would give."""
    near = np.abs(signed_distance(np.asarray(peaks), reward_position, length)) <= half_width
    return pd.Series({"fraction_near_reward": near.mean(), "uniform_fraction": 2 * half_width / length})


def unwrap(positions, length):
    """Positions along a circular track made continuous: + length at every wrap (a drop of over half a lap)."""
    positions = np.asarray(positions, float)
    return positions + length * np.concatenate([[0], np.cumsum(np.diff(positions) < -length / 2)])


def nearest_onset_times(path, onsets, positions, length_cm):
    """For each position: time (s) from the animal passing it to the nearest plateau onset (negative = before).

    Among all passes of the position, the one nearest in time to any onset.
    """
    t = path["t_s"].to_numpy(float)
    x = path["position_cm"].to_numpy(float)
    unwrapped = unwrap(x, length_cm)
    result = np.empty(len(positions))
    for index, position in enumerate(positions):
        passes = np.arange(np.floor((unwrapped[0] - position) / length_cm), np.ceil((unwrapped[-1] - position) / length_cm) + 1)
        targets = position + passes * length_cm
        targets = targets[(targets >= unwrapped[0]) & (targets <= unwrapped[-1])]
        times = np.interp(targets, unwrapped, t)  # unwrapped increases (pauses: the first time at that place)
        differences = times[:, None] - np.asarray(onsets)[None, :]
        result[index] = differences.ravel()[np.argmin(np.abs(differences).ravel())]
    return result
