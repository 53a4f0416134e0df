"""Chunked runs of the two-layer network: one standalone build rerun per chunk, or a runtime network.

A standalone program cannot stop itself on a Python criterion, so long
training runs in chunks: build once (``Session.finish(run=False)``), then
one ``rerun(run_args)`` per chunk carrying the state (weights, gains, v, g,
traces, spike counters), the chunk's input strengths, a seed and every
tunable parameter. Spikes in flight at a chunk boundary are dropped.
"""

import os

import numpy as np
from brian2 import Network, Quantity, ms, second

from ...backends import Session, seeded
from .network import DT, PRESENTATION, STRUCTURE, UNITS, build, state_variables, structure_of, tunable_values


def with_units(variables, state):
    """{variable: value with the variable's unit} for a state of plain arrays."""
    return {variables[name]: Quantity(value, dim=variables[name].dim) for name, value in state.items()}


def read_state(variables):
    """The current values of ``variables`` as plain arrays (SI units)."""
    return {name: np.array(variable[:]) for name, variable in variables.items()}


def population_counts(network, steps):
    """Spikes per time step of the lower layer and of the higher layer's arrivals over the last ``steps`` (or None)."""
    if not network.monitors:
        return None
    counts = {}
    for label, monitor in network.monitors.items():
        rate = np.asarray(monitor.rate_[:], float)[-steps:]
        counts[label] = rate * len(monitor.source) * float(DT / second)
    return counts if all(len(c) == steps for c in counts.values()) else None


def placeholder_parameters(delay, tau_stdp):
    """Parameters to build with: only the compiled-in delay and tau_stdp matter, the rest arrive per chunk."""
    return {**UNITS, "delay": delay, "tau_stdp": tau_stdp}


class CompiledNetwork:
    """One standalone build of a network structure, rerun once per chunk with run_args.

    The program does not depend on the weights, inputs, seed or tunable
    parameters (mu, alpha, bounds, noise, input s.d., tau_syn, homeostasis,
    bottom-up rate and bias, higher-layer input ratio): one build serves a
    whole sweep of them. The delay and tau_stdp are compiled in.
    """

    def __init__(self, q_shape, structure, delay, tau_stdp, name=None, progress=False):
        self.structure = structure_of(**structure)
        key = "".join(ch for ch in "-".join(str(self.structure[k]) for k in STRUCTURE) if ch.isalnum() or ch == "-")
        name = name or f"burbank-if-{q_shape[0]}x{q_shape[1]}-{key}-d{float(delay / ms):g}-tau{float(tau_stdp / ms):g}-{os.getpid()}"
        self.session = Session("standalone", name=name, dt=DT, progress=progress).__enter__()
        self.network = build(np.zeros(q_shape), placeholder_parameters(delay, tau_stdp), **self.structure)
        self.session.run_stage(self.structure["chunk"] * PRESENTATION,
                               Network(self.network.objects + [seeded(self.network.seeder)]))
        self.session.finish(run=False)
        self.delay, self.tau_stdp = delay, tau_stdp

    def matches(self, q_shape, structure, delay, tau_stdp):
        return (tuple(q_shape) == (len(self.network.lower), len(self.network.higher)) and self.delay == delay
                and self.tau_stdp == tau_stdp and structure_of(**structure) == self.structure)

    def run_chunk(self, state, strengths, seed, params, extra=None):
        """Run one chunk from ``state`` ({name: array}); returns the state at its end. ``extra``: more run_args."""
        network, variables = self.network, state_variables(self.network)
        run_args = {**tunable_values(network, params), network.seeder.run_seed: seed, **(extra or {}),
                    **with_units(variables, state), **{network.strengths[side]: values for side, values in strengths.items()}}
        self.session.rerun(run_args, results_directory=f"results-{os.getpid()}")
        return read_state(variables)

    def close(self):
        self.session.__exit__(None, None, None)


class RuntimeNetwork:
    """The same network in runtime mode (interactive use, tests): one network that runs on chunk by chunk.

    Its input TimedArrays hold all presentations at once, so keep runs short.
    """

    def __init__(self, q_shape, structure, delay, tau_stdp, strengths, seed):
        self.structure = structure_of(**structure)
        self.session = Session("runtime", seed=seed, name="burbank-if", dt=DT, progress=False).__enter__()
        self.network = build(np.zeros(q_shape), placeholder_parameters(delay, tau_stdp), **self.structure,
                             strengths=strengths)
        self.chunks = 0

    def run_chunk(self, state, strengths, seed, params):
        variables = state_variables(self.network)
        if not self.chunks:
            for variable, value in {**tunable_values(self.network, params), **with_units(variables, state)}.items():
                variable[:] = value
            self.net = Network(self.network.objects)
        self.chunks += 1
        self.net.run(self.structure["chunk"] * PRESENTATION, namespace={})
        return read_state(variables)

    def close(self):
        self.session.__exit__(None, None, None)
