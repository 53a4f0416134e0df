"""Which runs of the landscape end at a bound: the drift of the mean top-down weight (pre-registered in
``docs/burbank2012-calibration.md``, "Drift probe").

For each dynamic configuration of the landscape sample (its Table 1 values
other than the rule, alpha and tau_STDP), the network runs
``PRESENTATIONS`` presentations with learning off and every top-down
weight at m (``M_VALUES``, within the bounds +-20; the second probe adds
``FINE_M_VALUES`` between -1 and 1). The spikes per
time step of the lower layer and of the higher layer's arrivals give the
mean weight change per presentation that each rule type and tau_STDP
would make there (``analysis.stdp.population_drift``, at the paper's mu).
The drift curve, followed from the initial mean W of ~0
(:func:`predicted_end`), predicts a run's end: the upper bound if the drift
stays positive up to +20, the lower bound if it stays negative down to
-20, otherwise a mean weight inside the bounds.

    python -m gatedplasticity.papers.burbank2012.drift_probe [--fine] [--export CSV]   # run or resume, then compare
    python -m gatedplasticity.papers.burbank2012.drift_probe --table docs/data/burbank2012-drift-probe-fine.csv
"""

import argparse
from itertools import product
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import ms, second

from ... import streams
from ...analysis.convergence import rule_type
from ...analysis.stdp import population_drift
from ...backends import cache_root
from ...protocols import top_down
from ...protocols.top_down.structure import DT, PRESENTATION
from ...protocols.top_down.trials import steps
from ...results import write_csv
from . import landscape
from .sweeps import network_inputs, network_setup

M_VALUES = (-20.0, -10.0, -5.0, -2.0, -1.0, 0.0, 1.0, 2.0, 5.0, 10.0, 20.0)
#: The second probe's values of m (registered after the first's outcome): the first's and 8 between -1 and 1.
FINE_M_VALUES = tuple(sorted(M_VALUES + (-0.5, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.5)))
PRESENTATIONS, SEED = 100, 0
TAUS_MS = (5.0, 10.0, 20.0)
RULES = tuple(product(["reverse", "classical"], (0.9, 1.2, 3.0)))  # (rule, alpha) of Table 1
DYNAMIC = ("delay", "noise_rate", "tau_syn", "sigma_input", "sigma_noise", "q_seed", "c_seed")
FOLDER = {M_VALUES: cache_root() / "drift-probe", FINE_M_VALUES: cache_root() / "drift-probe-fine"}


def configurations(per_type=25, seed=20261203):
    """The landscape sample's dynamic configurations in sample order: [(key, a point's full values)]."""
    found = {}
    for point in landscape.sample_points(per_type, seed):
        key = tuple(float(point.values[name] / ms) if name in ("delay", "tau_syn") else float(point.values[name])
                    for name in DYNAMIC)
        found.setdefault(key, point.values)
    return list(found.items())


def drift_column(rule, alpha, tau_ms):
    """The probe table's column of the drift of ``rule`` with ``alpha`` and tau_STDP ``tau_ms`` (ms)."""
    return f"drift {rule} alpha {alpha:g} tau {tau_ms:g}"


def probe(values, runner, m_values=M_VALUES):
    """Rows of one configuration: per m, spikes per neuron and presentation and every (rule type, tau) drift."""
    q, c, _ = network_inputs(values)
    params = network_setup(values)[1]
    n, presentation_steps = q.shape[0], steps(PRESENTATION, DT)
    strengths = top_down.input_strengths(c, PRESENTATIONS, streams.generator(SEED, "drift probe input"))
    rows = []
    for m in m_values:
        state = {"w": np.full(q.size, m), "q": q.ravel(), "input_gain": np.ones(n)}
        final, outputs = top_down.run_chunk(runner, state, {"lower": strengths}, params.replace(mu=0.0),
                                            streams.integer(SEED, "drift probe network"))
        counts = top_down.population_counts(outputs, runner.structure, PRESENTATIONS * presentation_steps)
        row = {"m": m, **{f"spikes_{side}": final[f"{side}.spike_count"].mean() / PRESENTATIONS
                          for side in ("lower", "higher")}}
        for rule, alpha in RULES:
            for tau in TAUS_MS:
                row[drift_column(rule, alpha, tau)] = population_drift(
                    counts["lower"], counts["arrivals"], presentation_steps, float(DT / second), rule,
                    pair_window=runner.structure.pair_window, synapses=q.size, alpha=alpha, mu=params.mu,
                    tau_stdp=tau * 1e-3)
        rows.append(row)
    return rows


def probe_structure(values):
    """The compiled structure of a probe: the configuration's, one rule, chunks of PRESENTATIONS."""
    return replace(network_setup(values)[0], rule="reverse", chunk=PRESENTATIONS)


