"""Simulating the BCI closed loop through a sequence of sessions (:func:`run_blocks`).

Sessions are :class:`~.task.Block` s (Control, Perturbation, Washout, ...):
a decoder, a target sequence, learning on/off and optionally a new
learning rate. A run that has presented its targets freezes (no movement,
no learning) until the block's step budget ends, so every run sees exactly
the same number of targets per block. One Brian2 ``run()`` per block.

Only the recorded neurons move the cursor, so by default only they are
simulated: the other 260 of the paper's 340 enter through the input map
alone (``include_unrecorded=True`` simulates them too; with the noise off
the trajectories are identical, see the tests).
"""

import math
from dataclasses import dataclass, field

import numpy as np
from brian2 import Hz, Network, StateMonitor

from ...backends import Session
from ...models.bci import motor_neuron, population_input
from ...parameters import ParameterError
from ...weights import arrange
from ..validation import positive_int
from .environments import FILTER_RESETS, STAGES, CallbackEnvironment, CompiledEnvironment
from .task import OWNER, STEP, PopulationVectorDecoder, per_run

@dataclass
class LoopRecord:
    """What a closed-loop simulation returns, per block.

    trajectories[b]: dict of per-step arrays (steps, runs) named as in
    RECORDED, plus ``position`` (steps, runs, 3) and ``target`` (steps, runs, 3);
    weights[b]: weights at the end of the block (runs, n_simulated, m);
    snapshots[b]: (steps into the block, weights (k, runs, n_simulated, m)),
    taken every ``record_every`` steps including both ends of the block;
    completed[b]: targets presented per run (all of them unless the step
    budget ran out).
    """

    blocks: list
    initial_weights: np.ndarray
    wall_time: float
    trajectories: list = field(default_factory=list)
    weights: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    completed: list = field(default_factory=list)


