"""Benchmark: full-scale rao2021-fig3 training (900 learners x 24,000 inputs, 168,000 presentations).

Ours: input spikes drawn in numpy and replayed into event-driven inputs; the
rule's synapses run once per presentation and only for inputs active in it
(``papers.rao2021.training.train_grid``), one C++ standalone program.
Reported: wall time of the whole training call (drawing spikes, building,
running, reading weights back), the standalone program's own run time, the
peak resident memory of the child processes (compiler, program) and of this process, and the fraction of
the 21.6 M synapses a presentation touches compared with a dense pass
(baseline: every synapse updated every presentation).

    python benchmarks/dlr_fig3.py [--quick]

``--quick`` trains on 1/8 of the presentations and projects the wall time to
the full run (the program's cost is linear in presentations). The last line
is one JSON object.
"""

import argparse
import json
import resource
import time

import numpy as np

from gatedplasticity.backends import cache_directory
from gatedplasticity.papers.rao2021 import fig3
from gatedplasticity.papers.rao2021.training import train_grid

FULL_PRESENTATIONS = 168_000


def active_fraction(presentations=2000):
    """Mean fraction of inputs active (spiking in this or the previous presentation) per presentation."""
    rng = np.random.default_rng(0)
    samples = fig3.TASK.sample(presentations, rng)
    indices, times = fig3.TASK.input_spikes(samples, rng, fig3.PRESENTATION, fig3.DT)
    presentation = (times / float(fig3.PRESENTATION)).astype(int)
    active = 0
    for n in range(1, presentations):
        active += len(np.union1d(indices[presentation == n], indices[presentation == n - 1]))
    return active / (presentations - 1) / fig3.TASK.n_inputs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    presentations = FULL_PRESENTATIONS // 8 if quick else FULL_PRESENTATIONS
    started = time.perf_counter()
    train_grid(fig3.TASK, presentations, seed=0, backend="standalone", progress=True)
    wall = time.perf_counter() - started
    name = f"rao2021-fig3-{fig3.TASK.grid}x{fig3.TASK.grid}-{fig3.TASK.grid**2}learners-{fig3.TASK.n_inputs}inputs"
    program_seconds = float((cache_directory(name) / "results" / "last_run_info.txt").read_text().split()[0])
    scale = FULL_PRESENTATIONS / presentations
    figures = {
        "presentations": presentations,
        "wall_s": round(wall, 1),
        "program_run_s": round(program_seconds, 1),
        "projected_full_wall_min": round((wall + program_seconds * (scale - 1)) / 60, 1),
        "peak_memory_children_GiB": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20, 2),
        "peak_memory_python_GiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "synapses_touched_vs_dense_pass": round(active_fraction(), 4),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
