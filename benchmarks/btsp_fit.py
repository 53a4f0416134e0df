"""Benchmark: one generation of BTSP fit candidates as one batched compiled run vs one run per candidate.

Workload: 64 candidates (k_plus, k_minus, th_plus, th_minus drawn in the fit's
search box) x the inductions of a synthetic dataset (``fitting.synthetic``,
12 inductions; ``--quick``: 4), 100 inputs each, on their recorded paths.

- ours: ``protocols.inductions.program`` with 64 candidates as copies, one
  standalone build, one rerun per generation (best of two reruns timed);
- one run per candidate: the same program built once for one candidate and
  rerun 64 times with run_args (the strongest unbatched baseline: no
  rebuilds); ``ratio_vs_one_run_per_candidate``;
- one build per candidate (how a standalone script is naively written: a
  fresh build and run per candidate): two builds are timed and scaled to
  64, ``ratio_vs_one_build_per_candidate_estimated``.

The batched weights are checked against the per-candidate runs
(``max_difference``). ``fit_wall_s``: a whole synthetic fit as
docs/btsp-fitting.md states it (population 64, 30 generations, 12
inductions; ``--quick``: 4 inductions, population 32, 5 generations), on
two local worker processes (two batches of 32 per generation), as on a
2-core laptop.

    python benchmarks/btsp_fit.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import os
import shutil
import tempfile
import time

import numpy as np
from brian2 import second

from gatedplasticity import streams
from gatedplasticity.fitting import fit, synthetic
from gatedplasticity.protocols import inductions

TRUTH = {"k_plus": 1.6 / second, "k_minus": 0.3 / second, "th_plus": 0.35, "th_minus": 0.05}
CANDIDATES = 64


def candidates(fitted):
    rng = streams.generator(0, "benchmark-candidates")
    return {p.name: rng.uniform(float(p.low), float(p.high), CANDIDATES) * (p.low / float(p.low)) for p in fitted}


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    data = synthetic.generate(TRUTH, n_inductions=4 if quick else 12, seed=2012)
    objective = fit.objective_for(data)
    fitted = fit.parameters(tuple(TRUTH))
    values = candidates(fitted)
    names = tuple(values)

    setup = inductions.InductionSetup(objective.inductions, fitted=names)
    started = time.perf_counter()
    with inductions.program(setup, CANDIDATES) as batched:
        build_batched_s = time.perf_counter() - started
        weights = inductions.weights(setup, batched.run(values))
        batched_s = min(timed(lambda: batched.run(values))[1] for _ in range(2))

    started = time.perf_counter()
    with inductions.program(setup, 1) as single:
        build_single_s = time.perf_counter() - started
        runs, per_candidate_s = timed(lambda: [inductions.weights(setup, single.run({n: v[k] for n, v in values.items()}))
                                               for k in range(CANDIDATES)])
    difference = float(np.abs(np.concatenate(runs) - weights).max())

    builds = []
    for k in range(2):
        cache = tempfile.mkdtemp()
        os.environ["GATEDPLASTICITY_CACHE"] = cache
        builds.append(timed(lambda: inductions.simulate(setup, {n: v[k] for n, v in values.items()}))[1])
        shutil.rmtree(cache, ignore_errors=True)
        del os.environ["GATEDPLASTICITY_CACHE"]

    fit_data = synthetic.generate(TRUTH, n_inductions=4, seed=2012) if quick else data
    folder = tempfile.mkdtemp()
    population = 32 if quick else 64
    result, fit_wall_s = timed(lambda: fit.fit(fit_data, folder, fitted=fitted, population=population,
                                               generations=5 if quick else 30, batch=population // 2, workers=2,
                                               progress=False))
    shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "inductions": len(objective.inductions), "candidates": CANDIDATES,
        "batched_run_s": round(batched_s, 3), "batched_build_s": round(build_batched_s, 1),
        "one_run_per_candidate_s": round(per_candidate_s, 3), "single_build_s": round(build_single_s, 1),
        "ratio_vs_one_run_per_candidate": round(per_candidate_s / batched_s, 2),
        "one_build_per_candidate_s_estimated": round(np.mean(builds) * CANDIDATES, 1),
        "ratio_vs_one_build_per_candidate_estimated": round(np.mean(builds) * CANDIDATES / batched_s, 1),
        "max_difference": difference,
        "fit_wall_s": round(fit_wall_s, 1), "fit_workers": 2, "fit_generations": len(result.history),
        "fit_evaluations": result.evaluations, "fit_loss_mV2": result.loss,
        "published_parameters_loss_mV2": result.published_loss,
        "fitted": {name: float(value) for name, value in result.best.items()},
        "truth": {name: float(value) for name, value in TRUTH.items()}, "quick": quick,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
