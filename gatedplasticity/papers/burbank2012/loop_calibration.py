"""The third, pre-registered calibration (``docs/burbank2012-calibration.md``, "Third calibration"): rules and runner.

80 candidates (threshold, drive_scale, synaptic_scale) x 64 structural
configurations of Table 1 x 4 probe conditions, 100 presentations each with
plasticity off, run as copies of one compiled program per tau_syn
(:func:`run`, resumable: each batch of copies is written as it ends). Per
(candidate, configuration) :func:`measures` gives round 2's activity filters
F1-F5 and the layer gains of ``analysis.loop_gain``; :func:`summary` and
:func:`choose` apply the pre-stated target and selection rule.

    python -m gatedplasticity.papers.burbank2012.loop_calibration [--tau-syn MS]   # run or resume
    python -m gatedplasticity.papers.burbank2012.loop_calibration --report docs/burbank2012-calibration.md
"""

import argparse
import itertools
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import Hz, mV, ms
from scipy.stats import spearmanr

from ... import streams
from ...analysis.loop_gain import bound_loop_gain, fixed_point_direction, gain_fit
from ...backends import cache_root
from ...models import linear
from ...protocols import top_down
from ...results import atomic_write
from .calibration_stages import CEILING, HIGHER_RESPONDS, NOISE_ALONE, SPEARMAN, WEAK_SHARE
from .loop_calibration_report import report, write_report
from .parameters import VALUES, network_parameters

GRID = {"threshold": [-54 * mV, -50 * mV, -45 * mV, -40 * mV], "drive_scale": [0.05, 0.1, 0.2, 0.4],
        "synaptic_scale": [0.25, 0.5, 1.0, 2.0, 4.0]}
#: Q kinds: (eps, smoothing, q_seed, bound).
Q_KINDS = {"fig3": (1.0, True, 0, 50.0), "fig5": (0.1, False, 0, 20.0)}
CONFIGURATION_GRID = {"q_kind": list(Q_KINDS), "c_seed": [10, 11], "tau_syn": [5 * ms, 15 * ms],
                      "noise_rate": [1000 * Hz, 2000 * Hz], "sigma_input": [1.0, 2.0], "sigma_noise": [1.0, 2.0]}
#: Probe conditions: (input_scale, f): W = f x bound x Q^-T / max|Q^-1|.
CONDITIONS = {"input": (1.0, 0.0), "noise": (0.0, 0.0), "top-down 0.1": (1.0, 0.1), "top-down 0.3": (1.0, 0.3)}
SEED, PRESENTATIONS, PAIRS_PER_BATCH = 0, 100, 16  # 16 (candidate, configuration) pairs x 4 conditions = 64 copies
LAMBDA_TARGET, R2_TARGET = 1.25, 0.9
EARLY_BINS = 5  # 0-50 ms in 10-ms phase bins
FOLDER = cache_root() / "calibration3"
SIZE = VALUES["size"]


def candidates():
    """The grid in pre-registered order (threshold slowest)."""
    return [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]


def configurations():
    """The 64 structural configurations, in grid order."""
    return [dict(zip(CONFIGURATION_GRID, values)) for values in itertools.product(*CONFIGURATION_GRID.values())]


@lru_cache(maxsize=None)
def configuration_inputs(index):
    """(Q, C, bound, input strengths, chunk seed) of configuration ``index`` (common to every candidate; cached:
    never modify them)."""
    config = configurations()[index]
    eps, smooth, q_seed, bound = Q_KINDS[config["q_kind"]]
    q = linear.q_matrix(SIZE, eps, seed=q_seed, smooth=smooth)
    c = top_down.correlation_matrix(SIZE, seed=config["c_seed"])
    strengths = top_down.input_strengths(c, PRESENTATIONS, streams.generator(SEED, "calibration 3 inputs", index))
    return q, c, bound, strengths, streams.integer(SEED, "calibration 3", index)


def synapse_order(w):
    """Top-down weights W (lower x higher) in synapse order (higher -> lower, all pairs, presynaptic-major)."""
    return np.asarray(w, float).T.ravel()


def copy_values(candidate, config_index, condition):
    """(Parameters, state, strengths, chunk seed) of one probe copy."""
    config = configurations()[config_index]
    q, _, bound, strengths, seed = configuration_inputs(config_index)
    input_scale, f = CONDITIONS[condition]
    params = network_parameters(**candidate, tau_syn=config["tau_syn"], noise_rate=config["noise_rate"],
                                sigma_input=config["sigma_input"], sigma_noise=config["sigma_noise"], w_bound=bound,
                                mu=0.0, input_scale=input_scale)
    w = f * bound * fixed_point_direction(q)
    state = {"w": synapse_order(w), "q": q.ravel(), "input_gain": np.ones(SIZE)}
    return params, state, {"lower": strengths}, seed


