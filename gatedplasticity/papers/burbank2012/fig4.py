"""Burbank & Kreiman 2012, Fig 4: the four rule types in the integrate-and-fire network.

The network of Fig 3 (same Q, inputs and seed) trained with depression-
and potentiation-biased rSTDP and cSTDP (alpha 1.2 / 0.9), each until
classified or 625,000 presentations (``--quick``: 150,000). Panels per rule:
corr(W(N), W(N - 3000)), std(W), the final weight distribution and the
lower-layer rate. The dep-rSTDP run is Fig 3's (shared checkpoint). The
quick runs are the calibration's stage 2 for the chosen values
(``docs/burbank2012-calibration.md``): this figure is the calibration
target, not a held-out result.
"""

import matplotlib.pyplot as plt
import numpy as np

from ...results import Result
from ..figure import check, comparison, style
from . import training

PAPER = training.PAPER
DESCRIPTION = "IF network, four rule types: only dep-rSTDP converges, the others reach extreme weights (Fig 4)"
BACKENDS = ('standalone',)  # standalone only: training runs as one compiled program rerun per chunk (runtime would hold every chunk's inputs at once)
QUICK = True
PUBLISHED = {"dep-rSTDP": "converged", "pot-rSTDP": "extreme weights", "dep-cSTDP": "extreme weights",
             "pot-cSTDP": "extreme weights"}


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    q, c = training.q_and_c()
    trainings = {label: training.run(seed, quick, q, c, progress=progress, rule=rule, alpha=alpha)
                 for label, (rule, alpha) in training.RULE_TYPES.items()}
    arrays = {f"W_final_{label}": training.final_weights(t) for label, t in trainings.items()}
    return Result(name="burbank2012-fig4", tables={"history": training.history_table(trainings),
                                                     "outcomes": training.outcome_table(trainings)},
                  arrays=arrays, params={"rule_types": training.RULE_TYPES, "cap": training.cap(quick)})


def compare(data):
    """Each rule type's verdict against the paper's (1 = same verdict)."""
    outcomes = data.tables["outcomes"].set_index("rule_type")["outcome"]
    return comparison([check(f"{label}: '{published}' (1 = yes; got '{outcomes[label]}')", 1,
                             outcomes[label] == published, 0) for label, published in PUBLISHED.items()])


def plot(data):
    history, outcomes = data.tables["history"], data.tables["outcomes"].set_index("rule_type")
    labels = list(training.RULE_TYPES)
    bound = max(np.abs(data.arrays[f"W_final_{label}"]).max() for label in labels)  # one weight scale for all
    with style():
        figure, axes = plt.subplots(4, len(labels), figsize=(13, 9), squeeze=False)
        for k, label in enumerate(labels):
            rows = history[history["rule_type"] == label]
            marker = "o" if len(rows) < 5 else None  # a run classified within a few chunks: points, not a line
            for row, column in enumerate(("corr_lag", "std_w")):
                axes[row, k].plot(rows["presentation"], rows[column], marker=marker)
            if rows["corr_lag"].isna().all():
                axes[0, k].text(0.5, 0.5, f"classified at N = {rows['presentation'].max():,},\nbefore a 3,000 lag "
                                "exists", transform=axes[0, k].transAxes, ha="center", va="center", fontsize=8)
            axes[0, k].set(title=f"{label}\n{outcomes.loc[label, 'outcome']}", ylim=(-0.05, 1.05),
                           xlim=axes[1, k].get_xlim())
            weights = data.arrays[f"W_final_{label}"].ravel()
            axes[2, k].hist(weights, bins=np.linspace(-bound, bound, 41), color="0.3")
            axes[3, k].plot(rows["presentation"], rows["rate_lower"], marker=marker)
            axes[3, k].set(xlabel="presentations")
        for row, name in enumerate(("corr(W(N), W(N-3000))", "std(W)", "final weights (count)", "lower rate (Hz)")):
            axes[row, 0].set_ylabel(name)
        figure.tight_layout()
    return figure
