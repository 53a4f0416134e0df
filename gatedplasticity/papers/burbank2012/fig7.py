"""Burbank & Kreiman 2012, Fig 7: external input to the higher layer as well.

The Fig 5 set-up (eps = 0.1, no smoothing, bounds +-20) where the higher
layer also receives external input, from its own correlation matrix, at
0.1x, 1x or 10x the lower layer's strength. The paper's full form is the 576
Table 1 combinations x 3 ratios (1,728 parameter sets, without the extra Q/C
combinations), several hundred CPU-hours here; so our full form is the
pre-registered stratified sample of it (``docs/burbank2012-calibration.md``,
"Fig 7 at full cap"): 4 points per rule type and ratio (48 runs), each to its
verdict or 625,000 presentations, trained as copies; the runs of its
committed per-run record (``docs/data/burbank2012-fig7-runs.csv`` of the
checkout one works in) are read, not trained (``python -m
gatedplasticity.papers.burbank2012.fig7 --export ...`` writes it).
``grid="full"``: all 1,728 runs (e.g. on a Dask cluster). ``--quick``: the
four rule types x 3 ratios at Table 1's last-column values, cap 150,000
presentations. Panel D: every run's lower-layer rate by outcome (the paper:
the few converged cSTDP or potentiation-biased runs are much less active
than the converged dep-rSTDP runs).
"""

from itertools import product
from pathlib import Path

import matplotlib.pyplot as plt

from ... import streams, sweep
from ...parameters import ParameterError
from ...results import Result
from ..figure import check, comparison, legend_outside, style
from . import landscape, training
from .fig5 import (FIXED, GRID, converged_fraction, finished_table, fractions, plot_outcomes, plot_rates_by_outcome,
                   read_note, record_main, run_grid, run_points)
from .sweeps import BURBANK_IF

PAPER = training.PAPER
DESCRIPTION = "Higher-layer external input at 0.1x, 1x, 10x: dep-rSTDP still converges (Fig 7)"
BACKENDS = ('standalone',)  # standalone only: training runs as one compiled program rerun per chunk (runtime would hold every chunk's inputs at once)
QUICK = True
#: Strength of the higher layer's external input relative to the lower layer's.
RATIOS = [0.1, 1.0, 10.0]
QUICK_GRID = {"rule": ["reverse", "classical"], "alpha": [0.9, 1.2]}
#: The paper's grid: Fig 5's without its extra Q and C (the package's q_seed and c_seed).
FULL_GRID = {k: v for k, v in GRID.items() if k not in ("q_seed", "c_seed")}
#: The pre-registered sample: points per (rule type, ratio) stratum, and its seed (also the runs' seed).
SAMPLE_PER_STRATUM, SAMPLE_SEED = 4, 20261205
COMMITTED_RUNS = Path("docs") / "data" / "burbank2012-fig7-runs.csv"
COPIES = 16


def stratified_sample(per_stratum, seed):
    """``per_stratum`` points of :data:`FULL_GRID` per rule type and ratio, each with its ``higher_input``:
    drawn without replacement (``landscape.draw_per_type``) from the ``"fig7 sample"`` stream of ``seed``,
    ratio by ratio in :data:`RATIOS` order."""
    rng = streams.generator(streams.check_seed(seed, "fig7 sample"), "fig7 sample")
    points = [dict(zip(FULL_GRID, values)) for values in product(*FULL_GRID.values())]
    return [{**point, "higher_input": ratio} for ratio in RATIOS
            for point in landscape.draw_per_type(points, per_stratum, rng)]


def simulate(seed=0, quick=False, backend="standalone", progress=True, scheduler=None, workers=None, grid="sample",
             finished="committed", run=True):
    """Fig 7's runs. Full form: ``grid="sample"`` the registered sample (seed 0: its seed 20261205; another
    seed draws another sample, and reads no record), ``finished`` the runs read, not trained
    (``fig5.finished_table``; by default the committed record), ``run=False`` trains nothing;
    ``grid="full"`` every one of the 1,728 runs."""
    fixed = {**FIXED, "max_presentations": training.cap(quick)}
    copies = None if scheduler or quick else COPIES
    params = {"ratios": RATIOS, "fixed": fixed}
    if quick or grid == "full":
        chosen = QUICK_GRID if quick else FULL_GRID
        runs = run_grid("burbank2012-fig7", {**chosen, "higher_input": RATIOS}, fixed, 1, quick, seed, progress,
                        scheduler, workers, run=run, copies=copies)
        params["grid"] = chosen
    elif grid == "sample":
        sample_seed = SAMPLE_SEED if seed == 0 else seed
        read, source = finished_table(finished if sample_seed == SAMPLE_SEED else None, COMMITTED_RUNS)
        rows = [{**point, **fixed} for point in stratified_sample(SAMPLE_PER_STRATUM, sample_seed)]
        runs = run_points("burbank2012-fig7-sample", sweep.points(BURBANK_IF, rows=rows, seed=sample_seed), quick,
                          sample_seed, progress, scheduler, workers, finished=read, run=run, copies=copies)
        params.update(sample=f"{SAMPLE_PER_STRATUM} points per rule type and ratio, seed {sample_seed}",
                      **{"read, not trained": read_note(runs, read, source)})
    else:
        raise ParameterError("grid", f"burbank2012-fig7: grid is 'sample' or 'full', got {grid!r}")
    tables = {"runs": runs}
    for ratio in RATIOS:
        tables[f"fractions_{ratio:g}x"] = fractions(runs[runs["higher_input"] == ratio] if len(runs) else runs)
    return Result(name="burbank2012-fig7", tables=tables, params=params)


def run_count(quick=False):
    """How many runs the (sample's) full or quick form has: 48 (12)."""
    return len(RATIOS) * (len(QUICK_GRID["rule"]) * len(QUICK_GRID["alpha"]) if quick
                          else SAMPLE_PER_STRATUM * len(landscape.RULE_TYPES))


def compare(data):
    """dep-rSTDP converges at 0.1x and 1x (each row says of how many runs)."""
    rows = []
    for ratio in (0.1, 1.0):
        table = data.tables[f"fractions_{ratio:g}x"]
        dep = int(table.loc[table["rule_type"] == "dep-rSTDP", "runs"].sum())
        rows.append(check(f"dep-rSTDP has converged runs at {ratio:g}x, of {dep} (1 = yes)", 1,
                          converged_fraction(table, "dep-rSTDP") > 0, 0))
    return comparison(rows)


def plot(data):
    runs = data.tables["runs"]
    with style():
        figure, axes = plt.subplots(1, 4, figsize=(16, 4))
        for ax, ratio, letter in zip(axes, RATIOS, "ABC"):
            plot_outcomes(ax, data.tables[f"fractions_{ratio:g}x"], f"{letter}  higher input {ratio:g}x")
        plot_rates_by_outcome(axes[3], runs, "lower", "D  lower-layer rate by outcome")
        legend_outside(figure, axes[0], loc="lower center", room=0.07)
    return figure


def main():
    record_main(simulate, compare, run_count(), "Fig 7 in full (its registered sample): train the runs its "
                                                "committed record lacks, and write the record")


if __name__ == "__main__":
    main()
