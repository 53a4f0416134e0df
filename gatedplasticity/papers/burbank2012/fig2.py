"""Burbank & Kreiman 2012, Fig 2: depression-biased rSTDP in the linear model converges to Q^-1 / alpha.

20 lower and 20 higher linear units, Q from the paper's recipe (smoothed,
eps = 0.1), alpha = 3, W from N(0, 0.01) [R]; one input s ~ U[0, 1]^20 per
presentation, propagated L_1 -> H_2 -> L_3 [R], pair STDP update
(``models.linear``), mu = MU [R: not recovered; it sets the time scale
only]. Beside the paper's example run the other three rule types
(classical alpha = 3, reverse and classical alpha = 1/3) run on the same Q
and inputs: they must end with an eigenvalue of WQ above 1. ``--quick`` is
the same (the model is cheap).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import streams
from ...models import linear
from ...protocols.linear import train
from ...results import Result
from ..figure import check, check_bound, comparison, style

PAPER = "Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393"
DESCRIPTION = "Linear model, 20 x 20: dep-rSTDP converges to W = Q^-1/alpha; the other rules grow strong loops (Fig 2)"
BACKENDS = ('numpy',)  # plain NumPy: the linear model uses no Brian2
QUICK = False  # --quick runs the same (already small) configuration
N = 20
EPS = 0.1
ALPHA = 3.0  # [P]
MU = 3e-4  # [R]
PRESENTATIONS = 20_000
RULE_TYPES = {"dep-rSTDP": ("reverse", ALPHA), "dep-cSTDP": ("classical", ALPHA),
              "pot-rSTDP": ("reverse", 1 / ALPHA), "pot-cSTDP": ("classical", 1 / ALPHA)}
PUBLISHED_PRESENTATIONS = 2005  # converged after ~2005 presentations [P]


def simulate(seed=0, quick=False, backend="numpy", progress=True):
    """Train every rule type on one Q; keep W snapshots of the dep-rSTDP run."""
    q = linear.q_matrix(N, EPS, seed=streams.integer(seed, "Q"), smooth=True)
    histories, outcomes, arrays = [], [], {"Q": q}
    for label, (rule, alpha) in RULE_TYPES.items():
        history, snapshots, outcome = train(q, rule, alpha, MU, PRESENTATIONS, streams.integer(seed, "training"), snapshot_at=(200, 1000))
        histories.append(history.assign(rule_type=label))
        outcomes.append({"rule_type": label, "rule": rule, "alpha": alpha, "outcome": outcome,
                         "presentations": int(history["presentation"].iloc[-1]),
                         "final_max_eig": history["max_eig"].iloc[-1], "final_corr": history["corr_fixed_point"].iloc[-1]})
        if label == "dep-rSTDP":
            arrays.update({f"W_{k}": w for k, w in snapshots.items()})
            arrays["eigenvalues"] = np.linalg.eigvals(snapshots[max(snapshots)] @ q)
    return Result(
        name="burbank2012-fig2",
        tables={"history": pd.concat(histories, ignore_index=True), "outcomes": pd.DataFrame(outcomes)},
        arrays=arrays,
        params={"n": N, "eps": EPS, "alpha": ALPHA, "mu": MU, "presentations": PRESENTATIONS, "rule_types": RULE_TYPES},
    )


def compare(data):
    """dep-rSTDP converged with corr(W, Q^-1) > 0.95 and max eig(WQ) = 1/alpha; the others exceed 1."""
    outcomes = data.tables["outcomes"].set_index("rule_type")
    main = outcomes.loc["dep-rSTDP"]
    rows = [
        check("dep-rSTDP classified converged (1 = yes)", 1, main["outcome"] == "converged", 0),
        check_bound("dep-rSTDP corr(W, Q^-1) at the end (pass if > 0.95)", 1.0, main["final_corr"], 0.95, upper=False),
        check("dep-rSTDP max |eig(WQ)| at the end (= 1/alpha)", 1 / ALPHA, main["final_max_eig"], 0.01),
        check("presentations to convergence (paper ~2005; mu is [R], so +-50%)", PUBLISHED_PRESENTATIONS,
              main["presentations"], 0.5 * PUBLISHED_PRESENTATIONS),
    ]
    for label in ("dep-cSTDP", "pot-rSTDP", "pot-cSTDP"):
        rows.append(check_bound(f"{label}: max |eig(WQ)| at the end (pass if > 1: extreme weights)", float("nan"),
                                outcomes.loc[label, "final_max_eig"], 1.0, upper=False))
    return comparison(rows)


def plot(data):
    """A: W snapshots; B: mean |dW|; C: std(W); D: corr(W, Q^-1/alpha); E: eigenvalues of WQ at the end."""
    history = data.tables["history"]
    main = history[history["rule_type"] == "dep-rSTDP"]
    snapshots = sorted(int(key[2:]) for key in data.arrays if key.startswith("W_"))
    with style():
        figure = plt.figure(figsize=(14, 5.5))
        grid = figure.add_gridspec(2, 6)
        for k, presentation in enumerate((snapshots[0], snapshots[1], snapshots[-1])):
            ax = figure.add_subplot(grid[0, 2 * k:2 * k + 2])
            ax.imshow(data.arrays[f"W_{presentation}"], cmap="RdBu_r")
            ax.set(title=f"A  W after {presentation} presentations", xticks=[], yticks=[])
        panels = (("mean_abs_dw", "B  mean |dW|", "log"), ("std_w", "C  std(W)", "linear"),
                  ("corr_fixed_point", "D  corr(W, Q^-1 / alpha)", "linear"))
        for k, (column, title, scale) in enumerate(panels):
            ax = figure.add_subplot(grid[1, k * 3 // 2: k * 3 // 2 + 1 + (k == 1)])
            ax.plot(main["presentation"], main[column], color="#4c72b0")
            ax.set(title=title, xlabel="presentations", yscale=scale)
        ax = figure.add_subplot(grid[1, 4:])
        eig = data.arrays["eigenvalues"]
        circle = np.linspace(0, 2 * np.pi, 200)
        ax.plot(np.cos(circle), np.sin(circle), color="0.7", lw=0.8, label="|z| = 1")
        ax.plot(np.cos(circle) / ALPHA, np.sin(circle) / ALPHA, color="#c44e52", lw=0.8, ls="--", label="|z| = 1/alpha")
        ax.plot(eig.real, eig.imag, "o", color="k", ms=3, label="eig(WQ), end")
        ax.set(aspect="equal", title="E  eigenvalues of WQ", xlim=(-1.2, 1.2), ylim=(-1.2, 1.2))
        ax.legend(loc="upper right", fontsize=7)
        figure.tight_layout()
    return figure