def measures(config_index, outputs):
    """Filters and gains of one (candidate, configuration) from its four conditions' outputs {condition: outputs}."""
    q, _, bound, strengths, _ = configuration_inputs(config_index)
    bins = {c: {side: outputs[c][f"{side}_spike_bins"] for side in ("lower", "higher")} for c in CONDITIONS}
    counts = {c: {side: b.sum(axis=2) for side, b in sides.items()} for c, sides in bins.items()}  # neuron x presentation
    seconds = PRESENTATIONS * 0.16
    row = {f"{c}_spikes_{side}": counts[c][side].mean() for c in ("input", "noise") for side in ("lower", "higher")}
    row.update({f"{c}_max_rate": max(counts[c][side].sum(axis=1).max() for side in counts[c]) / seconds
                for c in ("input", "noise")})
    lower, early = counts["input"]["lower"], bins["input"]["lower"][:, :, :EARLY_BINS].sum(axis=2)
    row["spearman_early"] = float(spearmanr(strengths.T.ravel(), early.ravel())[0]) if early.any() else np.nan
    weak = strengths.T < np.median(strengths)
    row["weak_share"] = float(lower[weak].sum() / lower.sum()) if lower.sum() else np.nan
    higher_fit = gain_fit(q.T @ lower, counts["input"]["higher"])
    drive = [fixed_point_direction(q) * f * bound @ counts[c]["higher"] for c, (_, f) in CONDITIONS.items() if f]
    change = [counts[c]["lower"] - lower for c, (_, f) in CONDITIONS.items() if f]
    lower_fit = gain_fit(np.concatenate(drive, axis=1), np.concatenate(change, axis=1))
    row.update({"g_high": higher_fit.slope, "r2_high": higher_fit.r2_bins, "g_low": lower_fit.slope,
                "r2_low": lower_fit.r2_bins,
                "lambda_bound": bound_loop_gain(lower_fit.slope, higher_fit.slope, q, bound)})
    row.update(filters(row))
    row["meets_target"] = bool(row["lambda_bound"] >= LAMBDA_TARGET and row["r2_high"] >= R2_TARGET
                               and row["r2_low"] >= R2_TARGET)
    return row


def filters(row):
    """{filter: passed}: round 2's F1-F5 (``calibration_stages``) on one configuration's probes."""
    return {"F1": row["noise_spikes_lower"] < NOISE_ALONE and row["noise_spikes_higher"] < NOISE_ALONE,
            "F2": bool(row["spearman_early"] >= SPEARMAN), "F3": bool(row["weak_share"] < WEAK_SHARE),
            "F4": row["input_max_rate"] < CEILING and row["noise_max_rate"] < CEILING,
            "F5": row["input_spikes_higher"] >= HIGHER_RESPONDS}


def batches():
    """[(tau_syn in ms, [(candidate index, configuration index)])]: pairs of one tau_syn, PAIRS_PER_BATCH each."""
    result = []
    for tau in CONFIGURATION_GRID["tau_syn"]:
        pairs = [(k, j) for k in range(len(candidates())) for j, config in enumerate(configurations())
                 if config["tau_syn"] == tau]
        result += [(float(tau / ms), pairs[i:i + PAIRS_PER_BATCH]) for i in range(0, len(pairs), PAIRS_PER_BATCH)]
    return result


def run_batch(pairs, program):
    """Rows of the (candidate, configuration) ``pairs``, their four conditions as copies of the open ``program``."""
    jobs = [(k, j, condition) for k, j in pairs for condition in CONDITIONS]
    values = [copy_values(candidates()[k], j, condition) for k, j, condition in jobs]
    values += [values[0]] * (program.copies - len(values))  # spare copies repeat the first; dropped
    _, outputs = top_down.run_copies(program, [v[1] for v in values], [v[2] for v in values], [v[0] for v in values],
                                     [v[3] for v in values])
    rows = []
    for index, (k, j) in enumerate(pairs):
        per_condition = {condition: outputs[4 * index + m] for m, condition in enumerate(CONDITIONS)}
        rows.append({"candidate": k, "configuration": j, **plain(candidates()[k]), **configuration_label(j),
                     **measures(j, per_condition)})
    return rows


