"""Benchmark: a standalone build with precompiled standard headers vs Brian2's default build.

Workloads, each built from scratch in a fresh project folder (code
generation + ``make``; the program is not run):

- ``stdp-drift``: the sweep experiment's network (Poisson pre/post, 1,000
  reverse-STDP synapses; 13 code objects);
- ``btsp-track``: ``protocols.track.run`` on 3 laps, 1 cell x 100 inputs,
  run included (it is short).

- ours: ``Session`` as shipped: GCC loads the standard headers from
  ``precompiled.include_args`` (built once per cache, its time reported as
  ``header_build_s``, not counted in the ratio);
- baseline: Brian2's default build, the same session with
  ``GATEDPLASTICITY_PRECOMPILED_HEADERS=0``.

Both variants run alternately, ``repeats`` times each (best kept), so that
load from other processes hits both alike.

    python benchmarks/standalone_build.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from brian2 import Network, cm, second

from gatedplasticity import precompiled
from gatedplasticity.backends import CACHE_ENV, Session, cache_root
from gatedplasticity.papers.burbank2012.sweeps import DT, drift_network
from gatedplasticity.protocols import track


def build_drift(directory):
    with Session("standalone", seed=0, directory=directory, dt=DT, progress=False) as session:
        session.run_stage(1 * second, Network(*drift_network("reverse", 1000)))
        session.finish(run=False)


def build_track(directory):
    """In a cache of its own (a fresh project folder) that shares the precompiled header of the main one."""
    shared = cache_root() / "precompiled"
    directory.mkdir(parents=True)
    (directory / "precompiled").symlink_to(shared, target_is_directory=True)
    os.environ[CACHE_ENV] = str(directory)
    track.run(track.track(3, speed=25 * cm / second), n_inputs=100, backend="standalone", induced=[(0, 1, 90 * cm)])


WORKLOADS = {"stdp-drift": build_drift, "btsp-track": build_track}


def timed(build, directory, precompiled_headers):
    """Seconds to build (and for btsp-track run) one workload in ``directory``; the main cache is restored."""
    main_cache = os.environ[CACHE_ENV]
    os.environ[precompiled.ENV] = "1" if precompiled_headers else "0"
    started = time.perf_counter()
    build(directory)
    os.environ[CACHE_ENV] = main_cache
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one workload, one repeat")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="standalone-build-"))
    os.environ[CACHE_ENV] = str(folder)
    started = time.perf_counter()
    precompiled.include_args(cache_root())
    figures = {"header_build_s": round(time.perf_counter() - started, 2)}
    repeats = 1 if args.quick else 3
    for name, build in list(WORKLOADS.items())[:1 if args.quick else None]:
        ours, baseline = [], []
        for repeat in range(repeats):
            ours.append(timed(build, folder / f"{name}-ours-{repeat}", True))
            baseline.append(timed(build, folder / f"{name}-baseline-{repeat}", False))
            print(f"{name} repeat {repeat}: ours {ours[-1]:.1f} s, Brian2 default {baseline[-1]:.1f} s", flush=True)
        figures.update({f"{name}_s": round(min(ours), 2), f"{name}_baseline_s": round(min(baseline), 2),
                        f"{name}_ratio_vs_default": round(min(baseline) / min(ours), 2)})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
