"""Burbank & Kreiman 2012, Fig 5: the parameter landscape of the integrate-and-fire network.

Every combination of Table 1's Fig 5 column (rule x alpha x delay x
tau_STDP x noise S x tau_syn x sigma_input x sigma_noise = 576) x 2 bottom-up
matrices Q x 2 input correlation matrices C x 3 repeats = 6,912 runs, each
trained until classified or 625,000 presentations (eps = 0.1, no
smoothing, bounds +-20). Each run is a point of the ``burbank-if`` sweep,
resumable. The full form runs the pre-registered held-out sample of that
grid (``landscape``: 25 points per rule type x 3 initial conditions, 300
runs, to the verdict or 625,000), the points of each structure as copies of
one compiled program; the runs the committed per-run table already holds
(``docs/data/burbank2012-landscape-sample.csv`` of the checkout one works in)
are read, not trained. ``grid="full"`` runs all 6,912, e.g. on a Dask cluster::

    gatedplasticity reproduce burbank2012-fig5            # the sample's missing runs, all local cores
    python -c "from gatedplasticity.figures import burbank2012_fig5 as f; \\
               f.simulate(grid='full', scheduler='tcp://HOST:8786')"    # the whole grid on a Dask cluster

``--quick`` is a reduced grid that runs on 2 cores in under an hour: rule x
alpha x S x tau_syn (24 runs; S and tau_syn set the firing regime), the
other parameters at one Table 1 value (d = 15 ms, tau_STDP = 20 ms,
sigma_input = sigma_noise = 100%), one Q, one C, one repeat, and a cap of
150,000 presentations instead of 625,000 (so "did not converge" there means
"not classified within 150,000"). The lost threshold and drive scales come
from the pre-registered calibration (``docs/burbank2012-calibration.md``):
this landscape is held-out validation, never tuned to.
"""

import argparse

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from brian2 import Hz, ms

from ... import sweep
from ...analysis.convergence import OUTCOMES, rule_type
from ...parameters import ParameterError
from ...results import Result, write_csv
from ..figure import check, check_bound, comparison, style
from . import landscape
from .landscape import FIXED, GRID, REPEATS, sweep_folder  # noqa: F401  (the grid lives with the landscape)
from .parameters import VALUES
from .sweeps import BURBANK_IF

PAPER = "Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393"
DESCRIPTION = "Landscape of the IF network over Table 1: only depression-biased rSTDP converges (Fig 5)"
BACKENDS = ('standalone',)  # standalone only: training runs as one compiled program rerun per chunk (runtime would hold every chunk's inputs at once)
QUICK = True
QUICK_GRID = {"rule": ["reverse", "classical"], "alpha": [0.9, 1.2, 3.0], "noise_rate": [1000 * Hz, 2000 * Hz],
              "tau_syn": [5 * ms, 15 * ms]}
QUICK_FIXED = {"delay": 15 * ms, "tau_stdp": 20 * ms, "sigma_input": 1.0, "sigma_noise": 1.0, "q_seed": 0,
               "c_seed": 10, "max_presentations": VALUES["quick_cap"]}
PUBLISHED_COUNTS = {"dep-rSTDP": 2298, "dep-cSTDP": 2304, "pot-rSTDP": 1148, "pot-cSTDP": 1152}
COLORS = {"converged": "#55a868", "extreme weights": "#c44e52", "weights too similar": "#4c72b0",
          "did not converge": "#8fbbd9"}


def run_grid(name, grid, fixed, repeats, quick, seed, progress, scheduler=None, workers=None, finished=None,
             run=True, copies=None):
    """Run the ``burbank-if`` points of ``grid`` x ``fixed`` through the sweep runner; one row per run.
    ``finished``: a table of runs labelled before (e.g. a committed record, ``sweep.run_sweep``): its runs are
    read, not trained; ``run=False``: train nothing, only gather what the folder and ``finished`` hold;
    ``copies``: train as copies of one program per program key (local only; each run checkpointed). A run
    is counted once (a point the folder holds from two package sources keeps its first row)."""
    points = sweep.points(BURBANK_IF, grid={**grid, **{k: [v] for k, v in fixed.items()}}, repeats=repeats, seed=seed)
    return run_points(name, points, quick, seed, progress, scheduler, workers, finished, run, copies)