def run(folder=FOLDER, progress=True, tau_syn=None, reverse=False):
    """Every batch not yet in ``folder`` (one table per batch, written atomically; ``tau_syn`` in ms: only its
    batches, e.g. one process per tau_syn; ``reverse``: last batch first, so that two processes can share the
    work, each skipping what the other wrote); returns all rows written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(k, batch) for k, batch in enumerate(batches()) if not (folder / f"batch-{k:04d}.parquet").exists()
            and tau_syn in (None, batch[0])]
    for tau in sorted({batch[0] for _, batch in todo}):
        params, *_ = copy_values(candidates()[0], 0, "input")
        structure = top_down.Structure(chunk=PRESENTATIONS, record_spikes=True, gaussian="copy").for_network(
            (SIZE, SIZE), params.replace(tau_syn=tau * ms))
        with top_down.program(structure, copies=4 * PAIRS_PER_BATCH) as program:
            for k, (_, pairs) in [(k, batch) for k, batch in todo if batch[0] == tau][::-1 if reverse else 1]:
                if (folder / f"batch-{k:04d}.parquet").exists():
                    continue  # written by another process meanwhile
                table = pd.DataFrame(run_batch(pairs, program))
                atomic_write(folder / f"batch-{k:04d}.parquet", lambda tmp, table=table: table.to_parquet(tmp))
                if progress:
                    print(f"batch {k + 1}/{len(batches())} (tau_syn {tau:g} ms) written", flush=True)
    return load(folder)


def load(folder=FOLDER):
    """All rows written so far (one per candidate and configuration)."""
    files = sorted(Path(folder).glob("batch-*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True) if files else pd.DataFrame()


def summary(rows):
    """One row per candidate: configurations passing F1-F5, meeting the target, median activity and gains."""
    grouped = rows.groupby("candidate")
    table = pd.DataFrame({
        "configurations": grouped.size(),
        "admissible_configurations": grouped.apply(lambda g: int(g[["F1", "F2", "F3", "F4", "F5"]].all(axis=1).sum())),
        **{f"{f}_fails": grouped[f].apply(lambda s: int((~s.astype(bool)).sum())) for f in ("F1", "F2", "F3", "F4", "F5")},
        "target_configurations": grouped["meets_target"].sum().astype(int),
        "median_input_spikes_lower": grouped["input_spikes_lower"].median(),
        "median_input_spikes_higher": grouped["input_spikes_higher"].median(),
        "median_lambda_bound": grouped["lambda_bound"].median(), "min_lambda_bound": grouped["lambda_bound"].min(),
        "median_r2_high": grouped["r2_high"].median(), "median_r2_low": grouped["r2_low"].median()})
    table["admissible"] = table["admissible_configurations"] == len(configurations())
    first = grouped.first()
    return pd.concat([first[["threshold_mV", "drive_scale", "synaptic_scale"]], table], axis=1).reset_index()


def choose(table):
    """(candidate index, reason) by the pre-registered selection rule."""
    admissible = table[table["admissible"]]
    if len(admissible):
        best = admissible.sort_values(["target_configurations", "median_input_spikes_lower", "candidate"],
                                      ascending=[False, True, True]).iloc[0]
        return int(best["candidate"]), "admissible; most configurations meeting the loop-gain target, then sparsest"
    best = table.sort_values(["admissible_configurations", "target_configurations", "median_input_spikes_lower",
                              "candidate"], ascending=[False, False, True, True]).iloc[0]
    return int(best["candidate"]), "NO candidate is admissible in every configuration; most admissible configurations"


def plain(candidate):
    return {"threshold_mV": float(candidate["threshold"] / mV), "drive_scale": candidate["drive_scale"],
            "synaptic_scale": candidate["synaptic_scale"]}


def configuration_label(index):
    config = configurations()[index]
    return {"q_kind": config["q_kind"], "c_seed": config["c_seed"], "tau_syn_ms": float(config["tau_syn"] / ms),
            "noise_rate_hz": float(config["noise_rate"] / Hz), "sigma_input": config["sigma_input"],
            "sigma_noise": config["sigma_noise"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(FOLDER))
    parser.add_argument("--tau-syn", type=float, help="run only the batches of this tau_syn (ms)")
    parser.add_argument("--reverse", action="store_true", help="last batch first (a second process sharing the work)")
    parser.add_argument("--report", metavar="DOC", help="write the outcome into DOC (the pre-registration)")
    args = parser.parse_args()
    rows = run(args.folder, tau_syn=args.tau_syn, reverse=args.reverse) if not args.report else load(args.folder)
    table = summary(rows)
    index, reason = choose(table)
    print(table.to_string())
    print(f"choice: candidate {index} ({reason})")
    if args.report:
        write_report(report(rows, table, (index, reason), len(configurations()), (LAMBDA_TARGET, R2_TARGET)),
                     args.report)


if __name__ == "__main__":
    main()