def run(m_values=M_VALUES, folder=None, progress=True):
    """Probe every configuration not yet in ``folder``/table.csv (written after each one; default
    ``FOLDER[m_values]``); returns the table."""
    folder = FOLDER[m_values] if folder is None else folder
    path = Path(folder) / "table.csv"
    table = pd.read_csv(path) if path.exists() else pd.DataFrame()
    done = set(map(tuple, table[list(DYNAMIC)].to_numpy())) if len(table) else set()
    every = configurations()
    todo = [(key, values) for key, values in every if key not in done]
    for structure in dict.fromkeys(probe_structure(values) for _, values in todo):
        with top_down.program(structure) as runner:
            for key, values in todo:
                if probe_structure(values) != structure:
                    continue
                rows = pd.DataFrame([{**dict(zip(DYNAMIC, key)), **row} for row in probe(values, runner, m_values)])
                table = pd.concat([table, rows], ignore_index=True)
                write_csv(path, table)  # (creates the folder)
                if progress:
                    print(f"probed {len(table) // len(m_values)} of {len(every)} configurations", flush=True)
    return table


def predicted_end(m_values, drift):
    """Where the mean weight goes from 0 under dm/dt = drift(m): "upper bound", "lower bound" or "inside"."""
    m_values, drift = np.asarray(m_values, float), np.asarray(drift, float)
    start = drift[m_values == 0][0]
    if start > 0 and np.all(drift[m_values > 0] > 0):
        return "upper bound"
    if start < 0 and np.all(drift[m_values < 0] < 0):
        return "lower bound"
    return "inside"


def predictions(table):
    """Per configuration, rule, alpha and tau_STDP: the predicted end (one row each)."""
    rows = []
    for key, group in table.groupby(list(DYNAMIC), sort=False):
        for (rule, alpha), tau in product(RULES, TAUS_MS):
            rows.append({**dict(zip(DYNAMIC, key)), "rule": rule, "alpha": alpha, "tau_stdp_ms": tau,
                         "predicted": predicted_end(group["m"], group[drift_column(rule, alpha, tau)])})
    return pd.DataFrame(rows)


def compare(predicted, finished, per_type=25, seed=20261203):
    """Every run of the landscape sample with its predicted end, its outcome where ``finished`` (a per-run table)
    has it, and whether the two agree: a run ends "extreme weights" exactly when a bound is predicted."""
    names = {"delay": "delay_ms", "noise_rate": "noise_rate_hz", "tau_syn": "tau_syn_ms"}
    runs = pd.DataFrame([dict(zip(landscape.IDENTITY, landscape.identity(point.values, point.seed)))
                         for point in landscape.sample_points(per_type, seed)])
    runs.insert(0, "rule_type", [rule_type(rule, alpha) for rule, alpha in zip(runs["rule"], runs["alpha"])])
    outcomes = {landscape.row_identity(row): row["outcome"] for row in finished.to_dict("records")}
    runs["outcome"] = [outcomes.get(tuple(row)) for row in runs[landscape.IDENTITY].itertuples(index=False)]
    keys = [names.get(name, name) for name in DYNAMIC] + ["rule", "alpha", "tau_stdp_ms"]
    runs = runs.merge(predicted.rename(columns=names), on=keys, how="left")
    runs["agrees"] = [None if pd.isna(outcome) else (outcome == "extreme weights") == (end != "inside")
                      for outcome, end in zip(runs["outcome"], runs["predicted"])]
    return runs


def agreement(runs):
    """Per rule type: runs, how many agree, and the predicted ends of the finished runs."""
    finished = runs[runs["outcome"].notna()]
    summary = finished.groupby("rule_type").agg(runs=("agrees", "size"), agree=("agrees", "sum"))
    ends = pd.crosstab(finished["rule_type"], finished["predicted"] + " / " + finished["outcome"])
    return summary.join(ends)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fine", action="store_true", help="the second probe (FINE_M_VALUES)")
    parser.add_argument("--folder", help="the probe's cache folder (default: FOLDER of its m values)")
    parser.add_argument("--table", help="read this probe table (e.g. docs/data/burbank2012-drift-probe-fine.csv) "
                                        "instead of running the probe")
    parser.add_argument("--sample", help="the per-run table to score (default: the checkout's committed sample)")
    parser.add_argument("--export", help="write the probe table here (e.g. docs/data/burbank2012-drift-probe.csv)")
    args = parser.parse_args(argv)
    sample = args.sample or landscape.committed_sample()
    if sample is None:
        parser.error("--sample: no committed landscape sample found from this folder up; give its path")
    table = pd.read_csv(args.table) if args.table else run(FINE_M_VALUES if args.fine else M_VALUES, args.folder)
    if args.export:
        write_csv(args.export, table)
    runs = compare(predictions(table), pd.read_csv(sample))
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(agreement(runs))
        print(runs[runs["outcome"].isna()].groupby(["rule_type", "delay_ms", "tau_stdp_ms", "tau_syn_ms", "predicted"])
              .size().rename("runs not yet run").to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
