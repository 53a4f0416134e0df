"""Why depression-biased rSTDP does not converge in our network: the pre-registered learning-rate probe.

``docs/burbank2012-calibration.md`` ("Why depression-biased rSTDP does not
converge here") states the hypothesis and its predictions. In the landscape
sample, the three initial conditions of a dep-rSTDP point end near one
common W, but STDP's presentation-to-presentation noise keeps W fluctuating
around it, and the Methods' test corr(W(N), W(N - 3000)) > 0.99 fails. The
fluctuations' variance should scale with mu; the fixed point should not.

The first probe reruns the sample's first dep-rSTDP point (grid order) with the
same three seeds at mu = :data:`MU` (a tenth of the paper's 0.01 [P]) up to
:data:`CAP` presentations. The second reruns :data:`SECOND`: the six other
dep-rSTDP points whose three runs had finished when it was registered. Each
run's final W (the mean of its last 12,000 presentations' snapshots) is compared
with the sample's run of the same point and seed at mu = 0.01; for the second
probe, whose sample checkpoints were lost, with a rerun of that run to
:data:`REFERENCE_CAP` presentations (its reference). This explains a result; it
changes none of the package's values.

    python -m gatedplasticity.papers.burbank2012.learning_rate_probe [--second] [--no-run]
"""

import argparse

import numpy as np
import pandas as pd
from brian2 import Hz, ms

from ... import sweep
from ...analysis.convergence import OUTCOMES, rule_type, safe_correlation
from . import landscape
from .sweeps import BURBANK_IF

#: The probes' learning rate (a tenth of the paper's mu = 0.01 [P]).
MU = 0.001
#: The probes' cap (presentations).
CAP = 200_000
NAME = "burbank2012-mu-probe"
#: The second probe's reference: its runs at the paper's mu = 0.01, to this many presentations
#: (final W: the mean over the last 12,000).
REFERENCE_CAP = 30_000
#: The second probe's points (pre-registered with their predicted std(W) and verdicts).
SECOND = [{"rule": "reverse", "alpha": alpha, "delay": delay * ms, "tau_stdp": tau_stdp * ms, "noise_rate": rate * Hz,
           "tau_syn": tau_syn * ms, "sigma_input": sigma_input, "sigma_noise": sigma_noise, "q_seed": q_seed,
           "c_seed": c_seed}
          for alpha, delay, tau_stdp, rate, tau_syn, sigma_input, sigma_noise, q_seed, c_seed in [
              (1.2, 1, 5, 1000, 15, 2.0, 2.0, 1, 10), (1.2, 1, 5, 2000, 15, 1.0, 2.0, 0, 10),
              (1.2, 1, 10, 2000, 5, 2.0, 1.0, 0, 10), (1.2, 1, 20, 2000, 15, 1.0, 2.0, 0, 10),
              (3.0, 1, 5, 2000, 5, 1.0, 1.0, 0, 11), (1.2, 15, 5, 1000, 15, 2.0, 1.0, 1, 10)]]


def probe_point():
    """The sample's first dep-rSTDP grid point, in grid order."""
    sample = landscape.stratified_sample(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED)
    return next(p for p in landscape.grid_points() if p in sample and rule_type(p["rule"], p["alpha"]) == "dep-rSTDP")


def points(second=False):
    """A probe's sweep points: its grid points x the sample's three initial conditions (same seeds), mu = MU."""
    rows = [{**point, **landscape.FIXED, "mu": MU, "max_presentations": CAP}
            for point in (SECOND if second else [probe_point()])]
    return sweep.points(BURBANK_IF, rows=rows, repeats=landscape.REPEATS, seed=landscape.SAMPLE_SEED)


def reference_points():
    """The second probe's runs at the paper's mu (0.01 [P]) up to :data:`REFERENCE_CAP`, same seeds."""
    rows = [{**point, **landscape.FIXED, "max_presentations": REFERENCE_CAP} for point in SECOND]
    return sweep.points(BURBANK_IF, rows=rows, repeats=landscape.REPEATS, seed=landscape.SAMPLE_SEED)