def run_blocks(circuit, blocks, rule, *, seed, backend="standalone", loop="compiled", nu=10 * Hz,
               kappa=0.2 / Hz, include_unrecorded=False, steps_per_target=50, record_every=None,
               task=None, progress=True, name=None, filter_reset="session"):
    """Simulate the closed loop through ``blocks`` (see the module docstring); returns a LoopRecord.

    ``nu`` and the blocks' ``eta`` may be scalars or per-run arrays; ``record_every``
    (steps) adds weight snapshots. Each block runs ceil(T steps_per_target /
    record_every) record_every steps; a run that has not presented all its
    targets by then is reported in ``completed``. ``task`` (callback loop only)
    replaces :class:`CursorTask`: a callable ``task(targets, learning)`` returning
    an object with ``direction()``, ``step(velocity)`` and ``records`` like it.
    ``filter_reset``: the low-pass filters abar and Rbar restart with each
    session ("session") or also with each new target ("target"; the paper is silent).
    """
    if loop not in ("compiled", "callback"):
        raise ParameterError("loop", f"{OWNER}: unknown loop {loop!r}; choose compiled or callback")
    if loop == "callback" and backend != "runtime":
        raise ParameterError("backend", f"{OWNER}: loop='callback' calls Python every step and needs backend='runtime'")
    if filter_reset not in FILTER_RESETS:
        raise ParameterError("filter_reset", f"{OWNER}: unknown filter_reset {filter_reset!r}; choose one of "
                                             f"{', '.join(FILTER_RESETS)}")
    if not blocks:
        raise ParameterError("blocks", f"{OWNER}: at least one block is needed")
    runs, m = circuit.runs, circuit.n_inputs
    weights0 = circuit.simulated(include_unrecorded)
    n_sim = weights0.shape[1]
    for block in blocks:
        if block.targets.shape[:1] != (runs,) or block.targets.shape[2:] != (3,):
            raise ParameterError("targets", f"block '{block.name}': targets must have shape (runs={runs}, T, 3), got {block.targets.shape}")
        if not isinstance(block.decoder, PopulationVectorDecoder):
            if loop == "compiled" or not callable(block.decoder):
                raise ParameterError("decoder", f"block '{block.name}': the {loop} loop needs a "
                                     f"{'PopulationVectorDecoder' if loop == 'compiled' else 'callable'} decoder")
        elif block.decoder.baselines.shape != (runs, circuit.n_decoded):
            raise ParameterError("decoder", f"block '{block.name}': decoder covers {block.decoder.baselines.shape}, circuit has ({runs}, {circuit.n_decoded})")
    nu = per_run("nu", nu, Hz, runs)
    etas = [None if block.eta is None else per_run("eta", block.eta, Hz**-2, runs) for block in blocks]
    record_every = positive_int("record_every", record_every, OWNER) if record_every else None
    raw_steps = [int(np.ceil(block.n_targets * steps_per_target)) for block in blocks]
    chunk = record_every or math.gcd(*raw_steps)
    block_steps = [int(np.ceil(block.n_targets * steps_per_target / chunk)) * chunk for block in blocks]

    project = name or f"legenstein2010-{loop}-{runs}x{n_sim}-{rule.name.replace(' ', '_')}"
    with Session(backend, seed=seed, name=project, dt=STEP, progress=progress) as session:
        inputs = population_input().neurons(runs * m, name="inputs")
        for c, axis in enumerate("xyz"):
            setattr(inputs, f"map_{axis}", circuit.input_map[..., c].ravel() * Hz)
        neurons = motor_neuron().neurons(runs * n_sim, name="motor", kappa=kappa)
        neurons.nu = np.repeat(nu, n_sim) * Hz
        neurons.weight_norm2_target = np.sum(weights0**2, -1).ravel()
        # Synapses ordered (run, input, neuron): consecutive synapses add to different
        # neurons, so the summed drive has no serial dependency (~4x faster than neuron-major).
        run_index, pre_index, post_index = np.indices((runs, m, n_sim)).reshape(3, -1)
        learning = rule.synapses(inputs, neurons, name="learning",
                                 connect={"i": run_index * m + pre_index, "j": run_index * n_sim + post_index})
        learning.w = weights0.transpose(0, 2, 1).ravel()
        stages = {"drive": learning.summed_updaters["h_post"], "activity": neurons.operations["step"],
                  "encode": inputs.operations["step"], **learning.operations}
        if "weight_norm2_post" in learning.summed_updaters:
            stages["weight_norm"] = learning.summed_updaters["weight_norm2_post"]
        if loop == "compiled":
            if task is not None:
                raise ParameterError("task", f"{OWNER}: a Python task needs loop='callback'")
            environment = CompiledEnvironment(circuit, blocks, inputs, neurons, filter_reset)
        else:
            environment = CallbackEnvironment(circuit, blocks, inputs, neurons, task, filter_reset)
        stages.update(environment.stages)
        for stage, items in stages.items():
            for item in items if isinstance(items, list) else [items]:
                item.when, item.order = "start", 10 * STAGES.index(stage)
        snapshot = StateMonitor(learning, "w", record=True, dt=chunk * STEP, when="start", order=-10)
        network = Network([inputs, neurons, learning, *environment.objects, snapshot])
        for index, (block, eta, steps) in enumerate(zip(blocks, etas, block_steps)):
            neurons.primed = 0
            if eta is not None:
                learning.eta = np.repeat(eta, n_sim * m) / Hz**2
            environment.start(index, block)
            session.run_stage(steps * STEP, network, description=f"block {block.name}")
        wall_time = session.finish()
        values = environment.records()
        recorded = np.vstack([np.asarray(snapshot.w).T, np.asarray(learning.w[:])[None]])
        shots = weights_by_run(recorded, learning.i[:], learning.j[:], runs, n_sim, m)
    return assemble(blocks, values, shots, block_steps, chunk, weights0, wall_time)


def weights_by_run(w, i, j, runs, n, m):
    """Synaptic weights (..., synapses) as (..., runs, n, m) from the synapses' pre (i) and post (j) indices."""
    j, i = np.asarray(j), np.asarray(i)
    return arrange(w, (j // n, j % n, i % m), (runs, n, m))


def assemble(blocks, values, shots, block_steps, chunk, weights0, wall_time):
    """Split per-step records and weight snapshots (taken every ``chunk`` steps, plus the end) into blocks."""
    runs = weights0.shape[0]
    record = LoopRecord(blocks=list(blocks), initial_weights=weights0, wall_time=wall_time)
    starts = np.cumsum([0] + block_steps)
    for index, block in enumerate(blocks):
        trajectory = {name: value[starts[index]:starts[index + 1]] for name, value in values.items()}
        trajectory["position"] = np.stack([trajectory.pop(p) for p in ("px", "py", "pz")], -1)
        trajectory["trial"] = trajectory.pop("step_trial").astype(int)
        trajectory["active"] = trajectory.pop("was_active")
        trial = np.minimum(trajectory["trial"], block.n_targets - 1)
        trajectory["target"] = block.targets[np.arange(runs)[None, :], trial]
        record.trajectories.append(trajectory)
        # A run that froze presented all targets; otherwise it is still in trial step_trial.
        record.completed.append(np.where(trajectory["active"][-1] > 0, trajectory["trial"][-1], block.n_targets))
        taken = np.arange(starts[index], starts[index + 1] + 1, chunk)
        record.snapshots.append((taken - starts[index], shots[taken // chunk]))
        record.weights.append(shots[starts[index + 1] // chunk])
    return record
