"""Tuning fits, PD shifts, trajectory deviations and jitter for the BCI task.

Rates are plain arrays in Hz, directions unit 3-vectors, positions in units
of the cube side (1 = 11 cm [P]). Everything is batched over runs: weights
(runs, n, m), input maps (runs, m, 3) in Hz.
"""

import numpy as np
import pandas as pd
from scipy.stats import ttest_rel

from ..parameters import ParameterError

CUBE_MM = 110.0  # the unit cube is 11 cm on a side in Jarosiewicz et al. 2008 [P]
AXES = {"x": np.array([1.0, 0.0, 0.0]), "y": np.array([0.0, 1.0, 0.0]), "z": np.array([0.0, 0.0, 1.0])}


def unit(vectors):
    """Vectors scaled to unit length along the last axis."""
    vectors = np.asarray(vectors, float)
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def cube_corners():
    """The 8 corners of the unit cube centred at the origin (the targets), (8, 3)."""
    return np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)])


def cube_directions():
    """The 8 unit directions from the centre to the corners of a cube, (8, 3)."""
    return unit(cube_corners())


def tuning_vectors(weights, input_map):
    """u_i = sum_j w_ij map_j (Hz): the noiseless drive is h_i = u_i · y*. Shape (runs, n, 3)."""
    weights, input_map = np.asarray(weights, float), np.asarray(input_map, float)
    if weights.shape[-1] != input_map.shape[-2]:
        raise ParameterError("weights", f"weights have {weights.shape[-1]} inputs but the input map has {input_map.shape[-2]}")
    return weights @ input_map


def noiseless_rates(tuning, directions):
    """s = max(u · y*, 0) in Hz for each direction: (..., n, k) for tuning (..., n, 3), directions (k, 3)."""
    return np.maximum(np.asarray(tuning) @ np.asarray(directions, float).T, 0.0)


def fit_cosine(rates, directions):
    """Least-squares cosine tuning s(j) ~ beta + v · y*(j) (Methods) over the last axis of ``rates``.

    Returns (baseline beta in Hz, preferred direction p = v/|v|, modulation depth alpha = |v| in Hz).
    """
    rates, directions = np.asarray(rates, float), np.asarray(directions, float)
    if rates.shape[-1] != len(directions):
        raise ParameterError("rates", f"rates have {rates.shape[-1]} directions, 'directions' has {len(directions)}")
    design = np.column_stack([np.ones(len(directions)), directions])
    coefficients = rates @ np.linalg.pinv(design).T
    baseline, v = coefficients[..., 0], coefficients[..., 1:]
    depth = np.linalg.norm(v, axis=-1)
    return baseline, v / np.where(depth > 0, depth, 1.0)[..., None], depth


def fit_tuning(weights, input_map):
    """Cosine fit on the noiseless rates at the 8 cube directions (Calibration): (baseline, pd, depth)."""
    return fit_cosine(noiseless_rates(tuning_vectors(weights, input_map), cube_directions()), cube_directions())


def signed_angle_about(before, after, axis):
    """Angle (deg) from ``before`` to ``after`` after projecting both onto the plane normal to ``axis``;
    positive in the right-handed sense about ``axis`` (the sense of the perturbation)."""
    axis = unit(axis)
    if axis.ndim < np.ndim(before):
        axis = np.broadcast_to(axis[..., None, :], np.shape(before))
    def project(vectors):
        vectors = np.asarray(vectors, float)
        return vectors - np.sum(vectors * axis, -1, keepdims=True) * axis

    b, a = project(before), project(after)
    sine = np.sum(np.cross(b, a) * axis, -1)
    cosine = np.sum(b * a, -1)
    return np.degrees(np.arctan2(sine, cosine))


def angle_between(u, v):
    """Unsigned angle (deg) between vectors along the last axis."""
    cosine = np.sum(unit(u) * unit(v), -1)
    return np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))


def pd_shift_table(before, after, axes, rotated):
    """One row per (run, unit): tuning change from ``before`` to ``after`` (each a fit_tuning triple).

    ``shift_deg`` is the PD shift projected onto the rotation plane, positive in
    the direction of the decoder rotation (Jarosiewicz et al. 2008, Fig 3);
    ``angle_deg`` the unsigned 3-D angle; ``depth_change_Hz`` the change of
    modulation depth.
    """
    (_, pd_before, depth_before), (_, pd_after, depth_after) = before, after
    runs, n = pd_before.shape[:2]
    return pd.DataFrame({
        "run": np.repeat(np.arange(runs), n),
        "unit": np.tile(np.arange(n), runs),
        "rotated": np.asarray(rotated, bool).ravel(),
        "shift_deg": signed_angle_about(pd_before, pd_after, axes).ravel(),
        "angle_deg": angle_between(pd_before, pd_after).ravel(),
        "depth_change_Hz": (depth_after - depth_before).ravel(),
    })


