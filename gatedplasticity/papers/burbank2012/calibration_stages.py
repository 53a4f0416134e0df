"""The pre-registered calibration's rules (``docs/burbank2012-calibration.md``): grid, probe, filters, target, choice.

Three free values (threshold, drive_scale, synaptic_scale) on a 36-point
grid; stage 1 screens each candidate by the text's admissibility filters
(:func:`probe`, :func:`stage1_filters`), stage 2 trains the four rule types
on Fig 3's configuration (:func:`target_runs`; these are the quick runs of
Figs 3-4, sharing their checkpoints), :func:`choose` applies the pre-stated
selection rule. ``calibration`` runs them over the grid.
"""

import itertools
import math
from contextlib import nullcontext

import numpy as np
from brian2 import mV, second
from scipy.stats import spearmanr

from ... import streams
from ...protocols import top_down
from . import training
from .parameters import VALUES, network_parameters
from .reconstruction import EARLY, probe_structure, window_counts

GRID = {"threshold": [-54 * mV, -45 * mV, -36 * mV], "drive_scale": [0.05, 0.1, 0.2, 0.4],
        "synaptic_scale": [0.25, 0.5, 1.0]}
SEED = 0
PROBE_PRESENTATIONS = 100
CAP = VALUES["quick_cap"]  # 150,000: stage 2 runs are the quick runs of Figs 3-4 (shared checkpoints)
TARGET_WINDOW = (37_500, 150_000)
PUBLISHED_N = 75_000
STAGE2_BUDGET, SAMPLE_SEED = 8, 2012
#: Stage-1 filters: F1 noise alone, F2 Spearman, F3 share of weak inputs, F4 rate ceiling (Hz), F5 higher responds.
NOISE_ALONE, SPEARMAN, WEAK_SHARE, CEILING, HIGHER_RESPONDS = 0.05, 0.5, 0.25, 500.0, 0.1
RATE_FACTOR, MEAN_ABS_W = 2.0, (0.1, 10.0)  # F6, F7 on the dep-rSTDP run
TARGETS = {"dep-rSTDP": "converged", "pot-rSTDP": "extreme weights", "dep-cSTDP": "extreme weights",
           "pot-cSTDP": "extreme weights"}


def candidates():
    """The grid in pre-registered order (threshold slowest): list of {name: value}."""
    return [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]


def calibration_structure(params):
    """The structure of a stage 1 probe: PROBE_PRESENTATIONS in one chunk, the lower layer's spikes recorded."""
    return probe_structure((VALUES["size"],) * 2, PROBE_PRESENTATIONS, params)


def label(candidate):
    return (f"V_th {float(candidate['threshold'] / mV):g} mV, drive {candidate['drive_scale']:g}, "
            f"synaptic {candidate['synaptic_scale']:g}")


def probe(candidate, program=None):
    """Stage 1 activity of ``candidate``: W = 0, mu = 0, PROBE_PRESENTATIONS presentations with and without input.

    ``program``: an open program of :func:`calibration_structure` to reuse (otherwise one is built here)."""
    q, c = training.q_and_c()
    n = q.shape[0]
    params = network_parameters(**candidate, mu=0.0)
    strengths = top_down.input_strengths(c, PROBE_PRESENTATIONS, streams.generator(SEED, "calibration probe"))
    seconds = PROBE_PRESENTATIONS * float(top_down.PRESENTATION / second)
    result = {}
    built = nullcontext(program) if program is not None else top_down.program(calibration_structure(params))
    with built as runner:
        for condition, input_scale in (("input", 1.0), ("noise", 0.0)):
            state = {"w": np.zeros(q.size), "q": q.ravel(), "input_gain": np.ones(n)}
            final, outputs = top_down.run_chunk(runner, state, {"lower": strengths}, params.replace(input_scale=input_scale),
                                                streams.integer(SEED, f"calibration probe {condition}"))
            spikes = {side: final[f"{side}.spike_count"] for side in ("lower", "higher")}
            result[f"{condition}_spikes_lower"] = spikes["lower"].mean() / PROBE_PRESENTATIONS
            result[f"{condition}_spikes_higher"] = spikes["higher"].mean() / PROBE_PRESENTATIONS
            result[f"{condition}_max_rate"] = max(s.max() for s in spikes.values()) / seconds
            if condition == "input":
                counts = window_counts(outputs["lower_spike_i"].astype(int), outputs["lower_spike_t"],
                                       PROBE_PRESENTATIONS, n,
                                       windows={"early": EARLY, "total": (0 * second, top_down.PRESENTATION)})
                early, total = counts["early"], counts["total"]
                result["spearman_early"] = (float(spearmanr(strengths.ravel(), early.ravel())[0])
                                            if early.any() else float("nan"))
                weak = strengths < np.median(strengths)
                result["weak_share"] = float(total[weak].sum() / total.sum()) if total.sum() else float("nan")
    return result


