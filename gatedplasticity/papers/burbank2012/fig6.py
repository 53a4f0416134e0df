"""Burbank & Kreiman 2012, Fig 6: homeostatic scaling, multiplicative STDP and concurrent plasticity of Q.

The integrate-and-fire network (Table 1's last column, eps = 0.1, no
smoothing, bounds +-50) with each of the four rule types on W and

- homeostatic synaptic scaling every 30 presentations toward F (Hz) with
  rate gamma (``protocols.top_down``);
- multiplicative STDP, Wmax = 50 (``rules.stdp``, ``multiplicative=True``);
- concurrent plasticity of Q by its own rule (dep/pot rSTDP/cSTDP) at
  relative rate zeta.

Full: F in {20, 80, 120} x gamma in {0.1, 1, 10, 100}; Wmax 50; Q rule
types x zeta in {-10, -1, -0.1, 0.1, 1, 10}, each run until classified or
625,000 presentations, through the ``burbank-if`` sweep (resumable, Dask
capable). ``--quick``: F in {20, 80} with gamma = 1; multiplicative; Q by
dep-rSTDP or dep-cSTDP with zeta = 1; cap 150,000 presentations.
"""

import matplotlib.pyplot as plt
from brian2 import Hz

from ...results import Result
from ..figure import check, comparison, style
from . import training
from .fig5 import converged_fraction, fractions, plot_outcomes, run_grid

PAPER = training.PAPER
DESCRIPTION = "Homeostasis, multiplicative STDP, concurrent Q plasticity: still only dep-rSTDP converges (Fig 6)"
BACKENDS = ('standalone',)  # standalone only: training runs as one compiled program rerun per chunk (runtime would hold every chunk's inputs at once)
QUICK = True
RULES = {"rule": ["reverse", "classical"], "alpha": [0.9, 1.2]}
FIXED = {"eps": 0.1, "smooth": False, "w_bound": 50.0}
MECHANISMS = {
    "homeostasis": ({"homeostasis": [True], "target_rate": [20 * Hz, 80 * Hz, 120 * Hz], "gamma": [0.1, 1.0, 10.0, 100.0]},
                    {"homeostasis": [True], "target_rate": [20 * Hz, 80 * Hz], "gamma": [1.0]}),
    "multiplicative": ({"multiplicative": [True]}, {"multiplicative": [True]}),
    "concurrent Q": ({"bottom_up_rule": ["reverse", "classical"], "alpha_q": [0.9, 1.2],
                      "zeta": [-10.0, -1.0, -0.1, 0.1, 1.0, 10.0]},
                     {"bottom_up_rule": ["reverse", "classical"], "alpha_q": [1.2], "zeta": [1.0]}),
}


def simulate(seed=0, quick=False, backend="standalone", progress=True, scheduler=None, workers=None):
    tables, fixed = {}, {**FIXED, "max_presentations": training.cap(quick)}
    for mechanism, (grid, quick_grid) in MECHANISMS.items():
        name = f"burbank2012-fig6-{mechanism.replace(' ', '-')}"
        runs = run_grid(name, {**RULES, **(quick_grid if quick else grid)}, fixed, 1, quick, seed, progress,
                        scheduler, workers)
        tables[f"runs_{mechanism}"] = runs
        tables[f"fractions_{mechanism}"] = fractions(runs)
    return Result(name="burbank2012-fig6", tables={k.replace(" ", "_"): v for k, v in tables.items()},
                  params={"mechanisms": {m: (q if quick else g) for m, (g, q) in MECHANISMS.items()}, "fixed": fixed})


def pooled_fraction(fraction_table, outcome):
    """The fraction of all the table's runs (its rule types together) that ended in ``outcome``."""
    return (fraction_table[outcome] * fraction_table["runs"]).sum() / fraction_table["runs"].sum()


def compare(data):
    """Homeostasis and concurrent Q: converged runs only with dep-rSTDP; multiplicative: always too similar."""
    rows = []
    for mechanism in ("homeostasis", "concurrent_Q"):
        table = data.tables[f"fractions_{mechanism}"]
        rows.append(check(f"{mechanism}: dep-rSTDP has converged runs (1 = yes)", 1,
                          converged_fraction(table, "dep-rSTDP") > 0, 0))
        others = table[table["rule_type"].isin(("pot-rSTDP", "dep-cSTDP", "pot-cSTDP"))]
        rows.append(check(f"{mechanism}: converged fraction of the other rule types' runs (paper 0)", 0,
                          pooled_fraction(others, "converged"), 0))
    table = data.tables["fractions_multiplicative"]
    rows.append(check("multiplicative: fraction 'weights too similar', all rule types (paper 1)", 1.0,
                      pooled_fraction(table, "weights too similar"), 0))
    return comparison(rows)


def plot(data):
    with style():
        figure, axes = plt.subplots(1, 3, figsize=(14, 4))
        for ax, mechanism in zip(axes, ("homeostasis", "multiplicative", "concurrent_Q")):
            plot_outcomes(ax, data.tables[f"fractions_{mechanism}"], mechanism.replace("_", " "))
        axes[-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        figure.tight_layout()
    return figure
