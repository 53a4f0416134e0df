"""Burbank & Kreiman 2012, Fig 7: external input to the higher layer as well.

The Fig 5 set-up (eps = 0.1, no smoothing, bounds +-20) where the higher
layer also receives external input, from its own correlation matrix, at
0.1x, 1x or 10x the lower layer's strength. Full: the 576 Table 1
combinations x 3 ratios (the paper ran 1,728 parameter sets, without the
extra Q/C combinations). ``--quick``: the four rule types x 3 ratios at
Table 1's last-column values, cap 150,000 presentations. Panel D: mean rates
of the converged runs (the paper: cSTDP's few converged runs are nearly
silent).
"""

import matplotlib.pyplot as plt
import numpy as np

from ...results import Result
from ..figure import check, comparison, legend_outside, style
from . import training
from .fig5 import FIXED, GRID, converged_fraction, fractions, plot_outcomes, run_grid

PAPER = training.PAPER
DESCRIPTION = "Higher-layer external input at 0.1x, 1x, 10x: dep-rSTDP still converges (Fig 7)"
BACKENDS = ('standalone',)  # standalone only: training runs as one compiled program rerun per chunk (runtime would hold every chunk's inputs at once)
QUICK = True
RATIOS = [0.1, 1.0, 10.0]
QUICK_GRID = {"rule": ["reverse", "classical"], "alpha": [0.9, 1.2]}


def simulate(seed=0, quick=False, backend="standalone", progress=True, scheduler=None, workers=None):
    grid = QUICK_GRID if quick else {k: v for k, v in GRID.items() if k not in ("q_seed", "c_seed")}
    fixed = {**FIXED, "max_presentations": training.cap(quick)}
    runs = run_grid("burbank2012-fig7", {**grid, "higher_input": RATIOS}, fixed, 1, quick, seed, progress,
                    scheduler, workers)
    tables = {"runs": runs}
    for ratio in RATIOS:
        tables[f"fractions_{ratio:g}x"] = fractions(runs[runs["higher_input"] == ratio])
    return Result(name="burbank2012-fig7", tables=tables, params={"grid": grid, "ratios": RATIOS, "fixed": fixed})


def compare(data):
    """dep-rSTDP converges at 0.1x and 1x."""
    return comparison([check(f"dep-rSTDP has converged runs at {ratio:g}x (1 = yes)", 1,
                             converged_fraction(data.tables[f"fractions_{ratio:g}x"], "dep-rSTDP") > 0, 0)
                       for ratio in (0.1, 1.0)])


def plot(data):
    runs = data.tables["runs"]
    with style():
        figure, axes = plt.subplots(1, 4, figsize=(16, 4))
        for ax, ratio, letter in zip(axes, RATIOS, "ABC"):
            plot_outcomes(ax, data.tables[f"fractions_{ratio:g}x"], f"{letter}  higher input {ratio:g}x")
        converged = runs[runs["outcome"] == "converged"]
        for rule, color in (("reverse", "0.6"), ("classical", "0.1")):
            rates = converged[converged["rule"] == rule]["rate_lower"]
            if len(rates):
                axes[3].hist(rates, bins=np.linspace(0, max(1.0, runs["rate_lower"].max()), 20), color=color,
                             alpha=0.7, label=f"{rule} (n={len(rates)})")
        axes[3].set(title="D  converged runs: lower rate", xlabel="Hz", ylabel="runs")
        if len(converged):
            axes[3].legend(fontsize=7)
        else:
            axes[3].text(0.5, 0.5, f"no run converged\n(of {len(runs)} runs)", transform=axes[3].transAxes,
                         ha="center", va="center")
        legend_outside(figure, axes[0], loc="lower center", room=0.07)
    return figure
