"""Shared set-up of the Burbank & Kreiman 2012 integrate-and-fire figures (Figs 3, 4, 6-8).

Table 1's last column (``parameters.TABLE1``) with Q from the smoothed
recipe and eps = 1 (Figs 3, 4). A run trains until classified or the cap:
625,000 presentations [P]; ``quick`` caps at ``quick_cap``, the rest
unchanged (the 150,000 of the calibration, whose target window ends there).
Every run keeps a checkpoint under ``cache_root()/runs`` (one file per
set-up, seed and package source), so an interrupted reproduction resumes, a
finished run is not repeated (Figs 3 and 4 share the dep-rSTDP run), and a
run of other code is never resumed or read as this code's.
"""

import hashlib
import json

import numpy as np
import pandas as pd

from ...backends import cache_root
from ...models import linear
from ... import results
from ...parameters import to_json
from ...protocols import top_down
from .parameters import VALUES, network_parameters

PAPER = "Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393"
SIZE = VALUES["size"]
RULE_TYPES = {"dep-rSTDP": ("reverse", 1.2), "pot-rSTDP": ("reverse", 0.9),
              "dep-cSTDP": ("classical", 1.2), "pot-cSTDP": ("classical", 0.9)}
SNAPSHOTS = (1500, 6000, 15_000, 30_000, 45_000, 51_000, 75_000, 150_000)


def q_and_c(eps=VALUES["q_eps"], smooth=True, q_seed=VALUES["q_seed"], c_seed=VALUES["c_seed"]):
    """Bottom-up weights (lower x higher) and the input correlation matrix of Figs 3-4."""
    return linear.q_matrix(SIZE, eps, seed=q_seed, smooth=smooth), top_down.correlation_matrix(SIZE, seed=c_seed)


def cap(quick):
    return VALUES["quick_cap"] if quick else VALUES["max_presentations"]


def setup(**options):
    """(Structure, Parameters) of ``options``: structure fields by name, the rest parameter overrides of Table 1."""
    names = set(top_down.Structure.options())
    structure = top_down.Structure(**{name: value for name, value in options.items() if name in names})
    return structure, network_parameters(**{name: value for name, value in options.items() if name not in names})


def checkpoint_path(seed, quick, q, c, structure, params, extra=None):
    """Checkpoint of one run: keyed by the resolved structure and parameters (explicit defaults and omitted ones
    are the same run) and the package's source (``results.source_hash``: an edit of the package starts again)."""
    described = {"structure": to_json(dict(zip(top_down.Structure.__dataclass_fields__, structure.key()))),
                 "parameters": to_json(params.as_dict()), "extra": to_json(extra or {}),
                 "q": np.asarray(q).round(12).tolist(), "c": np.asarray(c).round(12).tolist(), "seed": seed,
                 "cap": cap(quick), "source": results.source_hash()}
    key = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]
    return cache_root() / "runs" / f"burbank2012-if-{key}.npz"


def run(seed, quick, q=None, c=None, progress=True, **options):
    """Train one network with Table 1's values and a resumable checkpoint; ``options``: structure fields and
    parameter overrides (:func:`setup`), and ``c_higher``."""
    if q is None:
        q, c = q_and_c()
    c_higher = options.pop("c_higher", None)
    structure, params = setup(**options)
    extra = {} if c_higher is None else {"c_higher": np.asarray(c_higher).round(12).tolist()}
    return top_down.train(q, c, seed, params, structure, max_presentations=cap(quick), c_higher=c_higher,
                          checkpoint=checkpoint_path(seed, quick, q, c, structure, params, extra), progress=progress,
                          keep_snapshots=SNAPSHOTS)


def history_table(trainings):
    """One history table for {label: Training}, with a ``rule_type`` column."""
    return pd.concat([t.history.assign(rule_type=label) for label, t in trainings.items()], ignore_index=True)


def outcome_table(trainings):
    rows = []
    for label, training in trainings.items():
        last = training.history.iloc[-1]
        caption = training.history[training.history["outcome_caption"].notna()]["presentation"]
        rows.append({"rule_type": label, "outcome": training.outcome, "presentations": training.presentations,
                     "caption_presentations": int(caption.iloc[0]) if len(caption) else float("nan"),
                     "outcome_caption": training.history["outcome_caption"].dropna().iloc[0] if len(caption) else None,
                     "spikes_lower": last["spikes_lower"], "spikes_higher": last["spikes_higher"],
                     "pairs_top_down": last["pairs_top_down"], "mean_w": last["mean_w"],
                     "std_w": last["std_w"], "fraction_extreme": last["fraction_extreme"], "corr_lag": last["corr_lag"],
                     "rate_lower": last["rate_lower"], "rate_higher": last["rate_higher"]})
    return pd.DataFrame(rows)


def final_weights(training):
    return np.asarray(training.snapshots[training.presentations])
