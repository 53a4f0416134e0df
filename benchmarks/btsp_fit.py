"""Benchmark: one generation of BTSP fit candidates in closed form vs one network run per candidate.

Workload: 64 candidates (k_plus, k_minus, th_plus, th_minus drawn in the fit's
search box) x the inductions of a synthetic dataset (``fitting.synthetic``,
12 inductions; ``--quick``: 4), 100 inputs each, on their recorded paths.

- ours: ``protocols.btsp_closed_form`` (the lap-integrated rule in closed form, the
  fit's default backend), all 64 candidates in one call, traces computed
  once per fit (``closed_form_setup_s``, not in the per-generation time);
- one run per candidate: the compiled network (``protocols.inductions``)
  built once for one candidate and rerun 64 times with run_args (the
  strongest unbatched baseline: no rebuilds);
  ``ratio_vs_one_run_per_candidate``;
- the batched network (64 candidates as copies of one build, one rerun):
  ``ratio_batched_network_vs_one_run_per_candidate``.

The closed-form and batched weights are checked against the per-candidate
runs (``max_difference_closed_form``, ``max_difference_batched``).
``fit_wall_s``: a whole synthetic fit as docs/btsp-fitting.md states it
(population 64, 30 generations, 12 inductions; ``--quick``: 4 inductions,
population 32, 5 generations); ``real_fit_wall_s``: the population fit of
the real CA1 inductions (``papers.milstein2021.real``: population 64, 30
generations, the four default parameters; null when the data are absent).

    python benchmarks/btsp_fit.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import shutil
import tempfile
import time

import numpy as np
from brian2 import second

from gatedplasticity import streams
from gatedplasticity.fitting import fit, synthetic
from gatedplasticity.papers.milstein2021 import real
from gatedplasticity.protocols import inductions, btsp_closed_form

TRUTH = {"k_plus": 1.6 / second, "k_minus": 0.3 / second, "th_plus": 0.35, "th_minus": 0.05}
CANDIDATES = 64


def candidates(fitted):
    rng = streams.generator(0, "benchmark-candidates")
    return {p.name: rng.uniform(float(p.low), float(p.high), CANDIDATES) * (p.low / float(p.low)) for p in fitted}


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def fit_in_folder(data, fitted, population, generations):
    folder = tempfile.mkdtemp()
    try:
        return fit.fit(data, folder, fitted=fitted, population=population, generations=generations, progress=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
    closed, setup_s = timed(lambda: btsp_closed_form.ClosedForm(setup))
    closed_weights = closed.weights(values, CANDIDATES)
    closed_s = min(timed(lambda: closed.weights(values, CANDIDATES))[1] for _ in range(2))
    with inductions.program(setup, CANDIDATES) as batched:
        weights = inductions.weights(setup, batched.run(values))
        batched_s = min(timed(lambda: batched.run(values))[1] for _ in range(2))
    with inductions.program(setup, 1) as single:
        runs, per_candidate_s = timed(lambda: [inductions.weights(setup, single.run({n: v[k] for n, v in values.items()}))
                                               for k in range(CANDIDATES)])
    runs = np.concatenate(runs)

    fit_data = synthetic.generate(TRUTH, n_inductions=4, seed=2012) if quick else data
    population = 32 if quick else 64
    result, fit_wall_s = timed(lambda: fit_in_folder(fit_data, fitted, population, 5 if quick else 30))
    real_result, real_fit_wall_s = (None, None) if real.missing() else \
        timed(lambda: fit_in_folder(real.load(), fit.parameters(), 64, 30))
    figures = {
        "inductions": len(objective.inductions), "candidates": CANDIDATES,
        "closed_form_s": round(closed_s, 4), "closed_form_setup_s": round(setup_s, 2),
        "one_run_per_candidate_s": round(per_candidate_s, 3), "batched_network_s": round(batched_s, 3),
        "ratio_vs_one_run_per_candidate": round(per_candidate_s / closed_s, 1),
        "ratio_batched_network_vs_one_run_per_candidate": round(per_candidate_s / batched_s, 2),
        "max_difference_closed_form": float(np.abs(closed_weights - runs).max()),
        "max_difference_batched": float(np.abs(weights - runs).max()),
        "fit_wall_s": round(fit_wall_s, 1), "fit_generations": len(result.history),
        "fit_evaluations": result.evaluations, "fit_loss_mV2": result.loss,
        "published_parameters_loss_mV2": result.published_loss,
        "fitted": {name: float(value) for name, value in result.best.items()},
        "truth": {name: float(value) for name, value in TRUTH.items()},
        "real_inductions": None if real_result is None else len(real.load().ids),
        "real_fit_wall_s": None if real_result is None else round(real_fit_wall_s, 1),
        "real_fit_loss_mV2": None if real_result is None else real_result.loss,
        "real_published_loss_mV2": None if real_result is None else real_result.published_loss,
        "quick": quick,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
