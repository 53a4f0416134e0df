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
capable): 148 runs, tens of CPU-hours, more than a session of two cores, so
the full form reads the runs of its committed per-run record
(``docs/data/burbank2012-fig6-runs.csv`` of the checkout one works in) and
trains only the others; ``python -m gatedplasticity.papers.burbank2012.fig6
--export docs/data/burbank2012-fig6-runs.csv`` trains them and writes the
record (``--no-run``: only gather what has finished). ``--quick``: F in {20, 80} with gamma = 1; multiplicative; Q by
dep-rSTDP or dep-cSTDP with zeta = 1; cap 150,000 presentations. Panel D:
the concurrent-Q runs' higher-layer rate by outcome.
"""

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from brian2 import Hz

from ...results import Result
from ..figure import check, comparison, legend_outside, style
from . import training
from .fig5 import (converged_fraction, finished_table, fractions, plot_outcomes, plot_rates_by_outcome, read_note,
                   record_main, run_grid)

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
#: Runs of one program key share a program (locally); Fig 6's keys differ, so this buys each run the per-copy
#: normal draws and a checkpoint (``protocols.top_down.batch``).
COPIES = 16
#: Where a checkout keeps the per-run record of the full form (not shipped in the package).
COMMITTED_RUNS = Path("docs") / "data" / "burbank2012-fig6-runs.csv"


def simulate(seed=0, quick=False, backend="standalone", progress=True, scheduler=None, workers=None,
             finished="committed", run=True):
    """Every mechanism's runs. Full form: ``finished`` the runs read, not trained (``fig5.finished_table``;
    by default the committed record); ``run=False`` trains nothing (what has finished). The result's
    ``runs`` table holds every run with its mechanism (the record's format)."""
    read, source = finished_table(None if quick else finished, COMMITTED_RUNS)
    tables, fixed = {}, {**FIXED, "max_presentations": training.cap(quick)}
    for mechanism, (grid, quick_grid) in MECHANISMS.items():
        name = f"burbank2012-fig6-{mechanism.replace(' ', '-')}"
        runs = run_grid(name, {**RULES, **(quick_grid if quick else grid)}, fixed, 1, quick, seed, progress,
                        scheduler, workers, finished=read, run=run, copies=None if scheduler else COPIES)
        tables[f"runs_{mechanism}"] = runs.assign(mechanism=mechanism)
        tables[f"fractions_{mechanism}"] = fractions(runs)
    every = pd.concat([tables[f"runs_{mechanism}"] for mechanism in MECHANISMS], ignore_index=True)
    return Result(name="burbank2012-fig6", tables={"runs": every, **{k.replace(" ", "_"): v for k, v in tables.items()}},
                  params={"mechanisms": {m: (q if quick else g) for m, (g, q) in MECHANISMS.items()}, "fixed": fixed,
                          "read, not trained": read_note(every, read, source)})


def run_count(quick=False):
    """How many runs the full (or quick) form has: 148 (20)."""
    return sum(math.prod(len(values) for values in {**RULES, **(quick_grid if quick else grid)}.values())
               for grid, quick_grid in MECHANISMS.values())


def pooled_fraction(fraction_table, outcome):
    """The fraction of all the table's runs (its rule types together) that ended in ``outcome`` (NaN without
    runs: a record still being trained)."""
    runs = fraction_table["runs"].sum()
    return (fraction_table[outcome] * fraction_table["runs"]).sum() / runs if runs else float("nan")


def compare(data):
    """Homeostasis and concurrent Q: converged runs only with dep-rSTDP; multiplicative: always too similar.
    Each row says of how many runs (a record still being trained has fewer)."""
    rows = []
    for mechanism in ("homeostasis", "concurrent_Q"):
        table = data.tables[f"fractions_{mechanism}"]
        dep = int(table.loc[table["rule_type"] == "dep-rSTDP", "runs"].sum())
        rows.append(check(f"{mechanism}: dep-rSTDP has converged runs, of {dep} (1 = yes)", 1,
                          converged_fraction(table, "dep-rSTDP") > 0, 0))
        others = table[table["rule_type"].isin(("pot-rSTDP", "dep-cSTDP", "pot-cSTDP"))]
        rows.append(check(f"{mechanism}: converged fraction of the other rule types' {int(others['runs'].sum())} runs "
                          "(paper 0)", 0, pooled_fraction(others, "converged"), 0))
    table = data.tables["fractions_multiplicative"]
    rows.append(check(f"multiplicative: fraction 'weights too similar', all rule types' {int(table['runs'].sum())} "
                      "runs (paper 1)", 1.0, pooled_fraction(table, "weights too similar"), 0))
    return comparison(rows)


def plot(data):
    """A-C: outcome fractions per rule type and mechanism; D: the concurrent-Q runs' higher-layer rate by
    outcome (runs whose higher layer fell silent end with W frozen, not settled)."""
    with style():
        figure, axes = plt.subplots(1, 4, figsize=(18, 4))
        for ax, mechanism, letter in zip(axes, ("homeostasis", "multiplicative", "concurrent_Q"), "ABC"):
            plot_outcomes(ax, data.tables[f"fractions_{mechanism}"], f"{letter}  {mechanism.replace('_', ' ')}")
        plot_rates_by_outcome(axes[3], data.tables["runs_concurrent_Q"], "higher", "D  concurrent Q: higher-layer rate")
        legend_outside(figure, axes[0], loc="lower center", room=0.07)
    return figure


def main():
    record_main(simulate, compare, run_count(), "Fig 6 in full: train the runs its committed record lacks, and "
                                                "write the record")


if __name__ == "__main__":
    main()
