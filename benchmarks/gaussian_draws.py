"""Benchmark: the cost of one random draw in a compiled program, ours (a stream per copy) vs Brian2's.

Workload: 20,000 elements in 4 copies draw 3 numbers per time step for 2,000
steps (``--quick``: 500), compiled once (``backends.Program``, standalone);
each variant is the built program run again (best of 3). The cost per draw
is (run time - run time of the same program drawing nothing) / draws.

- ``copy_randn`` (``backends.copy_random``: a 128-layer ziggurat on one
  xoshiro256** generator per copy) vs Brian2's ``randn()``
  (``ratio_randn``); ``copy_rand`` vs ``rand()`` (``ratio_rand``).

    python benchmarks/gaussian_draws.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import time

from brian2 import NeuronGroup, ms

from gatedplasticity.backends import Built, Program, copy_random

ELEMENTS, COPIES, DRAWS_PER_STEP = 20_000, 4, 3
DT = 0.1 * ms
EXPRESSIONS = {"none": "0", "randn": "randn()", "copy_randn": "copy_randn(copy)", "rand": "rand()",
               "copy_rand": "copy_rand(copy)"}


def drawing(structure, copies):
    """Every element sums ``DRAWS_PER_STEP`` draws of ``expression`` at every step."""
    expression, steps = structure
    group = NeuronGroup(ELEMENTS, "total : 1\ncopy : integer (constant)", namespace=dict(copy_random.FUNCTIONS),
                        name="drawing")
    group.copy = copy_random.copy_indices(copies, ELEMENTS // copies)
    code = "\n".join(f"total += {expression}" for _ in range(DRAWS_PER_STEP))
    return Built(objects=[group, group.run_regularly(code, when="start")], duration=steps * DT,
                 outputs={"total": group.total}, copy_streams=True)


def run_time(name, steps):
    with Program(drawing, (EXPRESSIONS[name], steps), copies=COPIES, dt=DT) as program:
        program.run(seed=0)  # warm file caches
        times = []
        for seed in (1, 2, 3):
            started = time.perf_counter()
            program.run(seed=seed)
            times.append(time.perf_counter() - started)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 steps instead of 2,000")
    steps = 500 if parser.parse_args().quick else 2000
    draws = ELEMENTS * DRAWS_PER_STEP * steps
    seconds = {name: run_time(name, steps) for name in EXPRESSIONS}
    ns = {name: 1e9 * (seconds[name] - seconds["none"]) / draws for name in EXPRESSIONS if name != "none"}
    figures = {"draws": draws, "copies": COPIES, **{f"ns_per_draw_{name}": round(value, 2) for name, value in ns.items()},
               "ratio_randn": round(ns["randn"] / ns["copy_randn"], 2),
               "ratio_rand": round(ns["rand"] / ns["copy_rand"], 2)}
    for name, value in figures.items():
        print(f"{name:24s} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