def group_means(table, column):
    """Per-run means of ``column`` for rotated and non-rotated units: DataFrame (run x {True, False})."""
    return table.groupby(["run", "rotated"])[column].mean().unstack("rotated")


def credit_assignment(table, column="shift_deg"):
    """Mean +- SD over runs of the per-run group means, and a paired t-test rotated vs non-rotated.

    Returns a dict: rotated_mean, rotated_sd, non_rotated_mean, non_rotated_sd, difference, p_value.
    """
    means = group_means(table, column)
    rotated, other = means[True].to_numpy(), means[False].to_numpy()
    p_value = ttest_rel(rotated, other).pvalue if len(rotated) > 1 else np.nan
    return {"rotated_mean": rotated.mean(), "rotated_sd": rotated.std(ddof=1) if len(rotated) > 1 else 0.0,
            "non_rotated_mean": other.mean(), "non_rotated_sd": other.std(ddof=1) if len(other) > 1 else 0.0,
            "difference": (rotated - other).mean(), "p_value": float(p_value)}


def half_way_deviation(points, target, axis):
    """Lateral deviation (cube units) in the rotation direction where a trajectory first passes half the target distance.

    ``points`` (k, 3) start at the origin. The frame puts the target on the first
    axis and the direction axis x target (where a decoder rotation about ``axis``
    pushes the cursor) on the second. NaN if the trajectory never gets half-way.
    """
    target = np.asarray(target, float)
    forward = unit(target)
    lateral = np.cross(unit(axis), forward)
    if np.linalg.norm(lateral) < 1e-9:
        raise ParameterError("axis", "the rotation axis is parallel to the target direction")
    lateral = unit(lateral)
    progress = points @ forward
    half = np.linalg.norm(target) / 2
    crossed = np.flatnonzero(progress >= half)
    if len(crossed) == 0 or crossed[0] == 0:
        return np.nan
    k = crossed[0]
    fraction = (half - progress[k - 1]) / (progress[k] - progress[k - 1])
    return float((points[k - 1] + fraction * (points[k] - points[k - 1])) @ lateral)


def trial_table(trajectory, axes):
    """One row per finished trial of every run: steps, hit, mean R, deviation half-way (mm).

    ``trajectory``: dict of per-step arrays (steps, runs): ``trial``, ``active``,
    ``R``, ``hit`` and positions ``position`` (steps, runs, 3) after each move,
    ``target`` (steps, runs, 3). ``axes``: (runs, 3) rotation axes of the frame.
    """
    rows = []
    active = trajectory["active"].astype(bool)
    for run in range(active.shape[1]):
        steps = np.flatnonzero(active[:, run])
        trials = trajectory["trial"][steps, run].astype(int)
        boundaries = np.flatnonzero(np.diff(trials)) + 1
        for segment in np.split(steps, boundaries):
            if len(segment) == 0:
                continue
            target = trajectory["target"][segment[0], run]
            points = np.vstack([np.zeros(3), trajectory["position"][segment, run]])
            rows.append({
                "run": run, "trial": int(trajectory["trial"][segment[0], run]), "steps": len(segment),
                "hit": bool(trajectory["hit"][segment[-1], run]),
                "mean_R": float(trajectory["R"][segment, run].mean()),
                "deviation_mm": CUBE_MM * half_way_deviation(points, target, axes[run]),
            })
    return pd.DataFrame(rows, columns=["run", "trial", "steps", "hit", "mean_R", "deviation_mm"])


def noise_variance(drive, nu, kappa):
    """Variance (Hz^2) of the uniform exploratory noise at noiseless drive h (Hz): nu_i^2 / 3, Eq 6."""
    amplitude = nu * (1 + np.sqrt(kappa * np.maximum(drive, 0.0)))
    return amplitude**2 / 3


def jitter_angles(tuning, decoder, directions, nu, kappa, rng, samples=50):
    """Angle (deg) between the decoded velocity with and without noise (Fig 7).

    For each run and each direction in ``directions`` (k, 3), ``samples`` noise
    draws; returns (runs, k, samples). Exploration is uniform as in the model.
    """
    drive = np.asarray(tuning) @ np.asarray(directions, float).T  # (runs, n, k)
    clean = decoder(np.maximum(drive, 0).transpose(0, 2, 1))  # (runs, k, 3)
    amplitude = nu * (1 + np.sqrt(kappa * np.maximum(drive, 0)))
    noise = rng.uniform(-1, 1, (samples,) + drive.shape) * amplitude
    noisy = np.stack([decoder(np.maximum(drive + n, 0).transpose(0, 2, 1)) for n in noise], -2)  # (runs, k, samples, 3)
    return angle_between(noisy, clean[..., None, :])


def angular_match(tuning, decoder, directions):
    """Noiseless angular match R = y · y* / |y| for each direction: (runs, k)."""
    directions = unit(directions)
    y = decoder(noiseless_rates(tuning, directions).transpose(0, 2, 1))
    return np.sum(unit(y) * directions, -1)
