"""The Table 1 landscape of Burbank & Kreiman 2012 (Fig 5): its grid, a stratified sample of it, and runs of it.

The grid is Fig 5's (``GRID``): rule x alpha x delay x tau_STDP x noise S
x tau_syn x sigma_input x sigma_noise (576) x 2 Q x 2 C, each run with three
initial conditions (independent seeds: initial W, inputs, noise), eps = 0.1
without smoothing, bounds +-20, to its verdict or 625,000 presentations.

:func:`stratified_sample` draws the same number of grid points from each rule
type (dep-/pot- x rSTDP/cSTDP) without replacement, from the ``"landscape
sample"`` stream of a seed; :func:`sample_runs` trains them as copies of one
program per (rule, delay, tau_syn, tau_STDP) through the ``burbank-if`` sweep
(resumable; each run written as it ends); :func:`sample_table` is the per-run
table committed as ``docs/data/burbank2012-landscape-sample.csv``, with the
stability diagnostics of each run's end: corr(W(N), W(N - 3000)) (the Methods'
test, > 0.99), the alignment of its final W with the rSTDP fixed point Q^-T
(:func:`fixed_point_alignment`) and the agreement of its final W with the other
initial conditions of its point (:func:`initial_condition_agreement`); the last
two read from the runs' checkpoints. The committed table is the durable record
of the finished runs (sweep folders live in a cache that a new machine lacks):
``--continue-from`` runs only the sample's runs it does not hold
(:func:`remaining_points`) and the export keeps its rows.
"""

import argparse
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import Hz, ms

from ... import streams, sweep
from ...analysis.convergence import OUTCOMES, agreement, rule_type
from ...backends import cache_root
from ...analysis.loop_gain import fixed_point_correlation
from ...protocols.top_down import load_snapshots
from ...results import write_csv
from .parameters import VALUES
from .sweeps import BURBANK_IF, checkpoint_path, network_inputs

#: Fig 5's fixed values (eps = 0.1 without smoothing, bounds +-20), its grid and its initial conditions per point.
FIXED = {"eps": 0.1, "smooth": False, "w_bound": 20.0}
GRID = {
    "rule": ["reverse", "classical"], "alpha": [0.9, 1.2, 3.0], "delay": [1 * ms, 15 * ms],
    "tau_stdp": [5 * ms, 10 * ms, 20 * ms], "noise_rate": [1000 * Hz, 2000 * Hz], "tau_syn": [5 * ms, 15 * ms],
    "sigma_input": [1.0, 2.0], "sigma_noise": [1.0, 2.0], "q_seed": [0, 1], "c_seed": [10, 11],
}
REPEATS = 3
#: The four rule types (``analysis.convergence.rule_type``), in the order samples are drawn.
RULE_TYPES = ("dep-rSTDP", "dep-cSTDP", "pot-rSTDP", "pot-cSTDP")
#: The pre-registered held-out sample (docs/burbank2012-calibration.md, third calibration).
SAMPLE_PER_TYPE, SAMPLE_SEED = 25, 20261203
DIAGNOSTICS = ["corr_lag", "corr_fixed_point", "corr_initial_conditions"]
#: Columns of the committed per-run table: Table 1 values (ms, Hz), Q and C, seed, outcome, verdict, activity,
#: stability diagnostics at the end.
COLUMNS = ["rule_type", "rule", "alpha", "delay_ms", "tau_stdp_ms", "noise_rate_hz", "tau_syn_ms", "sigma_input",
           "sigma_noise", "q_seed", "c_seed", "seed", "outcome", "presentations", "std_w", "fraction_extreme",
           "spikes_lower", "spikes_higher", *DIAGNOSTICS]


def sweep_folder(name, quick, seed):
    """The cache folder of a landscape sweep."""
    return cache_root() / "sweeps" / f"{name}-{'quick' if quick else 'full'}-seed{seed}"


def grid_points():
    """Every point of Fig 5's grid (without repeats), as {name: value} in grid order."""
    return [dict(zip(GRID, values)) for values in product(*GRID.values())]


def stratified_sample(per_type, seed):
    """``per_type`` grid points of each rule type, drawn without replacement (``"landscape sample"`` stream)."""
    rng = streams.generator(streams.check_seed(seed, "landscape sample"), "landscape sample")
    return draw_per_type(grid_points(), per_type, rng)