def stage1_filters(row):
    """{filter: passed} for a probe row (F1-F5 of the pre-registration)."""
    return {"F1": row["noise_spikes_lower"] < NOISE_ALONE and row["noise_spikes_higher"] < NOISE_ALONE,
            "F2": row["spearman_early"] >= SPEARMAN,
            "F3": row["weak_share"] < WEAK_SHARE,
            "F4": row["input_max_rate"] < CEILING and row["noise_max_rate"] < CEILING,
            "F5": row["input_spikes_higher"] >= HIGHER_RESPONDS}


def target_runs(candidate, progress=False):
    """Stage 2: the four rule types on Fig 3's configuration, dep-rSTDP first; {column: value}.

    Each run resumes from its checkpoint (a finished run is only read back, nothing is built)."""
    q, c = training.q_and_c()
    row = {}
    for rule_type, (rule, alpha) in training.RULE_TYPES.items():
        if rule_type != "dep-rSTDP" and not row["target dep-rSTDP"]:
            row[f"outcome {rule_type}"], row[f"target {rule_type}"] = "not run", False
            continue
        trained = training.run(SEED, True, q, c, progress=progress, rule=rule, alpha=alpha, **candidate)
        row.update(_run_summary(rule_type, trained))
    return row


def _run_summary(rule_type, trained):
    history = trained.history
    last = history.iloc[-1]
    summary = {f"outcome {rule_type}": trained.outcome, f"N {rule_type}": trained.presentations,
               f"caption N {rule_type}": _first_caption(history)}
    if rule_type == "dep-rSTDP":
        low, high = TARGET_WINDOW
        summary.update({
            "target dep-rSTDP": bool(trained.outcome == "converged" and low <= trained.presentations <= high
                                     and last["std_w"] > 0.3 and last["fraction_extreme"] < 0.5),
            "F6": bool(last["rate_lower"] <= RATE_FACTOR * history["rate_lower"].iloc[0]
                       and last["rate_lower"] >= history["rate_lower"].iloc[0] / RATE_FACTOR),
            "F7": bool(MEAN_ABS_W[0] <= last["mean_abs_w"] <= MEAN_ABS_W[1]),
            "spikes_lower": last["spikes_lower"], "spikes_higher": last["spikes_higher"],
            "pairs_top_down": last["pairs_top_down"], "std_w": last["std_w"], "mean_w": last["mean_w"],
            "fraction_extreme": last["fraction_extreme"],
            **{f"corr {lag}": last[column] for lag, column in (("1.5k", "corr_1500"), ("3k", "corr_lag"),
                                                              ("6k", "corr_6000"), ("12k", "corr_12000"))},
        })
    else:
        summary[f"target {rule_type}"] = bool(trained.outcome == TARGETS[rule_type])
    return summary


def _first_caption(history):
    """First presentation at which the caption's absolute std criterion would have stopped the run (NaN: never)."""
    stopped = history[history["outcome_caption"].notna()]
    return int(stopped["presentation"].iloc[0]) if len(stopped) else float("nan")


def stage2_selection(table):
    """Indices of the admissible candidates that go to stage 2 (grid order, at most STAGE2_BUDGET)."""
    admissible = [k for k, row in table.iterrows() if row["admissible (F1-F5)"]]
    if len(admissible) > STAGE2_BUDGET:
        admissible = sorted(np.random.default_rng(SAMPLE_SEED).choice(admissible, STAGE2_BUDGET, replace=False).tolist())
    return admissible


def meets_target(row):
    return bool(row.get("stage 2") and all(row.get(f"target {r}") is True for r in TARGETS)
                and row.get("F6") is True and row.get("F7") is True)


def choose(table):
    """(index, reason) of the chosen candidate by the pre-registered rule."""
    passing = [k for k, row in table.iterrows() if meets_target(row)]
    if passing:
        best = min(passing, key=lambda k: (abs(math.log(table.loc[k, "N dep-rSTDP"] / PUBLISHED_N)), k))
        return best, "meets the whole target; dep-rSTDP verdict closest to 75,000 presentations"
    tried = [k for k, row in table.iterrows() if row.get("stage 2")]
    if not tried:
        return None, "no candidate passed the stage-1 filters"
    best = max(tried, key=lambda k: (sum(table.loc[k, f"target {r}"] is True for r in TARGETS),
                                     np.nan_to_num(table.loc[k, "corr 3k"], nan=-1), -k))
    return best, "NO admissible candidate meets the target; best: most rule targets met, then corr(W, W-3000)"


def _plain(candidate):
    return {"threshold_mV": float(candidate["threshold"] / mV), "drive_scale": candidate["drive_scale"],
            "synaptic_scale": candidate["synaptic_scale"]}


def _with_units(row):
    return {"threshold": float(row["threshold_mV"]) * mV, "drive_scale": float(row["drive_scale"]),
            "synaptic_scale": float(row["synaptic_scale"])}
