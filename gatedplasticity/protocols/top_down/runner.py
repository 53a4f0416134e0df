"""Chunked runs of the two-layer network: one ``backends.Program`` per structure, one run per chunk.

A standalone program cannot stop itself on a Python criterion, so long
training runs in chunks: the program is built once, and each chunk is one
run whose values carry the state (weights, gains, v, g, traces, spike
counters), the chunk's input strengths and every parameter. Spikes in
flight at a chunk boundary are dropped. The same holds under runtime (the
network is restored before every chunk and given the carried state).
"""

import numpy as np
from brian2 import second

from ...backends import Program
from .network import build
from .structure import DT, model_values


def program(structure, backend="standalone", progress=False):
    """The network of a complete ``structure`` as a Program (enter it, or ``open()`` it, to build)."""
    return Program(build, structure, backend=backend, name="burbank-if", dt=DT, progress=progress)


def run_chunk(runner, state, strengths, params, generator_seed, extra=None):
    """Run one chunk of the open program ``runner`` from ``state`` ({name: SI array}); returns (state, outputs)
    at its end. ``strengths``: {"lower": array, ["higher": array]} (presentations x neurons);
    ``extra``: more values (e.g. ``{"lower.input_cutoff": 50 * ms}``)."""
    values = {**model_values(params, runner.structure), **runner.with_units(state), **(extra or {}),
              **{f"{side}_strength": array for side, array in strengths.items()}}
    outputs = {name: value[0] for name, value in runner.run(values, generator_seed=generator_seed).items()}
    return {name: outputs[name] for name in state_names(runner)}, outputs


def state_names(runner):
    """Names of the values carried from one chunk to the next (both a value and an output of the network)."""
    return [name for name in runner.built.outputs if name in runner.built.values]


def population_counts(outputs, structure, steps):
    """Spikes per time step of the lower layer and of the higher layer's arrivals over the last ``steps``
    (None without population monitors)."""
    if "lower_rate" not in outputs:
        return None
    sizes = {"lower": structure.n_lower, "arrivals": structure.n_higher}
    counts = {label: np.asarray(outputs[f"{label}_rate"], float)[-steps:] * sizes[label] * float(DT / second)
              for label in sizes}
    return counts if all(len(c) == steps for c in counts.values()) else None