def draw_per_type(points, per_type, rng):
    """``per_type`` of ``points`` of each rule type (:data:`RULE_TYPES` order), drawn without replacement by
    ``rng``; each type's points keep their order in ``points``."""
    sample = []
    for label in RULE_TYPES:
        members = [point for point in points if rule_type(point["rule"], point["alpha"]) == label]
        if not 0 < per_type <= len(members):
            raise ValueError(f"per_type must lie in 1..{len(members)}, got {per_type}")
        sample += [members[k] for k in np.sort(rng.choice(len(members), per_type, replace=False))]
    return sample


def sample_points(per_type, seed, max_presentations=VALUES["max_presentations"]):
    """The ``burbank-if`` sweep points of the sample: each grid point x ``REPEATS`` initial conditions."""
    rows = [{**point, **FIXED, "max_presentations": max_presentations} for point in stratified_sample(per_type, seed)]
    return sweep.points(BURBANK_IF, rows=rows, repeats=REPEATS, seed=seed)


#: Where a checkout keeps the committed per-run table of the registered sample (not shipped in the package).
COMMITTED_SAMPLE = Path("docs") / "data" / "burbank2012-landscape-sample.csv"


def committed_file(relative):
    """The path of a committed file (``relative`` to a checkout's root) in the checkout that holds the working
    folder (or, for an editable install, the package); None outside a checkout or where it lacks the file."""
    roots = [Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[3]]
    return next((root / relative for root in roots if (root / relative).is_file()), None)


def committed_sample():
    """The committed per-run table of the registered sample (:func:`committed_file`)."""
    return committed_file(COMMITTED_SAMPLE)


def sample_folder(per_type, seed):
    return sweep_folder(f"burbank2012-landscape-sample-{per_type}", False, seed)


def sample_runs(per_type, seed, finished=None, run_remaining=True, copies=16, workers=None,
                max_presentations=VALUES["max_presentations"], progress=True):
    """The per-run table (:data:`COLUMNS`) of the sample: the rows of ``finished`` (a per-run table, e.g. the
    committed one, or None; its runs outside the sample are left out), then those of the runs finished in the
    sample's folder, after training the sample's runs that neither holds (``run_remaining``; resumable)."""
    folder = sample_folder(per_type, seed)
    todo = sample_points(per_type, seed, max_presentations)
    if finished is not None:
        finished = runs_of(todo, finished)
        todo = remaining_points(todo, finished)
    table = (sweep.run_sweep(todo, folder, copies=copies, workers=workers, progress=progress)
             if run_remaining and todo else sweep.Store(folder).table())  # either: every run finished in the folder
    runs = sample_table(table, folder) if len(table) else pd.DataFrame(columns=COLUMNS)
    return runs if finished is None else with_finished(finished, runs)


#: A run's identity in a per-run table (:data:`COLUMNS` units: ms, Hz): its grid values and seed.
IDENTITY = ["rule", "alpha", "delay_ms", "tau_stdp_ms", "noise_rate_hz", "tau_syn_ms", "sigma_input", "sigma_noise",
            "q_seed", "c_seed", "seed"]


def identity(values, seed):
    """The :data:`IDENTITY` of a sweep point's values (SI quantities) and seed, as a tuple."""
    scaled = {**values, "delay_ms": values["delay"] / ms, "tau_stdp_ms": values["tau_stdp"] / ms,
              "noise_rate_hz": values["noise_rate"] / Hz, "tau_syn_ms": values["tau_syn"] / ms, "seed": seed}
    return row_identity(scaled)


def row_identity(values):
    """The :data:`IDENTITY` of a per-run table's row (a dict), as a tuple."""
    return tuple(values["rule"] if name == "rule" else int(values["seed"]) if name == "seed"
                 else round(float(values[name]), 6) for name in IDENTITY)


def remaining_points(sweep_points, finished):
    """The sweep points whose run is not a row of ``finished`` (a per-run table, e.g. the committed export)."""
    held = {row_identity(row) for row in finished[IDENTITY].to_dict("records")}
    return [point for point in sweep_points if identity(point.values, point.seed) not in held]


def runs_of(sweep_points, table):
    """The rows of a per-run table whose run is one of the sweep points."""
    wanted = {identity(point.values, point.seed) for point in sweep_points}
    return table[[row_identity(row) in wanted for row in table[IDENTITY].to_dict("records")]].reset_index(drop=True)


def with_finished(finished, runs):
    """The per-run table ``finished`` followed by the rows of ``runs`` it lacks (a run in both keeps its row
    in ``finished``)."""
    if runs.empty:  # (an empty frame's object columns would turn the numbers into objects)
        return finished[COLUMNS]
    return pd.concat([finished[COLUMNS], runs[COLUMNS]], ignore_index=True).drop_duplicates(IDENTITY,
                                                                                             ignore_index=True)


