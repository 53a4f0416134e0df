"""Benchmark: opening a sweep's program in a new process, build folder reused vs a fresh one.

Workload: ``sweep stdp-drift``'s program (Poisson pre/post, 1,000 reverse-STDP synapses, 1 s;
``papers.burbank2012.sweeps.prepare_drift``), opened (code generation + ``make``) and run once in
a new Python process, as every sweep, fit and worker process does.

- ours: the folder is named by project and structure (``Program``, ``structure_digest``), so a
  later process finds the compiled objects of an earlier one and ``make`` has nothing to do;
- baseline: a folder of its own per process, as before issue 30 (``<name>-<pid>``): here a new
  empty cache for each process (the precompiled standard header shared, so only the reuse differs).

The processes alternate, ``repeats`` times each (best kept), so that other load hits both alike.

    python benchmarks/build_reuse.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from gatedplasticity import precompiled
from gatedplasticity.backends import CACHE_ENV

OPEN_AND_RUN = """
import time
started = time.perf_counter()
from gatedplasticity.papers.burbank2012.sweeps import prepare_drift
program = prepare_drift(("reverse", 1000, 1.0))
program.run({"alpha": 1.2})
print(time.perf_counter() - started)
"""


def timed_process(cache):
    """Seconds one new process takes to open and run the drift program with ``cache`` as its cache."""
    result = subprocess.run([sys.executable, "-c", OPEN_AND_RUN], env={**os.environ, CACHE_ENV: str(cache)},
                            capture_output=True, text=True, check=True)
    return float(result.stdout.split()[-1])


def fresh_cache(root, shared_header, label):
    """An empty cache that shares the precompiled header (built once, not timed)."""
    cache = root / label
    cache.mkdir()
    (cache / "precompiled").symlink_to(shared_header, target_is_directory=True)
    return cache


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="build-reuse-"))
    shared = root / "shared"
    precompiled.include_args(shared)
    reused = fresh_cache(root, shared / "precompiled", "reused")
    first = timed_process(reused)  # the first process of the reused cache builds from nothing
    ours, baseline = [], []
    for repeat in range(1 if args.quick else 3):
        ours.append(timed_process(reused))
        baseline.append(timed_process(fresh_cache(root, shared / "precompiled", f"fresh-{repeat}")))
        print(f"repeat {repeat}: reused {ours[-1]:.1f} s, fresh folder {baseline[-1]:.1f} s", flush=True)
    print(json.dumps({"first_process_s": round(first, 2), "reused_s": round(min(ours), 2),
                      "fresh_folder_s": round(min(baseline), 2),
                      "ratio_vs_fresh_folder": round(min(baseline) / min(ours), 2)}))


if __name__ == "__main__":
    main()