def folder(second=False):
    return landscape.sweep_folder(NAME + ("-2" if second else ""), False, landscape.SAMPLE_SEED)


def reference_folder():
    return landscape.sweep_folder(NAME + "-2-reference", False, landscape.SAMPLE_SEED)


def grid_point(run):
    """The Table 1 grid point (``landscape.GRID`` names, SI floats) of a sweep table's row."""
    def value(name):
        label = next(c for c in run.index if c == name or c.startswith(f"{name} ["))
        return run[label] if name == "rule" else float(run[label])
    return {name: value(name) for name in landscape.GRID}


def same_run(table, point, seed):
    """The row index of ``table`` (a sweep table) holding grid ``point`` with ``seed``, or None."""
    match = table["seed"] == seed
    for name, value in point.items():
        match &= np.isclose(sweep.column(table, name).to_numpy(float), float(value)) if name != "rule" \
            else table["rule"] == value
    found = table.index[match]
    return found[0] if len(found) else None


def report(probe, probe_folder, sample, sample_folder):
    """Per probe run: verdict, presentations, std(W), corr(final W, Q^-T), agreement with the other initial
    conditions, and corr of its final W with the sample's mu = 0.01 run of its seed (NaN if unfinished)."""
    agreeing = landscape.initial_condition_agreement(probe, probe_folder)
    aligned = landscape.fixed_point_alignment(probe, probe_folder)
    rows = []
    for index, run in probe.iterrows():
        point = grid_point(run)
        match = same_run(sample, point, run["seed"])
        w_probe = landscape.final_weights(probe_folder, run["key"])
        w_sample = None if match is None else landscape.final_weights(sample_folder, sample.loc[match, "key"])
        rows.append({**{name: point[name] for name in ("alpha", "delay", "tau_stdp", "noise_rate", "tau_syn")},
                     "seed": run["seed"], "outcome": OUTCOMES[int(run["outcome_code"])],
                     "presentations": run["presentations"], "std_w": run["std_w"],
                     "corr_fixed_point": aligned[index], "corr_initial_conditions": agreeing[index],
                     "corr_with_mu_0.01": (safe_correlation(w_probe.ravel(), w_sample.ravel())
                                           if w_probe is not None and w_sample is not None else np.nan)})
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser(description="Run (or resume) the learning-rate probe and print its report")
    parser.add_argument("--second", action="store_true", help="the second probe (six points) instead of the first")
    parser.add_argument("--no-run", action="store_true", help="only report the runs that have finished")
    args = parser.parse_args()
    where = folder(args.second)
    against = (reference_folder() if args.second
               else landscape.sample_folder(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED))
    if not args.no_run:  # every run of a probe (and of its reference) as a copy of one program
        for todo, folder_of in [(points(args.second), where)] + ([(reference_points(), against)] if args.second else []):
            sweep.run_sweep(todo, folder_of, copies=len(todo), workers=1)
    probe, reference = sweep.Store(where).table(), sweep.Store(against).table()
    print(f"mu = {MU}, cap {CAP:,}; SI units; compared with the mu = 0.01 runs in {against.name}")
    print(report(probe, where, reference, against).round(4).to_string(index=False))
    if args.second:
        agreeing = landscape.initial_condition_agreement(reference, against) if len(reference) else []
        print(f"reference (mu = 0.01, to {REFERENCE_CAP:,}): agreement across initial conditions, to set beside "
              "the sample's (corr_initial_conditions in docs/data/burbank2012-landscape-sample.csv)")
        print(pd.DataFrame([{**grid_point(run), "seed": run["seed"], "corr_initial_conditions": agreeing[index]}
                            for index, run in reference.iterrows()]).round(4).to_string(index=False))
    print("predicted (first probe): stabilised before the cap ('converged' if std(W) >= 0.3); corr with mu = 0.01 and across "
          "initial conditions > 0.9; |corr(W, Q^-1)| <= 0.05, registered in a transposed measure of the fixed point "
          "(the erratum in docs/burbank2012-calibration.md): corr_fixed_point is the corrected one")


if __name__ == "__main__":
    main()
