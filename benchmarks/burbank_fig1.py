"""Benchmark: the STDP window of burbank2012-fig1, batched vs naive, runtime vs standalone.

Baseline ("naive"): what a Brian2 user writes first, one network and one
``run()`` per pairing delay in runtime (Cython) mode. Ours: all delays as one
synapse each in a single network and run. Also times the whole figure
(windows + Poisson drift) in both backends. Compilation is excluded: every
variant runs once before it is timed (Cython cache / standalone build reused).

    python benchmarks/burbank_fig1.py [--quick]

Last line: one JSON object with the timings (s) and ratios.
"""

import argparse
import json
import time

import numpy as np
from brian2 import ms

import gatedplasticity as gp
from gatedplasticity.papers.burbank2012 import fig1
from gatedplasticity.rules import stdp


def window_run(delays):
    """One network holding a synapse per delay; returns wall time (s)."""
    started = time.perf_counter()
    with gp.Session(progress=False, dt=fig1.DT) as session:
        pairs = gp.protocols.pairing(delays, dt=fig1.DT)
        synapses = stdp.classical().synapses(pairs.pre, pairs.post, connect={"j": "i"})
        session.run(pairs.duration, [pairs.pre, pairs.post, synapses])
    return time.perf_counter() - started


def naive_runs(delays):
    """A separate network and run() per delay; returns wall time (s)."""
    started = time.perf_counter()
    for delay in delays:
        window_run([float(delay / ms)] * ms)
    return time.perf_counter() - started


def figure_time(backend, quick):
    fig1.simulate(seed=0, quick=quick, backend=backend, progress=False)  # compile / build
    started = time.perf_counter()
    fig1.simulate(seed=0, quick=quick, backend=backend, progress=False)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="41 delays instead of 201, quick figure")
    quick = parser.parse_args().quick
    delays = np.arange(-100, 101, 5 if quick else 1) * ms
    window_run(delays[:2])  # warm the Cython cache for both variants
    batched = window_run(delays)
    naive = naive_runs(delays)
    runtime, standalone = figure_time("runtime", quick), figure_time("standalone", quick)
    figures = {
        "delays": len(delays),
        "naive_window_s": round(naive, 3),
        "batched_window_s": round(batched, 3),
        "ratio_vs_naive": round(naive / batched, 1),
        "figure_runtime_s": round(runtime, 3),
        "figure_standalone_s": round(standalone, 3),
        "ratio_standalone_vs_runtime": round(runtime / standalone, 2),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