def run_points(name, points, quick, seed, progress, scheduler=None, workers=None, finished=None, run=True, copies=None):
    """:func:`run_grid` for given ``burbank-if`` sweep points (e.g. a sample of a grid), in the folder of
    ``name``, ``quick`` and ``seed``."""
    folder = sweep_folder(name, quick, seed)
    table = (sweep.run_sweep(points, folder, executor=scheduler or "local", workers=workers, progress=progress,
                             copies=copies, finished=finished) if run
             else sweep.with_finished(sweep.Store(folder).table(), sweep.finished_rows(points, finished)))
    return labelled(table.drop_duplicates("point", ignore_index=True) if "point" in table else table, folder)


def labelled(table, folder):
    """A sweep table of landscape runs with rule type, outcome, the alignment of each run's final W with the
    fixed point Q^-T (``landscape.fixed_point_alignment``; it replaces the transposed ``corr_q_inverse`` of
    runs before 2026-12-04) and its agreement with its point's other initial conditions (both read from the
    runs' checkpoints in ``folder``; a row labelled before, without its checkpoint here, keeps its values)."""
    if table.empty:  # (nothing finished yet)
        return pd.DataFrame(columns=list(dict.fromkeys([*table.columns, "point", "rule_type", "outcome", "corr_fixed_point",
                                                        "corr_initial_conditions"])))

    def kept(name, measured):
        return table[name].where(table[name].notna(), measured) if name in table else measured

    return table.drop(columns=["corr_q_inverse"], errors="ignore").assign(
        rule_type=[rule_type(r, a) for r, a in zip(table["rule"], table["alpha"])],
        outcome=[OUTCOMES[int(code)] for code in table["outcome_code"]],
        corr_fixed_point=kept("corr_fixed_point", landscape.fixed_point_alignment(table, folder)),
        corr_initial_conditions=kept("corr_initial_conditions", landscape.initial_condition_agreement(table, folder)))


def simulate(seed=0, quick=False, backend="standalone", progress=True, scheduler=None, workers=None, grid="sample",
             copies=16, finished="committed"):
    """The landscape: one sweep point per run.

    Full form: ``grid="sample"`` (default) the pre-registered stratified sample (``landscape``: 25 grid
    points per rule type x 3 initial conditions, to the verdict or 625,000; seed 0 is the registered
    sample seed 20261203, another seed draws another sample), as copies of one program per structure,
    resumable; ``grid="full"`` all 6,912 runs (``scheduler``: a Dask address, one point per task).
    ``finished``: runs of the sample read instead of trained (:func:`finished_runs`; by default the
    committed per-run table ``docs/data/burbank2012-landscape-sample.csv`` of the checkout one works in,
    tens of CPU-hours of runs; None trains every run); the result's params say how many runs were read
    and from where.
    """
    if quick:
        runs = run_grid("burbank2012-fig5", QUICK_GRID, {**FIXED, **QUICK_FIXED}, 1, quick, seed, progress, scheduler,
                        workers)
        params = {"grid": QUICK_GRID, "fixed": {**FIXED, **QUICK_FIXED}, "repeats": 1}
    elif grid == "sample":
        sample_seed = landscape.SAMPLE_SEED if seed == 0 else seed
        committed, source = finished_runs(finished, sample_seed)
        if committed is not None:  # (its runs of the sample)
            committed = landscape.runs_of(landscape.sample_points(landscape.SAMPLE_PER_TYPE, sample_seed), committed)
            print(f"burbank2012-fig5: {len(committed)} runs read from {source}; the sample's other runs are trained "
                  "(or read from the cache)")
        runs = landscape.sample_runs(landscape.SAMPLE_PER_TYPE, sample_seed, committed, copies=copies, workers=workers,
                                     progress=progress)
        read = "none" if committed is None else f"{len(committed)} runs from {source}"
        params = {"sample": f"{landscape.SAMPLE_PER_TYPE} points per rule type, seed {sample_seed}", "fixed": FIXED,
                  "repeats": REPEATS, "read, not trained": read}
    elif grid == "full":
        runs = run_grid("burbank2012-fig5", GRID, FIXED, REPEATS, quick, seed, progress, scheduler, workers)
        params = {"grid": GRID, "fixed": FIXED, "repeats": REPEATS}
    else:
        raise ParameterError("grid", f"burbank2012-fig5: grid is 'sample' or 'full', got {grid!r}")
    return Result(name="burbank2012-fig5", tables={"runs": runs, "fractions": fractions(runs)}, params=params)


