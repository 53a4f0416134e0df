"""Ground truth and slice statistics of the moving-object task (Rao et al. 2021, Methods 3.5.2-3).

Lengths in grid units (GU), angles in rad.
"""

import numpy as np
import pandas as pd
from scipy.special import expit

from ..models.dlr import TAU_F, TAU_R
from ..parameters import ParameterError

#: Concentric slices around the estimated final position: diameters 0-5, 5-9, 9-13 GU [P].
SLICES = ((0.0, 5.0), (5.0, 9.0), (9.0, 13.0))


def circular_difference(a, b):
    """a - b wrapped to [-pi, pi)."""
    return (np.asarray(a) - np.asarray(b) + np.pi) % (2 * np.pi) - np.pi


def ground_truth(task, samples, speed_points=161, direction_points=360):
    """(n, grid^2) p(Z = 1 | s_in) of every pixel, by Bayes over the true velocity.

    Prior: speed uniform on ``task.speed_range``, direction uniform on
    [0, 2 pi); likelihood: v_in ~ N(v, sigma_v), theta_in ~ N(theta,
    sigma_theta) (circular distance). The posterior over (v, theta) is
    evaluated on a ``speed_points`` x ``direction_points`` grid; a pixel's
    probability is the posterior mass of velocities that put the disk over it.
    """
    speeds = np.linspace(*task.speed_range, speed_points)
    directions = np.arange(direction_points) * 2 * np.pi / direction_points
    speed_grid, direction_grid = (g.ravel() for g in np.meshgrid(speeds, directions, indexing="ij"))
    offsets = np.stack([speed_grid * np.cos(direction_grid), speed_grid * np.sin(direction_grid)], -1)
    pixels, radius = task.pixels, task.diameter / 2
    out = np.zeros((len(samples), len(pixels)))
    for row, sample in enumerate(samples.itertuples()):
        log_likelihood = (-0.5 * ((sample.speed_in - speed_grid) / task.sigma_speed) ** 2
                          - 0.5 * (circular_difference(sample.direction_in, direction_grid) / task.sigma_direction) ** 2)
        keep = log_likelihood > log_likelihood.max() - 12
        weights = np.exp(log_likelihood[keep] - log_likelihood.max())
        ends = np.array([sample.x, sample.y]) + offsets[keep]
        covered = np.linalg.norm(pixels[None] - ends[:, None], axis=-1) <= radius
        out[row] = weights @ covered / weights.sum()
    return out


def kernel_integral(duration):
    """K(s) = int_0^s k(t) dt of the PSP kernel k = exp(-t/tau_r) - exp(-t/tau_f), in s (s in s)."""
    tau_r, tau_f = float(TAU_R), float(TAU_F)
    return tau_r * (1 - np.exp(-duration / tau_r)) - tau_f * (1 - np.exp(-duration / tau_f))


def presentation_xbar(rates, rng, repeats, presentation=0.4, previous=None):
    """(repeats, n, d) presentation averages of the PSP trace for Poisson inputs at ``rates`` (n, d) in Hz.

    A spike at t in [0, presentation) s contributes K(presentation - t) / presentation;
    with ``previous`` rates (n, d), spikes of a preceding presentation add their
    carry-over (K(2 presentation - t) - K(presentation - t)) / presentation, as in training.
    """
    def average(rates, weight):
        counts = rng.poisson(np.asarray(rates, dtype=float) * presentation, (repeats, *np.shape(rates)))
        flat = counts.ravel()
        owner = np.repeat(np.arange(flat.size), flat)
        contribution = weight(presentation - rng.uniform(0, presentation, flat.sum()))
        return (np.bincount(owner, contribution, minlength=flat.size) / presentation).reshape(counts.shape)

    xbar = average(rates, kernel_integral)
    if previous is not None:
        xbar += average(previous, lambda remaining: kernel_integral(remaining + presentation) - kernel_integral(remaining))
    return xbar


def spiking_predictions(weights, rates, beta, u0, rng, repeats=20):
    """(n, pixels) mean over ``repeats`` Poisson presentations of q = sigmoid(beta (w . xbar - u0)).

    weights: (pixels, inputs) in mV; rates: (n, inputs) in Hz. Each
    presentation follows one of another random row, whose spikes carry over,
    as in training. This is the learner's average prediction for an input:
    what it was trained to match (calibrated: E[q] = p(Z = 1 | s_in)).
    """
    weights = np.asarray(weights, dtype=float)
    rates = np.asarray(rates, dtype=float)
    if weights.shape[1] != rates.shape[1]:
        raise ParameterError("rates", f"spiking_predictions: weights have {weights.shape[1]} inputs, rates {rates.shape[1]}")
    predictions = []
    for row in rates:
        previous = rates[rng.integers(len(rates), size=repeats)]
        xbar = presentation_xbar(np.tile(row, (repeats, 1)), rng, 1, previous=previous)[0]
        predictions.append(expit(beta * (xbar @ weights.T - u0)).mean(0))
    return np.stack(predictions)


def slice_table(task, samples, predicted, truth, pixels=None):
    """Mean predicted q and true probability of the pixels in each slice, pooled over samples.

    ``predicted`` and ``truth`` are (samples, pixels) for the pixel indices
    ``pixels`` (default: every pixel of the grid). Slices are rings of the given diameters (GU) around each sample's
    estimated final position. ``se_p`` is the standard error of ``mean_p``
    across samples (ratio estimator: pixels of one sample are not independent).
    """
    ends = task.final_positions(samples, estimated=True)
    positions = task.pixels if pixels is None else task.pixels[np.asarray(pixels, int)]
    distance = np.linalg.norm(positions[None] - ends[:, None], axis=-1)
    rows = []
    for inner, outer in SLICES:
        inside = (distance >= inner / 2) & (distance < outer / 2)
        counts, sums = inside.sum(1), (truth * inside).sum(1)
        mean_p = sums.sum() / counts.sum()
        rows.append({"slice_GU": f"{inner:g}-{outer:g}", "pixels": int(counts.sum()),
                     "mean_q": float(predicted[inside].mean()), "mean_p": float(mean_p),
                     "se_p": float(np.sqrt(np.sum((sums - mean_p * counts) ** 2)) / counts.sum())})
    return pd.DataFrame(rows)
