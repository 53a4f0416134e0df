"""Benchmark: compiled spiking multi-layer training (plateau-gated, two-compartment LIF) vs a NumPy loop.

Workload: the 64-64-10 spiking network of ``gatedplasticity2026-fig6`` on
the first 200 training and 50 test digits (``--quick``: 40 and 10), one
epoch, seed 0: 0.2 s of network time per image, 800 steps of 0.25 ms.

- ours: ``protocols.multilayer.spiking.train(..., ["plateau"],
  backend="standalone")``, timed end to end (code generation, the reused
  build, the run, reading the records back): best of two calls after the
  first, whose time with the build is reported too;
- baseline, ``ratio_vs_numpy``: ``protocols.multilayer.spiking_reference.train``,
  the same network, spikes and rule as a NumPy loop over time steps
  (vectorised over neurons), as such a simulation is usually hand-rolled;
- ``batched_5_seeds_wall_s`` / ``ratio_vs_numpy_5_seeds``: five seeds as
  blocks of one compiled network, against five NumPy runs (timed: the first
  seed's, times five).
``max_difference``: largest difference between compiled and NumPy outputs (equal spikes).

    python benchmarks/spiking_multilayer.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import time

import numpy as np

from gatedplasticity.papers.gatedplasticity2026.fig6 import parameters
from gatedplasticity.protocols.multilayer import spiking, spiking_reference, tasks

SIZES = (64, 64, 10)


def workload(quick):
    data = tasks.digits()
    n_train, n_test = (40, 10) if quick else (200, 50)
    return tasks.Dataset("digits subset", data.train_x[:n_train], data.train_y[:n_train], data.test_x[:n_test],
                         data.test_y[:n_test], 10)


def compiled(data, seeds):
    started = time.perf_counter()
    record = spiking.train(data, SIZES, ["plateau"], seeds, 1, parameters=parameters(), backend="standalone",
                           name=f"benchmark-spiking-{len(seeds)}")
    return record, time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    data = workload(args.quick)
    _, first_s = compiled(data, [0])
    (record, ours_s), (_, again_s) = compiled(data, [0]), compiled(data, [0])
    ours_s = min(ours_s, again_s)
    started = time.perf_counter()
    looped = spiking_reference.train(data, SIZES, "plateau", 0, 1, parameters())
    numpy_s = time.perf_counter() - started
    seeds = [0, 1, 2, 3, 4]
    compiled(data, seeds)
    batched_s = min(compiled(data, seeds)[1], compiled(data, seeds)[1])
    figures = {
        "presentations": int(len(record.schedule.order)), "train_wall_s": round(ours_s, 2),
        "first_call_with_build_s": round(first_s, 2), "numpy_loop_s": round(numpy_s, 2),
        "ratio_vs_numpy": round(numpy_s / ours_s, 2), "batched_5_seeds_wall_s": round(batched_s, 2),
        "ratio_vs_numpy_5_seeds": round(5 * numpy_s / batched_s, 2),
        "max_difference": float(np.abs(record.outputs["plateau"][:, 0] - looped["outputs"]).max()),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
