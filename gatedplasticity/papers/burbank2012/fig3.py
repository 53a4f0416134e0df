"""Burbank & Kreiman 2012, Fig 3: depression-biased rSTDP in the integrate-and-fire network.

100 + 100 conductance LIF neurons (``protocols.top_down``), Table 1's last
column, rSTDP with alpha = 1.2, Q smoothed with eps = 1; trained until the
classifier stops it (``analysis.convergence.classify_network``) or 625,000
presentations. Panels: W snapshots, std(W), corr(W(N), W(N - 3000)) and
corr(W, Q^-1), the final weight distribution, the lower-layer rate.
The lost threshold and drive scales come from the pre-registered
calibration (``docs/burbank2012-calibration.md``), for which this
configuration is the calibration target (not a held-out result). Panel F
and the history table carry the diagnostics: spikes per neuron and
presentation per layer, pairs per top-down synapse, corr at 1.5k-12k lags,
the std slope. ``--quick`` caps training at 150,000 presentations (the
calibration's cap; the same network).
"""

import matplotlib.pyplot as plt
import numpy as np

from ...results import Result
from ..figure import check, check_bound, comparison, style
from . import training

PAPER = training.PAPER
DESCRIPTION = "IF network, dep-rSTDP alpha = 1.2: weights stable, diverse and weak; rates stable (Fig 3)"
BACKENDS = ('standalone',)  # standalone only: training runs as one compiled program rerun per chunk (runtime would hold every chunk's inputs at once)
QUICK = True
PUBLISHED_PRESENTATIONS = 75_000  # converged at ~75,000 presentations [P]


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """One training run with W snapshots; resumes from its checkpoint."""
    q, c = training.q_and_c()
    trained = training.run(seed, quick, q, c, progress=progress, rule="reverse", alpha=1.2)
    arrays = {f"W_{n}": w for n, w in trained.snapshots.items()}
    arrays["Q"] = q
    return Result(name="burbank2012-fig3", tables={"history": trained.history.assign(rule_type="dep-rSTDP"),
                                                     "outcomes": training.outcome_table({"dep-rSTDP": trained})},
                  arrays=arrays, params={"rule": "reverse", "alpha": 1.2, "cap": training.cap(quick), "eps": 1.0})


def compare(data):
    """Converged (stable: corr > 0.99, std flat), diverse (std > 0.3), weak (< 50% at bounds), rates stable."""
    history, outcome = data.tables["history"], data.tables["outcomes"].iloc[0]
    first_rate, last_rate = history["rate_lower"].iloc[0], history["rate_lower"].iloc[-1]
    return comparison([
        check("classified 'converged' (1 = yes)", 1, outcome["outcome"] == "converged", 0),
        check("presentations until classified (paper ~75,000; +-50%; NaN: not classified)", PUBLISHED_PRESENTATIONS,
              outcome["presentations"] if outcome["outcome"] != "did not converge" else float("nan"),
              0.5 * PUBLISHED_PRESENTATIONS),
        check_bound("final std(W) (pass if > 0.3: diverse)", float("nan"), outcome["std_w"], 0.3, upper=False),
        check_bound("fraction of weights within 0.1 of a bound (pass if < 0.5)", float("nan"),
                    outcome["fraction_extreme"], 0.5),
        check_bound("corr(W(N), W(N - 3000)) at the end (pass if > 0.99)", 0.99, outcome["corr_lag"], 0.99, upper=False),
        check("lower-layer rate, last / first chunk (stable: 1 +- 0.1)", 1.0, last_rate / first_rate, 0.1),
    ])


def plot_snapshots(axes, data):
    snapshots = sorted(int(key[2:]) for key in data.arrays if key.startswith("W_"))
    chosen = [snapshots[k] for k in np.unique(np.linspace(0, len(snapshots) - 1, len(axes)).round().astype(int))]
    limit = max(np.abs(data.arrays[f"W_{n}"]).max() for n in chosen)
    for ax, presentation in zip(axes, chosen):
        ax.imshow(data.arrays[f"W_{presentation}"], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set(title=f"W, N = {presentation:,}", xticks=[], yticks=[])
    for ax in axes[len(chosen):]:  # a run resumed from a checkpoint that kept fewer snapshots
        ax.axis("off")


def plot(data):
    """A: W snapshots; B: std(W); C: correlations at four lags; D: final weights; E: rates; F: spikes and pairs."""
    history = data.tables["history"]
    with style():
        figure = plt.figure(figsize=(14, 6))
        grid = figure.add_gridspec(2, 5)
        plot_snapshots([figure.add_subplot(grid[0, k]) for k in range(5)], data)
        ax = figure.add_subplot(grid[1, 0])
        ax.plot(history["presentation"], history["std_w"])
        ax.set(title="B  std(W)", xlabel="presentations")
        ax = figure.add_subplot(grid[1, 1])
        for column, lag in (("corr_1500", "1.5k"), ("corr_lag", "3k"), ("corr_6000", "6k"), ("corr_12000", "12k")):
            ax.plot(history["presentation"], history[column], label=f"corr(W(N), W(N-{lag}))")
        if "corr_fixed_point" in history:  # runs before 2026-12-04 kept a transposed measure: not drawn
            ax.plot(history["presentation"], history["corr_fixed_point"], label="corr(W, Q^-T): fixed point")
        ax.axhline(0.99, color="0.6", ls=":")
        ax.set(title="C  stability", xlabel="presentations")
        ax.legend(fontsize=7)
        ax = figure.add_subplot(grid[1, 2])
        final = max(int(key[2:]) for key in data.arrays if key.startswith("W_"))
        weights = data.arrays[f"W_{final}"].ravel()
        ax.hist(weights, bins=np.arange(weights.min(), weights.max() + 0.1, 0.1), color="0.3")
        ax.set(title="D  final weights", xlabel="w")
        ax = figure.add_subplot(grid[1, 3])
        ax.plot(history["presentation"], history["rate_lower"], label="lower")
        ax.plot(history["presentation"], history["rate_higher"], label="higher")
        ax.set(title="E  mean rate (Hz)", xlabel="presentations")
        ax.legend(fontsize=7)
        ax = figure.add_subplot(grid[1, 4])
        ax.plot(history["presentation"], history["spikes_lower"], label="lower spikes / neuron")
        ax.plot(history["presentation"], history["spikes_higher"], label="higher spikes / neuron")
        ax.plot(history["presentation"], history["pairs_top_down"], label="pairs / top-down synapse")
        ax.set(title="F  per presentation", xlabel="presentations", yscale="log")
        ax.set_ylim(top=ax.get_ylim()[1] * 10)  # a free decade on top for the legend
        ax.legend(fontsize=7, loc="upper left")
        outcome = data.tables["outcomes"].iloc[0]
        caption = outcome["caption_presentations"]
        caption = f"first met at N = {int(caption):,}" if np.isfinite(caption) else "never met"
        figure.suptitle(f"outcome: {outcome['outcome']} at N = {outcome['presentations']:,} (Methods' relative std "
                        f"criterion); caption's absolute criterion {caption}")
        figure.tight_layout()
    return figure
