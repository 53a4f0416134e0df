"""Two-layer linear rate model of Burbank & Kreiman 2012 (Results, Methods, Text S1).

During a presentation the lower layer starts at L_1 = s; activity then
alternates up and down, H_{t+1} = Q L_t and L_{t+1} = W H_t, so
L_{2k+1} = (WQ)^k s. Top-down W (post = lower, pre = higher) changes once per
presentation from adjacent pairs of time points (plasticity is slow [P];
the update is ``rules.rate_stdp``):

    pre before post (H_t then L_{t+1}): "causal"   C = sum L_{t+1} H_t^T
    post before pre (L_t then H_{t+1}): "acausal"  A = sum L_t H_{t+1}^T
    cSTDP: dW = mu (C - alpha A)        rSTDP: dW = mu (A - alpha C)

[R: Eq A22 was not recovered; this is the pair form, ``rules.rate_stdp``.] For invertible Q the fixed points are W* = alpha Q^-1 (cSTDP)
and W* = Q^-1 / alpha (rSTDP), where WQ has all eigenvalues alpha and
1/alpha: only depression-biased rSTDP (alpha > 1) is weak (no eigenvalue
> 1), and it is the stable one.

Q is built as in the paper's Methods [P steps, (iii) R]: R uniform random
(optionally smoothed by a circular Gaussian of width 3 pixels), polar
decomposition R = U P, Q = U + eps P, each column divided by its mean, the
matrix divided by its maximum and multiplied by 5.
"""

import numpy as np
from scipy.linalg import polar
from scipy.ndimage import gaussian_filter

from ..parameters import ParameterError

def q_matrix(n, eps, seed, smooth=False, width=3.0):
    """Bottom-up weights Q (n x n) from the paper's recipe."""
    if int(n) != n or n < 1:
        raise ParameterError("n", f"q_matrix: n must be a positive integer, got {n!r}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)) or not np.isfinite(eps) or eps < 0:
        raise ParameterError("eps", f"q_matrix: eps must be a finite non-negative number, got {eps!r}")
    raw = np.random.default_rng(seed).uniform(0, 1, (int(n), int(n)))
    if smooth:
        raw = gaussian_filter(raw, width, mode="wrap")
    unitary, positive = polar(raw)
    q = unitary + eps * positive
    q = q / q.mean(axis=0, keepdims=True)
    return 5 * q / q.max()


def propagate(w, q, s, steps):
    """Activity sequence [L_1, H_2, L_3, ...] of ``steps`` time points for input s."""
    sequence = [np.asarray(s, float)]
    for t in range(1, steps):
        sequence.append((q if t % 2 else w) @ sequence[-1])
    return sequence
