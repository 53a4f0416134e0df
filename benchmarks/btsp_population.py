"""Benchmark: the BTSP foraging population (Milstein et al. 2021 rates) compiled vs Brian2 runtime.

500 cells x 200 place inputs (100,000 plastic synapses), 25 laps at 25 cm/s
(187 s of behaviour at dt = 10 ms), random plateaus at 0.0075/s and 0.035/s
near reward, per-lap BTSP, weights recorded after every lap
(``protocols.track.run``).

- ours: C++ standalone, end to end from a cold build folder (``wall_s``),
  and again with the build reused (``wall_warm_s``);
- runtime: the same protocol in Brian2 runtime mode (Cython), timed after a
  first, compiling run of one lap.

``--quick``: 100 cells, 5 laps.

    python benchmarks/btsp_population.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import os
import tempfile
import time

from brian2 import Hz, cm, prefs, second

from gatedplasticity.protocols import track as protocol


def population(cells, laps, backend, seed):
    track = protocol.track(laps, speed=25 * cm / second)
    started = time.perf_counter()
    protocol.run(track, n_cells=cells, n_inputs=200, base_rate=0.0075 * Hz, reward_rate=0.035 * Hz,
                 reward_position=93.5 * cm, seed=seed, backend=backend)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 cells, 5 laps")
    args = parser.parse_args()
    cells, laps = (100, 5) if args.quick else (500, 25)
    os.environ["GATEDPLASTICITY_CACHE"] = tempfile.mkdtemp(prefix="btsp-bench-")  # a cold build
    cold = population(cells, laps, "standalone", seed=0)
    warm = population(cells, laps, "standalone", seed=0)
    prefs.codegen.target = "cython"
    population(cells, 1, "runtime", seed=0)  # compiles the Cython code objects
    runtime = population(cells, laps, "runtime", seed=0)
    print(f"{cells} cells x {laps} laps: standalone {cold:.1f} s cold, {warm:.1f} s warm; runtime (Cython) {runtime:.1f} s")
    print(json.dumps({"wall_s": round(cold, 1), "wall_warm_s": round(warm, 1), "runtime_s": round(runtime, 1),
                      "ratio_vs_runtime": round(runtime / warm, 2)}))


if __name__ == "__main__":
    main()
