"""Loop gain of a two-layer network with top-down weights, from measured layer gains (linear analysis).

The linear analysis of Burbank & Kreiman 2012 (their Eqs 6-8): lower activity
x drives the higher layer through Q (lower x higher), y = Q^T x, and the
higher layer feeds back through W (lower x higher), x += W y. The loop
lower -> higher -> lower has gain max|eig(W Q^T)|; the fixed point of
depression-biased rSTDP, W* = Q^-T / alpha, has gain 1 / alpha. A spiking
network scales the loop by its layers' gains (spike counts per unit drive):
the higher layer's g_H (count per unit of Q^T x) and the lower layer's g_L
(change of count per unit of W y); then its loop gain is g_L g_H max|eig(W Q^T)|.

:func:`gain_fit` measures a gain (least-squares slope) with the linearity of
the response (R^2 of a line through the response's means in quantile bins
of the predictor); :func:`loop_gain` and :func:`bound_loop_gain` combine them.
"""

from dataclasses import dataclass

import numpy as np

from .convergence import safe_correlation


@dataclass(frozen=True)
class GainFit:
    """slope (response per unit predictor), intercept, r2_bins (linearity of the binned means), points."""

    slope: float
    intercept: float
    r2_bins: float
    points: int


def gain_fit(predictor, response, bins=10):
    """Least-squares line response = intercept + slope x predictor over all pairs, and the R^2 of a line
    through the means of ``response`` in ``bins`` quantile bins of ``predictor`` (NaN if undefined)."""
    predictor, response = np.ravel(np.asarray(predictor, float)), np.ravel(np.asarray(response, float))
    if predictor.shape != response.shape:
        raise ValueError(f"predictor and response differ in size: {predictor.size} vs {response.size}")
    if predictor.size < 2 or np.ptp(predictor) == 0:
        return GainFit(np.nan, np.nan, np.nan, predictor.size)
    slope, intercept = np.polyfit(predictor, response, 1)
    edges = np.quantile(predictor, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, predictor, side="right") - 1, 0, bins - 1)
    filled = [k for k in range(bins) if np.any(which == k)]
    centres = np.array([predictor[which == k].mean() for k in filled])
    means = np.array([response[which == k].mean() for k in filled])
    return GainFit(float(slope), float(intercept), r_squared(centres, means), predictor.size)


def r_squared(x, y):
    """R^2 of the least-squares line through (x, y) (NaN for fewer than three points or constant y)."""
    if len(x) < 3 or np.ptp(y) == 0 or np.ptp(x) == 0:
        return np.nan
    fitted = np.polyval(np.polyfit(x, y, 1), x)
    return float(1 - np.sum((y - fitted) ** 2) / np.sum((y - np.mean(y)) ** 2))


def loop_gain(w, q, g_low=1.0, g_high=1.0):
    """g_L g_H max|eig(W Q^T)| for W and Q lower x higher (square: as many lower as higher neurons)."""
    w, q = np.asarray(w, float), np.asarray(q, float)
    if w.shape != q.shape or w.shape[0] != w.shape[1]:
        raise ValueError(f"W and Q must be square and of one shape, got {w.shape} and {q.shape}")
    return float(g_low * g_high * np.abs(np.linalg.eigvals(w @ q.T)).max())


def fixed_point_direction(q):
    """Q^-T scaled so that its largest absolute entry is 1: the direction of the rSTDP fixed point
    W* = Q^-T / alpha (lower x higher)."""
    inverse = np.linalg.inv(np.asarray(q, float)).T
    return inverse / np.abs(inverse).max()


def fixed_point_correlation(w, q):
    """corr(W, Q^-T) over all weights, W and Q lower x higher: how closely W points along the rSTDP fixed
    point W* = Q^-T / alpha (its scale, which the layers' gains set in a spiking network, aside)."""
    return safe_correlation(np.ravel(np.asarray(w, float)), np.ravel(fixed_point_direction(q)))


def bound_loop_gain(g_low, g_high, q, bound):
    """Loop gain at W = bound x :func:`fixed_point_direction`: g_L g_H bound / max|Q^-1|.

    W* (alpha) lies within +-bound exactly when 1 / alpha <= this value."""
    return float(g_low * g_high * bound / np.abs(np.linalg.inv(np.asarray(q, float))).max())