def finished_runs(finished, sample_seed):
    """The per-run table that ``simulate`` reads instead of training (and where from): ``"committed"`` the
    committed table of the registered sample in the checkout one works in (``landscape.committed_sample``;
    none outside a checkout), a CSV path, or None."""
    if finished == "committed" and sample_seed != landscape.SAMPLE_SEED:
        return None, None
    table, source = finished_table(finished, landscape.COMMITTED_SAMPLE)
    if table is None:
        return None, None
    missing = sorted(set(landscape.COLUMNS) - set(table.columns))
    if missing:
        raise ParameterError("finished", f"burbank2012-fig5: {finished} is not a per-run table (lacks {missing})")
    return table, source


def finished_table(finished, relative):
    """(table, where from) of the runs a figure reads instead of training: ``"committed"`` the table committed
    at ``relative`` in the checkout one works in (``landscape.committed_file``; none outside a checkout or
    before a first record), a CSV path, or None (train every run)."""
    if finished == "committed":
        finished = landscape.committed_file(relative)
    return (None, "none") if finished is None else (pd.read_csv(finished, dtype={"point": str}), str(finished))


def read_note(runs, read, source):
    """The result's "read, not trained" entry: how many of ``runs`` come from ``read`` (``finished_table``), and
    from where."""
    held = 0 if read is None else int(runs["point"].isin(read["point"]).sum())
    return f"{held} runs from {source}" if held else "none"


