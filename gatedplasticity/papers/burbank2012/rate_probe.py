"""Does depression-biased rSTDP converge at Fig 6's high rates without homeostasis? The pre-registered rate probe.

``docs/burbank2012-calibration.md`` ("Rate probe") states the question and the
reading. In Fig 6, dep-rSTDP with homeostasis converged at a target rate of
120 Hz (~19.2 lower spikes per neuron per presentation) and not at 20 or
80 Hz; homeostasis raises both the input gain and the top-down weights. The
probe raises the lower layer's rate by the external input alone
(``input_scale``) at the same network and point, homeostasis off.

Stage 1 (activity only) runs each of :data:`SCALES` for
:data:`ACTIVITY_PRESENTATIONS` presentations with mu = 0 and chooses the scale
whose lower-layer spikes per presentation is closest (log ratio) to
:data:`TARGET_SPIKES` (:func:`choose`). Stage 2 trains that scale from the three
initial conditions, each to its verdict or 625,000 presentations. The rate scan
(registered after the probe's outcome) trains :data:`SCAN_SCALES` from the first
initial condition and asks whether any converges near the fixed point
(:func:`near_fixed_point`). This explains a result; it changes none of the
package's values.

    python -m gatedplasticity.papers.burbank2012.rate_probe [--scan] [--no-run] [--export CSV]
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import Hz

from ... import sweep
from ...results import write_csv
from ...protocols.top_down.structure import PRESENTATION
from . import fig6, landscape
from .fig5 import labelled
from .parameters import VALUES
from .sweeps import BURBANK_IF

#: Fig 6's depression-biased rSTDP point on Fig 6's network (Table 1's last column: the experiment's defaults).
POINT = {"rule": "reverse", "alpha": 1.2, **fig6.FIXED}
#: Stage 1's grid of ``input_scale`` (x the published peak input rate of 20,000 spikes/s).
SCALES = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)
#: Lower-layer spikes per neuron per presentation of Fig 6's converged runs: F = 120 Hz x 160 ms.
TARGET_SPIKES = float(120 * Hz * PRESENTATION)
#: Stage 1's admissibility: the chosen scale's spikes within this factor of the target, below the 1-ms ceiling.
MATCH_FACTOR, CEILING_SPIKES = 1.25, 160.0
#: Stage 1's presentations per scale (learning off).
ACTIVITY_PRESENTATIONS = 500
#: The probe's seed (repeat 0 is Fig 6's run seed) and its initial conditions.
SEED, REPEATS = 0, 3
#: The rate scan (registered after the probe's outcome): these scales, the first initial condition each.
SCAN_SCALES = (4.0, 5.0, 6.0)
#: A weight is saturated beyond this fraction of the bound; the scan's criterion (:func:`near_fixed_point`).
SATURATION, SATURATED_BELOW, ALIGNED_FROM = 0.9, 0.1, 0.5
NAMES = {"activity": "burbank2012-rate-probe-activity", "training": "burbank2012-rate-probe",
         "scan": "burbank2012-rate-scan"}
#: Where a checkout keeps the probe's runs, every stage (``--export``; not shipped in the package).
COMMITTED_RUNS = Path("docs") / "data" / "burbank2012-rate-probe.csv"
COLUMNS = ["input_scale", "seed", "outcome", "presentations", "std_w", "saturated", "fraction_extreme", "corr_lag",
           "corr_fixed_point", "corr_initial_conditions", "spikes_lower", "spikes_higher"]


def activity_points(point=POINT, seed=SEED):
    """Stage 1: ``point`` at every scale of :data:`SCALES`, mu = 0, the first initial condition of ``seed``."""
    rows = [{**point, "input_scale": scale, "mu": 0.0, "max_presentations": ACTIVITY_PRESENTATIONS}
            for scale in SCALES]
    return sweep.points(BURBANK_IF, rows=rows, seed=seed)


def choose(scales, spikes_lower):
    """(the scale whose lower-layer spikes per presentation is closest in log ratio to :data:`TARGET_SPIKES`,
    or None, and why): None unless within :data:`MATCH_FACTOR` of the target and below the ceiling."""
    scales, spikes = np.asarray(scales, float), np.asarray(spikes_lower, float)
    firing = spikes > 0
    if not firing.any():
        return None, "no scale makes the lower layer fire"
    distance = np.where(firing, np.abs(np.log(np.where(firing, spikes, 1.0) / TARGET_SPIKES)), np.inf)
    best = int(np.argmin(distance))
    if distance[best] > np.log(MATCH_FACTOR) or spikes[best] >= CEILING_SPIKES:
        return None, (f"closest: input_scale {scales[best]:g} gives {spikes[best]:.1f} spikes per presentation, "
                      f"not within x{MATCH_FACTOR} of {TARGET_SPIKES:.1f} below the ceiling {CEILING_SPIKES:g}")
    return float(scales[best]), f"input_scale {scales[best]:g}: {spikes[best]:.1f} spikes per presentation"


def training_points(scales, repeats=REPEATS, point=POINT, seed=SEED):
    """Stage 2 (one scale) or the scan: ``point`` at each of ``scales`` and the paper's mu, ``repeats`` initial
    conditions of ``seed``, to the verdict or 625,000 presentations."""
    rows = [{**point, "input_scale": scale, "max_presentations": VALUES["max_presentations"]} for scale in scales]
    return sweep.points(BURBANK_IF, rows=rows, repeats=repeats, seed=seed)


def near_fixed_point(table):
    """The scan's registered criterion per run: converged, saturated fraction below :data:`SATURATED_BELOW`, corr
    with Q^-T of :data:`ALIGNED_FROM` or more."""
    return ((table["outcome"] == "converged") & (table["saturated"] < SATURATED_BELOW)
            & (table["corr_fixed_point"] >= ALIGNED_FROM))


def folder(stage):
    return landscape.sweep_folder(NAMES[stage], False, SEED)


def stage(points, where, run, workers=None):
    """The sweep table of ``points``: those finished in folder ``where`` (under any package source: matched by
    what each run is), and unless ``run`` is False the others, run now."""
    done = sweep.Store(where).table()
    done = done.drop_duplicates("point", ignore_index=True) if "point" in done else None
    if run:
        table = sweep.run_sweep(points, where, copies=len(points), workers=workers, progress=False, finished=done)
        done = table.drop_duplicates("point", ignore_index=True)
    return sweep.finished_rows(points, done)


def trained(points, where, run, workers=None):
    """A training stage's labelled table (``fig5.labelled``) with each run's saturated fraction: of its final
    weights, those with ``|w| > SATURATION x`` its bound (NaN without a checkpoint)."""
    table = labelled(stage(points, where, run, workers), where)
    finals = [landscape.final_weights(where, key) for key in table.get("key", [])]
    return table.assign(saturated=[np.nan if w is None else float(np.mean(np.abs(w) > SATURATION * bound))
                                   for w, bound in zip(finals, table.get("w_bound", []))])


def main():
    parser = argparse.ArgumentParser(description="Run (or resume) the rate probe and print both stages")
    parser.add_argument("--no-run", action="store_true", help="only report what has finished")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--scan", action="store_true", help="also the rate scan (SCAN_SCALES)")
    parser.add_argument("--export", default=None, help="write every stage's finished runs (CSV, a 'stage' column)")
    args = parser.parse_args()
    activity = stage(activity_points(), folder("activity"), not args.no_run, args.workers)
    if len(activity) < len(SCALES):
        print(f"stage 1: {len(activity)} of {len(SCALES)} scales finished")
        return
    activity = activity.sort_values("input_scale")
    print("stage 1 (mu = 0, 500 presentations): spikes per neuron per presentation")
    print(activity[["input_scale", "spikes_lower", "spikes_higher"]].round(3).to_string(index=False))
    scale, why = choose(activity["input_scale"], activity["spikes_lower"])
    print(f"chosen: {why}" if scale is not None else f"the probe stops: {why}")
    if scale is None:
        return
    probe = trained(training_points([scale]), folder("training"), not args.no_run, args.workers)
    print(f"stage 2 (input_scale {scale:g}, mu = 0.01, cap 625,000): {len(probe)} of {REPEATS} runs finished")
    print(probe[COLUMNS].round(4).to_string(index=False) if len(probe) else "(none yet)")
    if len(probe) == REPEATS:
        converged = int((probe["outcome"] == "converged").sum())
        reading = {0: "rates alone do not suffice (b)", 1: "undecided"}.get(converged, "rates suffice (a)")
        print(f"{converged} of {REPEATS} converged: {reading} (registered reading)")
    tables = [activity.assign(stage="activity"), probe.assign(stage="training")]
    if args.scan:
        scan = trained(training_points(SCAN_SCALES, repeats=1), folder("scan"), not args.no_run, args.workers)
        print(f"rate scan (input_scale {', '.join(f'{s:g}' for s in SCAN_SCALES)}, first initial condition): "
              f"{len(scan)} of {len(SCAN_SCALES)} runs finished")
        if len(scan):
            print(scan.sort_values("input_scale")[COLUMNS].round(4).to_string(index=False))
        if len(scan) == len(SCAN_SCALES):
            found = "exists" if near_fixed_point(scan).any() else "was not found"
            print(f"a regime near the fixed point {found} (registered criterion: converged, saturated fraction < "
                  f"{SATURATED_BELOW}, corr with Q^-T >= {ALIGNED_FROM})")
        tables.append(scan.assign(stage="scan"))
    if args.export:
        every = pd.concat(tables, ignore_index=True)
        write_csv(args.export, every, "%.6g")

if __name__ == "__main__":
    main()