def final_weights(folder, key):
    """A finished run's final W: the mean of the snapshots its checkpoint kept (its last 12,000
    presentations, one every 500), or None without a checkpoint."""
    snapshots = load_snapshots(checkpoint_path(folder, key))
    return np.mean(list(snapshots.values()), axis=0) if snapshots else None


def initial_condition_agreement(table, folder):
    """Per run of a sweep table: ``analysis.convergence.agreement`` of its final W
    with the other runs of its grid point (same values, other seeds); NaN without two checkpoints."""
    parameters = list(table.columns[: table.columns.get_loc("seed")])
    result = pd.Series(np.nan, index=table.index)
    for _, runs in table.groupby(parameters, dropna=False, sort=False):
        weights = {index: final_weights(folder, key) for index, key in runs["key"].items()}
        found = {index: w for index, w in weights.items() if w is not None}
        if len(found) > 1:
            result[list(found)] = agreement(list(found.values()))
    return result


def fixed_point_alignment(table, folder):
    """Per run of a sweep table: corr(final W, Q^-T), the alignment of its final W with the direction of
    the rSTDP fixed point (``analysis.loop_gain.fixed_point_correlation``); NaN without a checkpoint."""
    result = pd.Series(np.nan, index=table.index)
    for index, run in table.iterrows():
        w = final_weights(folder, run["key"])
        if w is not None:
            result[index] = fixed_point_correlation(w, network_inputs(run)[0])
    return result


def sample_table(table, folder=None):
    """The per-run table (:data:`COLUMNS`) of a sweep table of the sample; ``folder``: the sweep folder
    whose checkpoints give corr_fixed_point and corr_initial_conditions (NaN without it)."""
    def column(name, scale=1.0):  # sweep tables hold SI values
        return sweep.column(table, name).to_numpy(float) * scale

    rows = {"rule": table["rule"].to_numpy(), "alpha": column("alpha"), "delay_ms": column("delay", 1e3),
            "tau_stdp_ms": column("tau_stdp", 1e3), "noise_rate_hz": column("noise_rate"),
            "tau_syn_ms": column("tau_syn", 1e3), "sigma_input": column("sigma_input"),
            "sigma_noise": column("sigma_noise"), "q_seed": column("q_seed"), "c_seed": column("c_seed"),
            "seed": table["seed"].to_numpy(), "outcome": [OUTCOMES[int(code)] for code in table["outcome_code"]],
            **{name: table[name].to_numpy() for name in ("presentations", "std_w", "fraction_extreme",
                                                         "spikes_lower", "spikes_higher", "corr_lag")},
            **{name: (measure(table, folder).to_numpy() if folder is not None else np.full(len(table), np.nan))
               for name, measure in (("corr_fixed_point", fixed_point_alignment),
                                     ("corr_initial_conditions", initial_condition_agreement))}}
    rows["rule_type"] = [rule_type(r, a) for r, a in zip(rows["rule"], rows["alpha"])]
    return pd.DataFrame(rows)[COLUMNS]


def outcome_fractions(table):
    """Fraction of runs per (rule type, outcome) of a per-run table, with the runs per rule type."""
    counts = pd.crosstab(table["rule_type"], table["outcome"]).reindex(index=list(RULE_TYPES), columns=list(OUTCOMES),
                                                                       fill_value=0)
    return counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0).assign(runs=counts.sum(axis=1))


def main():
    parser = argparse.ArgumentParser(description="Run (or resume) the stratified landscape sample and write its table")
    parser.add_argument("--per-type", type=int, default=SAMPLE_PER_TYPE)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--export", default=None, help="write the per-run table (CSV) of the runs finished so far")
    parser.add_argument("--no-run", action="store_true", help="only export what has finished")
    parser.add_argument("--continue-from", default=None,
                        help="a per-run table (CSV) of finished runs: run only the others, and keep its rows")
    args = parser.parse_args()
    finished = pd.read_csv(args.continue_from) if args.continue_from else None
    runs = sample_runs(args.per_type, args.seed, finished, run_remaining=not args.no_run, copies=args.copies,
                       workers=args.workers)
    if args.export:
        write_csv(args.export, runs, "%.6g")
    print(f"{len(runs)} of {args.per_type * len(RULE_TYPES) * REPEATS} runs finished")
    print(outcome_fractions(runs).round(3).to_string())
    print("paper (Fig 5): dep-rSTDP > 0.9 converged; dep-cSTDP, pot-rSTDP, pot-cSTDP 0 converged")


if __name__ == "__main__":
    main()
