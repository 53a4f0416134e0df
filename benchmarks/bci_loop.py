"""Benchmark: the compiled BCI closed loop vs a network_operation loop and vs a plain NumPy loop.

Workload: one 50% Perturbation session (EH rule, nu = 10 Hz) for ``runs``
independent experiments, each with its own circuit, 40 recorded neurons
and 100 inputs, 50 steps of budget per target.

- ours: ``protocols.bci.run_blocks(loop="compiled", backend="standalone")``:
  decoder, cursor, reward and learning in one C++ program. Reported
  separately: the first call (code generation and compilation:
  ``compiled_first_call_s``), a later call (code generation, no compilation:
  ``compiled_call_s``; ``recompiled_objects`` counts the object files a later
  call rebuilt, 0 when the generated code repeats) and the compiled loop's own
  time (the built program run again, best of three: ``compiled_s``, the
  basis of the ratios).
- network_operation: the same network in runtime (Cython) mode with the
  decoder and cursor in Python, two ``network_operation`` s per step
  (``loop="callback"``), as a Brian2 user would first write it (second call).
- NumPy: the model written as a plain per-step NumPy loop, one experiment at
  a time (how such a session is usually hand-rolled); the same loop batched
  over all experiments is reported as ``ratio_vs_numpy_batched``.

In full mode it also times ``legenstein2010-fig4`` (20 runs x 2 perturbation
levels, Control + Perturbation) end to end.

    python benchmarks/bci_loop.py [--quick]

The last line is one JSON object.
"""

import argparse
import json
import subprocess
import time

import numpy as np
from brian2 import Hz, prefs

from gatedplasticity import streams
from gatedplasticity.backends import cache_directory
from gatedplasticity.papers.legenstein2010 import experiment as common
from gatedplasticity.papers.legenstein2010 import fig4
from gatedplasticity.protocols import bci
from gatedplasticity.rules import eh

STEPS_PER_TARGET = 50
PROJECT = "benchmark-bci-loop"


def workload(runs, targets, seed=0):
    circuit = bci.circuit(runs, seed=streams.integer(seed, "circuit"))
    decoder = bci.rotation(runs, circuit.n_decoded, 0.5, seed=streams.integer(seed, "rotation", 0)).apply(bci.calibrate(circuit))
    return circuit, bci.Block("perturbation", decoder, bci.random_targets(runs, targets, streams.integer(seed, "targets")), eta=common.ETA)


def numpy_session(circuit, block, seed, nu=10.0, kappa=0.2, keep=0.8):
    """The EH closed loop as a per-step NumPy loop, batched over the runs it is given; returns targets presented."""
    rng = np.random.default_rng(seed)
    n = circuit.n_decoded
    weights = circuit.weights[:, :n].copy()
    eta = float(block.eta * Hz**2)
    abar, primed = np.zeros((circuit.runs, n)), 0.0
    task = bci.CursorTask(block.targets, keep=keep)
    for _ in range(block.n_targets * STEPS_PER_TARGET):
        x = np.einsum("rmc,rc->rm", circuit.input_map, task.direction())
        h = np.einsum("rnm,rm->rn", weights, x)
        a = h + nu * (1 + np.sqrt(kappa * np.maximum(h, 0))) * rng.uniform(-1, 1, h.shape)
        abar = a + primed * keep * (abar - a)
        primed = 1.0
        reward, reward_filtered, learning = task.step(block.decoder(np.maximum(a, 0)))
        factor = eta * learning * (reward - reward_filtered)
        weights += factor[:, None, None] * (a - abar)[:, :, None] * x[:, None, :]
    return task.trial


def slice_block(block, run):
    decoder = block.decoder
    one = bci.PopulationVectorDecoder(decoder.directions[run:run + 1], decoder.baselines[run:run + 1], decoder.depths[run:run + 1], decoder.speed)
    return bci.Block(block.name, one, block.targets[run:run + 1], eta=block.eta)


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 runs x 60 targets instead of 20 x 320; no fig4 timing")
    args = parser.parse_args()
    runs, targets = (4, 60) if args.quick else (20, 320)
    circuit, block = workload(runs, targets)
    options = dict(seed=0, progress=False, steps_per_target=STEPS_PER_TARGET)

    compiled_run = lambda: bci.run_blocks(circuit, [block], eh.eh(), backend="standalone", name=PROJECT, **options)  # noqa: E731
    compile_and_run = timed(compiled_run)
    project = cache_directory(PROJECT)
    objects = {path: path.stat().st_mtime_ns for path in project.rglob("*.o")}
    later_call = min(timed(compiled_run) for _ in range(2))
    recompiled = sum(path.stat().st_mtime_ns != mtime for path, mtime in objects.items())
    compiled = min(timed(lambda: subprocess.run(["./main"], cwd=project, check=True, capture_output=True)) for _ in range(3))
    prefs.codegen.target = "cython"
    callback_run = lambda: bci.run_blocks(circuit, [block], eh.eh(), backend="runtime", loop="callback", **options)  # noqa: E731
    callback_run()  # Cython compilation
    callback = timed(callback_run)
    numpy_per_run = timed(lambda: [numpy_session(bci.Circuit(circuit.weights[r:r + 1], circuit.push_directions[r:r + 1],
                                                              circuit.input_map[r:r + 1], circuit.n_decoded), slice_block(block, r), r)
                                   for r in range(runs)])
    numpy_batched = timed(lambda: numpy_session(circuit, block, 0))
    figures = {
        "runs": runs, "targets": targets, "steps": targets * STEPS_PER_TARGET,
        "compiled_s": round(compiled, 3), "compiled_first_call_s": round(compile_and_run, 2),
        "compiled_call_s": round(later_call, 2), "recompiled_objects": recompiled,
        "network_operation_s": round(callback, 2), "numpy_s": round(numpy_per_run, 2), "numpy_batched_s": round(numpy_batched, 2),
        "ratio_vs_network_operation": round(callback / compiled, 1),
        "ratio_vs_numpy": round(numpy_per_run / compiled, 1),
        "ratio_vs_numpy_batched": round(numpy_batched / compiled, 2),
    }
    if not args.quick:
        figures["fig4_full_s"] = round(timed(lambda: fig4.simulate(seed=0, quick=False, progress=False)), 1)
    for name, value in figures.items():
        print(f"{name:28s} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
