"""Does the rate decide beyond Fig 6's point? The rate probe carried to Fig 5's set-up (pre-registered).

``docs/burbank2012-calibration.md`` ("Rate generalization") states the question
and the reading. One depression-biased rSTDP point of the landscape sample per
(alpha, delay) stratum is drawn (:func:`drawn_points`; Fig 5's Q with eps 0.1
and bounds +-20). Each point's ``input_scale`` is chosen as the rate probe's
stage 1 chooses it (``rate_probe.choose``: its lower layer at ~19.2 spikes per
neuron per presentation with learning off), then trained from the sample's
first initial condition to its verdict or 625,000 presentations. This explains
a result; it changes none of the package's values.

    python -m gatedplasticity.papers.burbank2012.rate_generalization [--no-run] [--export CSV]
"""

import argparse
from pathlib import Path

import pandas as pd
from brian2 import ms

from ... import streams
from ...analysis.convergence import rule_type
from ...results import write_csv
from . import landscape, rate_probe

#: The draw's seed and stream (one point per stratum, from the sample's dep-rSTDP points in grid order).
DRAW_SEED, DRAW_STREAM = 20261205, "rate generalization"
#: The strata, one drawn point each: (alpha, delay).
STRATA = [(alpha, delay * ms) for alpha in (1.2, 3.0) for delay in (1.0, 15.0)]
#: Where a checkout keeps both stages' runs (``--export``; not shipped in the package).
COMMITTED_RUNS = Path("docs") / "data" / "burbank2012-rate-generalization.csv"
NAMES = {"activity": "burbank2012-rate-general-activity", "training": "burbank2012-rate-general"}
TABLE_1 = ("alpha", "delay", "tau_stdp", "noise_rate", "tau_syn", "sigma_input", "sigma_noise", "q_seed", "c_seed")
IN_MS = ("delay", "tau_stdp", "tau_syn")  # (printed in ms)


def drawn_points():
    """One dep-rSTDP point of the landscape sample per (alpha, delay) of :data:`STRATA`, with Fig 5's set-up."""
    sample = landscape.stratified_sample(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED)
    candidates = [p for p in landscape.grid_points() if p in sample and rule_type(p["rule"], p["alpha"]) == "dep-rSTDP"]
    rng = streams.generator(DRAW_SEED, DRAW_STREAM)
    drawn = []
    for alpha, delay in STRATA:
        members = [p for p in candidates if p["alpha"] == alpha and p["delay"] == delay]
        drawn.append({**members[int(rng.integers(len(members)))], **landscape.FIXED})
    return drawn


def folder(stage):
    return landscape.sweep_folder(NAMES[stage], False, landscape.SAMPLE_SEED)


def main():
    parser = argparse.ArgumentParser(description="Run (or resume) the rate generalization and print it")
    parser.add_argument("--no-run", action="store_true", help="only report what has finished")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--export", default=None, help="write both stages' finished runs (CSV, a 'stage' column)")
    args = parser.parse_args()
    seed, run = landscape.SAMPLE_SEED, not args.no_run
    activities, training = [], []
    for index, point in enumerate(drawn_points()):
        activity = rate_probe.stage(rate_probe.activity_points(point, seed), folder("activity"), run, args.workers)
        activities.append(activity.assign(stage="activity", drawn=index))
        if len(activity) < len(rate_probe.SCALES):
            print(f"point {index}: stage 1 has {len(activity)} of {len(rate_probe.SCALES)} scales")
            continue
        activity = activity.sort_values("input_scale")
        scale, why = rate_probe.choose(activity["input_scale"], activity["spikes_lower"])
        values = {name: float(point[name] / ms) if name in IN_MS else point[name] for name in TABLE_1}
        print(f"point {index} {values}: spikes per presentation at x {list(rate_probe.SCALES)}: "
              f"{activity['spikes_lower'].round(1).tolist()}; {why if scale else 'no scale chosen: ' + why}")
        if scale is not None:
            training.extend(rate_probe.training_points([scale], repeats=1, point=point, seed=seed))
    trained = rate_probe.trained(training, folder("training"), run, args.workers) if training else pd.DataFrame()
    print(f"stage 2 (mu = 0.01, cap 625,000, the sample's first initial condition): {len(trained)} of "
          f"{len(STRATA)} runs finished")
    if len(trained):
        columns = ["alpha", "delay [second]", *(name for name in rate_probe.COLUMNS if name != "seed")]
        print(trained[columns].round(4).to_string(index=False))
    if len(trained) == len(STRATA):
        converged = int((trained["outcome"] == "converged").sum())
        reading = ("the rate decides in Fig 5's set-up too" if converged >= 3 else "undecided" if converged == 2
                   else "the rate does not decide in Fig 5's set-up")
        print(f"{converged} of {len(STRATA)} converged: {reading} (registered reading)")
    if args.export:
        every = pd.concat([*activities, trained.assign(stage="training")], ignore_index=True)
        write_csv(args.export, every, "%.6g")


if __name__ == "__main__":
    main()
