"""Shared set-up of the Burbank & Kreiman 2012 integrate-and-fire figures (Figs 3, 4, 6-8).

Table 1's last column (alpha 1.2, d = 15 ms, tau_STDP = 20 ms, S = 2000/s,
tau_syn = 15 ms, sigma_input = 100%, sigma_noise = 50%, bounds +-50) with
Q from the smoothed recipe and eps = 1 (Figs 3, 4). A run trains until
classified or the cap: 625,000 presentations [P]; ``quick`` caps at
QUICK_CAP, the rest unchanged. Every run keeps a checkpoint under
``cache_root()/runs`` (one file per set-up and seed), so an interrupted
reproduction resumes and a finished run is not repeated (Figs 3 and 4
share the dep-rSTDP run).
"""

import hashlib
import json

import numpy as np

from ..analysis.convergence import IF_MAX_PRESENTATIONS
from ..backends import cache_root
from ..models import linear
from ..parameters import to_json
from ..protocols import top_down

PAPER = "Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393"
SIZE = 100
QUICK_CAP = 45_000
Q_SEED, C_SEED = 0, 1
RULE_TYPES = {"dep-rSTDP": ("reverse", 1.2), "pot-rSTDP": ("reverse", 0.9),
              "dep-cSTDP": ("classical", 1.2), "pot-cSTDP": ("classical", 0.9)}
SNAPSHOTS = (1500, 6000, 15_000, 30_000, 45_000, 75_000, 150_000)


def q_and_c(eps=1.0, smooth=True, q_seed=Q_SEED, c_seed=C_SEED):
    """Bottom-up weights (lower x higher) and the input correlation matrix of Figs 3-4."""
    return linear.q_matrix(SIZE, eps, seed=q_seed, smooth=smooth), top_down.correlation_matrix(SIZE, seed=c_seed)


def cap(quick):
    return QUICK_CAP if quick else IF_MAX_PRESENTATIONS


def run(seed, quick, q=None, c=None, progress=True, **options):
    """Train one network (``options`` as for ``protocols.top_down.train``) with a resumable checkpoint."""
    if q is None:
        q, c = q_and_c()
    key = hashlib.sha256(json.dumps({"options": to_json(options), "q": q.round(12).tolist(), "c": c.round(12).tolist(),
                                     "seed": seed, "cap": cap(quick)}, sort_keys=True).encode()).hexdigest()[:16]
    checkpoint = cache_root() / "runs" / f"burbank2012-if-{key}.npz"
    return top_down.train(q, c, seed, max_presentations=cap(quick), checkpoint=checkpoint, progress=progress,
                          keep_snapshots=SNAPSHOTS, **options)


def history_table(trainings):
    """One history table for {label: Training}, with a ``rule_type`` column."""
    import pandas as pd

    return pd.concat([t.history.assign(rule_type=label) for label, t in trainings.items()], ignore_index=True)


def outcome_table(trainings):
    import pandas as pd

    rows = []
    for label, training in trainings.items():
        last = training.history.iloc[-1]
        rows.append({"rule_type": label, "outcome": training.outcome, "presentations": training.presentations,
                     "std_w": last["std_w"], "fraction_extreme": last["fraction_extreme"], "corr_lag": last["corr_lag"],
                     "rate_lower": last["rate_lower"], "rate_higher": last["rate_higher"]})
    return pd.DataFrame(rows)


def final_weights(training):
    return np.asarray(training.snapshots[training.presentations])
