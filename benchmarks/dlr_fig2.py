"""Benchmark: rao2021-fig2 training, batched compiled network vs the naive Brian2 script.

Baseline ("naive"): what a Brian2 user writes first: runtime (Cython) mode,
one learner, a Python loop that draws a sample, sets the input rates and
calls ``run(400 ms)`` once per presentation (timed on a few presentations
after a warm-up, extrapolated to 100 runs x 30,000 presentations).
Ours: all runs batched in one C++ standalone program with sampling, teaching
and learning in compiled code (``papers.rao2021.training.train_single_branch``); the build
is reused, so its time is excluded as for the warm-up of the baseline.

    python benchmarks/dlr_fig2.py [--quick]

``--quick`` times ours on 20 runs and projects to the full workload. The last
line is one JSON object.
"""

import argparse
import json
import time

import numpy as np
from brian2 import Hz, Network, mV

import gatedplasticity as gp
from gatedplasticity.models.dlr import BRANCH_READOUT_RESET, PSP_INPUT_RESET
from gatedplasticity.papers.rao2021 import fig2, training
from gatedplasticity.papers.rao2021 import parameters as rao
from gatedplasticity.rules import dlr

FULL_RUNS, FULL_PRESENTATIONS = 100, rao.VALUES["fig2_presentations"]


def naive_seconds_per_presentation(presentations=20, warmup=3):
    """One run() per presentation in runtime mode; returns s per presentation."""
    rng = np.random.default_rng(0)
    with gp.Session(dt=rao.DT, progress=False):
        steps = round(float(rao.PRESENTATION / rao.DT))
        inputs = gp.models.psp_input(steps).neurons(3)
        inputs.run_regularly(PSP_INPUT_RESET, dt=rao.PRESENTATION, when="start")
        learner = gp.models.dlr_neuron().neurons(1)
        learner.run_regularly(BRANCH_READOUT_RESET, dt=rao.PRESENTATION, when="start")
        synapses = dlr.single_branch().synapses(inputs, learner, t_train=FULL_PRESENTATIONS * rao.PRESENTATION)
        synapses.w = training.initial_weights(1, 0).ravel() * mV
        network = Network(inputs, learner, synapses)
        started = None
        for n in range(warmup + presentations):
            if n == warmup:
                started = time.perf_counter()
            x, z = rao.MIXTURE.sample(1, rng)
            inputs.rate = np.clip([*x[0], float(rao.VALUES["fig2_bias"] / Hz)], 0, None) * Hz
            learner.v_a += 30 * mV * z[0]  # instructive input at the presentation's start
            network.run(rao.PRESENTATION, namespace={})
    return (time.perf_counter() - started) / presentations


def ours_seconds(runs):
    config = {"runs": runs, "presentations": FULL_PRESENTATIONS, "record_every": fig2.RECORD_EVERY}
    training.train_single_branch(runs, 10, fig2.RECORD_EVERY, seed=0, backend="standalone", progress=False)  # build
    started = time.perf_counter()
    training.train_single_branch(*config.values(), seed=0, backend="standalone", progress=False)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time ours on 20 runs and project")
    quick = parser.parse_args().quick
    naive = naive_seconds_per_presentation()
    runs = 20 if quick else FULL_RUNS
    ours = ours_seconds(runs)
    ours_full = ours * FULL_RUNS / runs if quick else ours
    naive_full = naive * FULL_RUNS * FULL_PRESENTATIONS
    print(json.dumps({
        "naive_s_per_presentation": round(naive, 4),
        "naive_projected_full_s": round(naive_full),
        "ours_measured_s": round(ours, 1),
        "ours_runs_measured": runs,
        "ours_projected_full_s": round(ours_full, 1),
        "ratio_vs_naive": round(naive_full / ours_full, 1),
    }))


if __name__ == "__main__":
    main()