def record_main(simulate, compare, run_count, description):
    """The command line of a full form trained into a committed per-run record (Figs 6, 7): train the runs
    its record lacks (``--workers``; ``--no-run``: gather what has finished), write every finished run
    (``--export PATH``) and print the comparison."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-run", action="store_true", help="train nothing: gather what has finished")
    parser.add_argument("--export", default=None, help="write the per-run table (CSV) of every finished run")
    args = parser.parse_args()
    data = simulate(workers=args.workers, run=not args.no_run)
    runs = data.tables["runs"]
    if args.export:
        write_csv(args.export, runs, "%.6g")
    print(f"{len(runs)} of {run_count} runs finished (read, not trained: {data.params['read, not trained']})")
    print(compare(data).to_string(index=False))


def fractions(runs):
    """Fraction of runs per (rule type, outcome), with the number of runs per rule type."""
    counts = runs.groupby(["rule_type", "outcome"]).size().unstack(fill_value=0).reindex(columns=OUTCOMES, fill_value=0)
    table = counts.div(counts.sum(axis=1), axis=0)
    return table.assign(runs=counts.sum(axis=1)).reset_index()


def converged_fraction(fraction_table, label):
    rows = fraction_table[fraction_table["rule_type"] == label]
    return float(rows["converged"].iloc[0]) if len(rows) else float("nan")


def compare(data):
    """dep-rSTDP > 90% converged; no run of the other three rule types converged (each row says of how
    many runs: a sample still running has fewer)."""
    table = data.tables["fractions"]
    runs = dict(zip(table["rule_type"], table["runs"]))
    rows = [check_bound(f"dep-rSTDP: fraction converged of {runs.get('dep-rSTDP', 0)} runs (paper > 0.9)", 0.9,
                        converged_fraction(table, "dep-rSTDP"), 0.9, upper=False)]
    for label in ("dep-cSTDP", "pot-rSTDP", "pot-cSTDP"):
        rows.append(check(f"{label}: fraction converged of {runs.get(label, 0)} runs (paper 0)", 0.0,
                          converged_fraction(table, label), 0.0))
    return comparison(rows)


def plot_outcomes(ax, table, title):
    """Stacked bars of outcome fractions per rule type (the format of Figs 5-7)."""
    labels = [label for label in ("dep-rSTDP", "pot-rSTDP", "dep-cSTDP", "pot-cSTDP") if label in set(table["rule_type"])]
    table = table.set_index("rule_type").loc[labels]
    bottom = np.zeros(len(labels))
    for outcome in OUTCOMES:
        ax.bar(labels, table[outcome], bottom=bottom, color=COLORS[outcome], label=outcome)
        bottom += table[outcome].to_numpy()
    for k, runs in enumerate(table["runs"]):
        ax.text(k, 1.01, f"n={runs}", ha="center", va="bottom", fontsize=7)
    ax.set(ylim=(0, 1.1), ylabel="fraction of runs", title=title)


#: Floor of the rate-by-outcome panels' log axis (Hz): silent runs are drawn here.
RATE_FLOOR = 1e-3


def plot_rates_by_outcome(ax, runs, layer, title):
    """Every run's rate of ``layer`` ("lower" or "higher"; Hz, log axis) by outcome, reverse vs classical
    rules on W (Fig 7 D; the paper: runs that converge with nearly silent layers are trivial fixed points)."""
    for rule, color, shift in (("reverse", "#4c72b0", -0.12), ("classical", "#c44e52", 0.12)):
        rows = runs[runs["rule"] == rule]
        x = [OUTCOMES.index(outcome) + shift for outcome in rows["outcome"]]
        ax.plot(x, np.maximum(rows[f"rate_{layer}"], RATE_FLOOR), "o", ms=3.5, alpha=0.7, color=color,
                label=f"{rule} (n={len(rows)})")
    ax.set_yscale("log")
    ax.set_xticks(range(len(OUTCOMES)), [outcome.replace(" ", "\n") for outcome in OUTCOMES], fontsize=7)
    ax.set(title=title, ylabel=f"Hz (silent drawn at {RATE_FLOOR:g})",
           xlim=(-0.5, len(OUTCOMES) - 0.5))
    ax.legend(fontsize=7)


def plot(data):
    """A: outcome fractions per rule type; B: final std(W) vs lower-layer activity per run; C: the two stability
    measures of each run's end (agreement across initial conditions vs the Methods' corr over 3,000)."""
    runs = data.tables["runs"]
    with style():
        figure, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 4))
        plot_outcomes(left, data.tables["fractions"], "A  outcome per rule type")
        left.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        for outcome, group in runs.groupby("outcome"):
            middle.scatter(group["spikes_lower"], group["std_w"], s=12, color=COLORS[outcome], label=outcome)
        middle.set(xlabel="lower-layer spikes per neuron per presentation, last chunk", ylabel="final std(W)",
                   title="B  runs")
        plot_stability(right, runs)
        figure.tight_layout()
    return figure


def plot_stability(ax, runs):
    """The end of each run not stopped by extreme weights: agreement of its final W with its point's
    other initial conditions (x) against corr(W(N), W(N - 3000)) (y; the Methods ask > 0.99).
    Marker: rule type; colour: outcome."""
    markers = {"dep-rSTDP": "o", "pot-rSTDP": "s", "dep-cSTDP": "^", "pot-cSTDP": "v"}
    runs = runs[runs["outcome"] != "extreme weights"]
    column = runs["corr_initial_conditions"] if "corr_initial_conditions" in runs else np.full(len(runs), np.nan)
    if np.isnan(np.asarray(column, float)).all():
        ax.text(0.5, 0.5, "no point with two initial conditions\nthat ended without extreme weights", ha="center", va="center",
                transform=ax.transAxes)
    else:
        for (label, outcome), group in runs.groupby(["rule_type", "outcome"]):
            ax.scatter(group["corr_initial_conditions"], group["corr_lag"], s=14, color=COLORS[outcome],
                       marker=markers[label], label=f"{label}, {outcome}")
        ax.axhline(0.99, color="k", lw=0.8, ls="--")
        ax.legend(fontsize=7, loc="lower right")
    ax.set(xlabel="agreement across initial conditions", ylabel="corr(W(N), W(N - 3000))",
           title="C  stability at the end (runs without extreme weights)")
