"""Chunked runs of the two-layer network: one ``backends.Program`` per structure, one run per chunk.

A standalone program cannot stop itself on a Python criterion, so long
training runs in chunks: the program is built once, and each chunk is one
run whose values carry the state (weights, gains, v, g, traces, spike
counters), the chunk's input strengths and every parameter. Spikes in
flight at a chunk boundary are dropped. The same holds under runtime (the
network is restored before every chunk and given the carried state).
"""

import numpy as np
from brian2 import Quantity, second, volt

from ...backends import Program
from ...models.lif import REST
from .network import build
from .structure import DT, Parameters, model_values


def program(structure, backend="standalone", progress=False, copies=1, profile=False):
    """The network of a complete ``structure`` as a Program of ``copies`` networks (enter it, or ``open()`` it,
    to build); ``profile``: time its code objects (``Program.profile_times``)."""
    return Program(build, structure, backend=backend, copies=copies, name="burbank-if", dt=DT, progress=progress,
                   profile=profile)


def run_chunk(runner, state, strengths, params, generator_seed, extra=None):
    """Run one chunk of the open one-copy program ``runner`` from ``state`` ({name: SI array}); returns (state,
    outputs) at its end. ``strengths``: {"lower": array, ["higher": array]} (presentations x neurons);
    ``extra``: more values (e.g. ``{"lower.input_cutoff": 50 * ms}``). ``generator_seed`` seeds the chunk's
    normal numbers (Brian2's generator, or with ``gaussian="copy"`` the copy's)."""
    states, outputs = run_copies(runner, [state], [strengths], [params], [generator_seed], extra)
    return states[0], outputs[0]


def run_copies(runner, states, strengths, params, seeds, extra=None):
    """Run one chunk of the open program ``runner``, copy k from ``states[k]`` with ``strengths[k]``,
    ``params[k]`` and chunk seed ``seeds[k]`` (one of each per copy); returns ([state], [outputs]), one per copy.

    A state lacks nothing: names it does not carry yet start from rest (v = V_rest, the rest 0), as a
    new build would.
    """
    names = state_names(runner)
    full = [{**fresh_state(runner, names), **state} for state in states]
    values = stacked([model_values(Parameters.of(p), runner.structure) for p in params])
    values.update(runner.with_units({name: np.concatenate([np.ravel(state[name]) for state in full]) for name in names}))
    for side in strengths[0]:
        values[f"{side}_strength"] = np.concatenate([chunk[side] for chunk in strengths], axis=1)
    values.update(extra or {})
    if runner.built.copy_streams:
        outputs = runner.run(values, seed=[int(s) for s in seeds], generator_seed=int(seeds[0]))
    else:
        outputs = runner.run(values, generator_seed=int(seeds[0]))
    per_copy = [{name: value[k] for name, value in outputs.items()} for k in range(runner.copies)]
    return [{name: copy[name] for name in names} for copy in per_copy], per_copy


def stacked(values):
    """{name: one value per copy} from one {name: value} per copy (equal values stay one scalar)."""
    result = {}
    for name in values[0]:
        column = [v[name] for v in values]
        result[name] = column[0] if all(np.all(c == column[0]) for c in column) else Quantity(column)
    return result


def fresh_state(runner, names):
    """The state of one copy at rest: v = V_rest, every other carried variable 0 (SI magnitudes)."""
    rest = float(REST / volt)
    return {name: np.full(runner.size(name, runner.target(name)) // runner.copies,
                          rest if name.endswith(".v") else 0.0) for name in names}


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
