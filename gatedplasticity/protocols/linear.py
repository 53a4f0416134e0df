"""Training protocol of the linear two-layer model (Burbank & Kreiman 2012, Fig 2).

Each presentation draws an input s ~ Uniform[0, 1]^n [R], propagates it for
``steps`` time points (L_1, H_2, L_3 by default [R]) and applies the pair
STDP update of ``rules.rate_stdp``. After every presentation the stop rules
of ``analysis.convergence.classify_linear`` are checked; training stops as
soon as the run is classified.
"""

import numpy as np
import pandas as pd

from ..analysis.convergence import classify_linear
from ..rules import rate_stdp
from .validation import positive_int, seed_value

OWNER = "linear training"


def train(q, rule, alpha, mu, presentations, seed, w_sd=0.01, steps=3, snapshot_at=()):
    """Train W from N(0, w_sd) weights; returns (history DataFrame, {presentation: W}, outcome).

    History columns: presentation, std_w, mean_abs_dw, max_eig (largest |eigenvalue| of WQ),
    corr_fixed_point (corr of W with the rule's fixed point).
    """
    presentations = positive_int("presentations", presentations, OWNER)
    rng = np.random.default_rng(seed_value(seed, OWNER))
    n = q.shape[0]
    w = rng.normal(0.0, w_sd, (n, n))
    target = rate_stdp.fixed_point(q, rule, alpha).ravel()
    rows, snapshots, outcome = [], {0: w.copy()}, "did not converge"
    for presentation in range(1, presentations + 1):
        dw = rate_stdp.stdp_update(w, q, rng.uniform(0, 1, n), rule, alpha, mu, steps)
        w = w + dw
        eigenvalue = np.abs(np.linalg.eigvals(w @ q)).max() if np.all(np.isfinite(w)) else np.inf
        rows.append((presentation, w.std(), np.abs(dw).mean(), eigenvalue, np.corrcoef(w.ravel(), target)[0, 1]))
        if presentation in snapshot_at:
            snapshots[presentation] = w.copy()
        verdict = classify_linear(rows, initial_std=w_sd)
        if verdict:
            outcome = verdict
            break
    snapshots[presentation] = w.copy()
    history = pd.DataFrame(rows, columns=["presentation", "std_w", "mean_abs_dw", "max_eig", "corr_fixed_point"])
    return history, snapshots, outcome
