"""Benchmark: per-point cost of a compile-once standalone sweep vs recompiling and vs runtime mode.

Experiment: ``stdp-drift`` (1,000 synapses, Poisson pre/post at 20 Hz, 20 s of
simulated time, reverse STDP), points over mu.

- ours: ``sweep.run_sweep`` with one worker: the project is built once and
  every point reruns the binary with ``run_args`` (time per point after the
  build).
- recompile: what a script does without run_args: one standalone build per
  point with the point's values compiled in (a fresh project folder each).
- runtime: the same network in Brian2 runtime mode (Cython), one
  ``run()`` per point after a first, compiling, point.
- workers: the sweep's throughput with 2 local worker processes vs 1 (after
  the build), on twice as many points.

    python benchmarks/sweep_overhead.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

from brian2 import Hz, prefs, second

from gatedplasticity import papers, sweep
from gatedplasticity.backends import Session
from gatedplasticity.papers.burbank2012.sweeps import DT, drift_network

STRUCTURE = {"rule": "reverse", "synapses": 1000, "duration": 20.0, "rate": 20 * Hz}


def grid(count, offset=0):
    return sweep.points(papers.experiment("stdp-drift"), grid={**{k: [v] for k, v in STRUCTURE.items()},
                                             "mu": [0.01 + 0.001 * (k + offset) for k in range(count)]})


def sweep_seconds_per_point(count, workers, folder):
    sweep.run_sweep(grid(1, offset=1000), folder / "warm", workers=1, progress=False)  # the build
    started = time.perf_counter()
    sweep.run_sweep(grid(count), folder / f"w{workers}", workers=workers, progress=False)
    return (time.perf_counter() - started) / count


def per_point(backend, values_list, folder):
    """Seconds per point when every point builds its own network (standalone) or reruns it (runtime)."""
    times = []
    for index, values in enumerate(values_list):
        started = time.perf_counter()
        directory = folder / f"recompile-{index}" if backend == "standalone" else None
        with Session(backend, seed=index, directory=directory, dt=DT, progress=False) as session:
            pre, post, synapses = drift_network(STRUCTURE["rule"], STRUCTURE["synapses"])
            synapses.mu, synapses.alpha = values["mu"], values["alpha"]
            pre.rate = post.rate = values["rate"]
            session.run(STRUCTURE["duration"] * second, [pre, post, synapses])
        times.append(time.perf_counter() - started)
    return sum(times[1:]) / len(times[1:]) if backend == "runtime" else sum(times) / len(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer points")
    args = parser.parse_args()
    count = 8 if args.quick else 40
    folder = Path(tempfile.mkdtemp(prefix="sweep-overhead-"))
    ours = sweep_seconds_per_point(count, 1, folder)
    two = sweep_seconds_per_point(2 * count, 2, folder)
    one = sweep_seconds_per_point(2 * count, 1, folder / "again")
    sweep.release()
    values = [point.values for point in grid(3 if args.quick else 5)]
    recompile = per_point("standalone", values[:2], folder)
    prefs.codegen.target = "cython"
    runtime = per_point("runtime", values, folder)
    figures = {
        "points": count, "sweep_s_per_point": round(ours, 4), "recompile_s_per_point": round(recompile, 2),
        "runtime_s_per_point": round(runtime, 3),
        "ratio_vs_recompile": round(recompile / ours, 1), "ratio_vs_runtime": round(runtime / ours, 1),
        "ratio_workers_2_vs_1": round(one / two, 2),
    }
    for name, value in figures.items():
        print(f"{name:24s} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
