"""Two ways to close the BCI loop, one interface (``start(index, block)``, ``records()``, ``objects``, ``stages``).

- :class:`CompiledEnvironment` (runtime or standalone): decoder, cursor,
  reward, filters and weight update are Brian2 code: a ``cursor`` group
  with ``run_regularly`` stages, summed variables that carry y* to the
  inputs, the decoded velocity to the cursor and R, Rbar to the neurons.
  No Python per time step.
- :class:`CallbackEnvironment` (runtime only): two ``network_operation`` s
  per step call Python: ``task.direction()`` before the network computes,
  and ``task.step(decoder(rates))`` after it. Any decoder (a callable
  mapping rates (runs, n) in Hz to velocities (runs, 3)) or task object
  with the :class:`~.task.CursorTask` interface plugs in here.
"""

import numpy as np
from brian2 import Hz, NeuronGroup, StateMonitor, Synapses, TimedArray, network_operation, second

from .task import FILTER_KEEP, MAX_STEPS, RECORDED, STEP, TOLERANCE, CursorTask

CURSOR = """
lx : 1
ly : 1
lz : 1
px : 1
py : 1
pz : 1
vx : 1
vy : 1
vz : 1
ystar_x : 1
ystar_y : 1
ystar_z : 1
R : 1
Rbar : 1
primed : 1
restart : 1
trial : 1
step_trial : 1
trial_offset : 1
n_targets : 1
steps_in_trial : 1
was_active : 1
hit : 1
learning_enabled : 1
learning = was_active * learning_enabled : 1
active = int(trial < n_targets) : 1
gx = target_x((trial + trial_offset) * second, i) : 1
gy = target_y((trial + trial_offset) * second, i) : 1
gz = target_z((trial + trial_offset) * second, i) : 1
"""

CURSOR_SENSE = """
distance = sqrt((gx - lx)**2 + (gy - ly)**2 + (gz - lz)**2)
ystar_x = (gx - lx) / (distance + int(distance == 0))
ystar_y = (gy - ly) / (distance + int(distance == 0))
ystar_z = (gz - lz) / (distance + int(distance == 0))
"""

CURSOR_ACT = """
was_active = active
speed = sqrt(vx**2 + vy**2 + vz**2)
R = was_active * (vx * ystar_x + vy * ystar_y + vz * ystar_z) / (speed + int(speed == 0))
Rbar += was_active * (R + primed * keep * (Rbar - R) - Rbar)
primed = primed + was_active * (1 - primed)
lx += was_active * vx
ly += was_active * vy
lz += was_active * vz
steps_in_trial += was_active
px = lx
py = ly
pz = lz
step_trial = trial
hit = was_active * int(sqrt((gx - lx)**2 + (gy - ly)**2 + (gz - lz)**2) <= tolerance)
done = hit + was_active * (1 - hit) * int(steps_in_trial >= max_steps)
trial += done
lx *= 1 - done
ly *= 1 - done
lz *= 1 - done
steps_in_trial *= 1 - done
restart = done * restart_filters
primed *= 1 - restart
"""

BROADCAST_DIRECTION = "\n".join(f"ystar_{c}_post = ystar_{c}_pre : 1 (summed)" for c in "xyz")
BROADCAST_REWARD = "\n".join(f"{v}_post = {v}_pre : 1 (summed)" for v in ("R", "Rbar", "learning", "restart"))
#: When the low-pass filters abar and Rbar restart [R: the paper is silent]: with each session only, or also
#: with each new target (the step after a trial ends, both filters start again from the current value).
FILTER_RESETS = {"session": 0, "target": 1}
DECODER = """
dpd_x : 1
dpd_y : 1
dpd_z : 1
baseline : Hz
gain : 1/Hz
vx_post = gain * (s_pre - baseline) * dpd_x : 1 (summed)
vy_post = gain * (s_pre - baseline) * dpd_y : 1 (summed)
vz_post = gain * (s_pre - baseline) * dpd_z : 1 (summed)
"""

#: The stages of one time step, in order (all in the ``start`` slot).
STAGES = ("sense", "broadcast_direction", "encode", "drive", "activity", "decode", "act", "broadcast_reward",
          "learn", "weight_norm", "normalise")


def decoded_indices(circuit, n_simulated):
    """Indices of the recorded neurons among runs x n_simulated motor neurons."""
    return (np.arange(circuit.runs)[:, None] * n_simulated + np.arange(circuit.n_decoded)).ravel()


class CompiledEnvironment:
    """Cursor, decoder and reward as Brian2 objects: the ``cursor`` group (one neuron per run, with
    ``run_regularly`` stages ``sense`` and ``act``) and three summed-variable Synapses that carry y*
    to the inputs, the decoded velocity to the cursor and R, Rbar, learning, restart to the neurons."""

    def __init__(self, circuit, blocks, inputs, neurons, filter_reset="session"):
        runs, m, n_sim = circuit.runs, circuit.n_inputs, len(neurons) // circuit.runs
        all_targets = np.concatenate([block.targets for block in blocks], axis=1)  # (runs, total, 3)
        tables = {f"target_{c}": TimedArray(all_targets[..., k].T, dt=1 * second) for k, c in enumerate("xyz")}
        self.cursor = NeuronGroup(runs, CURSOR, name="cursor",
                                  namespace={**tables, "tolerance": TOLERANCE, "max_steps": MAX_STEPS, "keep": FILTER_KEEP,
                                             "restart_filters": FILTER_RESETS[filter_reset]})
        to_inputs = Synapses(self.cursor, inputs, BROADCAST_DIRECTION, name="direction_broadcast")
        to_inputs.connect(i=np.repeat(np.arange(runs), m), j=np.arange(runs * m))
        self.decoder = Synapses(neurons, self.cursor, DECODER, name="decoder")
        self.decoder.connect(i=decoded_indices(circuit, n_sim), j=np.repeat(np.arange(runs), circuit.n_decoded))
        to_neurons = Synapses(self.cursor, neurons, BROADCAST_REWARD, name="reward_broadcast")
        to_neurons.connect(i=np.repeat(np.arange(runs), n_sim), j=np.arange(runs * n_sim))
        self.stages = {
            "sense": self.cursor.run_regularly(CURSOR_SENSE, name="cursor_sense"),
            "act": self.cursor.run_regularly(CURSOR_ACT, name="cursor_act"),
            "broadcast_direction": list(to_inputs.summed_updaters.values()),
            "decode": list(self.decoder.summed_updaters.values()),
            "broadcast_reward": list(to_neurons.summed_updaters.values()),
        }
        self.monitor = StateMonitor(self.cursor, list(RECORDED), record=True, when="start",
                                    order=10 * STAGES.index("act") + 5)
        self.objects = [self.cursor, to_inputs, self.decoder, to_neurons, self.monitor]
        self.offsets = np.cumsum([0] + [block.n_targets for block in blocks])

    def start(self, index, block):
        """Reset the cursor for block ``index`` and load its decoder."""
        cursor, decoder = self.cursor, self.decoder
        cursor.trial, cursor.steps_in_trial, cursor.primed, cursor.restart = 0, 0, 0, 0
        cursor.lx, cursor.ly, cursor.lz = 0, 0, 0
        cursor.trial_offset, cursor.n_targets = self.offsets[index], block.n_targets
        cursor.learning_enabled = float(block.learning)
        decoder.dpd_x, decoder.dpd_y, decoder.dpd_z = (block.decoder.directions[..., k].ravel() for k in range(3))
        decoder.baseline = block.decoder.baselines.ravel() * Hz
        decoder.gain = block.decoder.gains.ravel() / Hz

    def records(self):
        return {name: np.asarray(getattr(self.monitor, name)).T for name in RECORDED}


class CallbackEnvironment:
    """Cursor, decoder and reward in Python: two ``network_operation`` s per step call the task
    (made by ``task(targets, learning)``, :class:`CursorTask` by default) and the block's decoder
    (runtime backend only)."""

    def __init__(self, circuit, blocks, inputs, neurons, task=None, filter_reset="session"):
        self.task = task or CursorTask
        self.filter_reset = filter_reset
        runs, m, n_sim = circuit.runs, circuit.n_inputs, len(neurons) // circuit.runs
        decoded = decoded_indices(circuit, n_sim)
        self.tasks, self.decoder = [], None

        @network_operation(dt=STEP, when="start", order=10 * STAGES.index("sense"))
        def sense():
            ystar = self.tasks[-1].direction()
            for c, axis in enumerate("xyz"):
                setattr(inputs, f"ystar_{axis}", np.repeat(ystar[:, c], m))

        @network_operation(dt=STEP, when="start", order=10 * STAGES.index("act"))
        def act():
            rates = np.asarray(neurons.s_[:])[decoded].reshape(runs, circuit.n_decoded)
            reward, reward_filtered, learns = self.tasks[-1].step(self.decoder(rates))
            neurons.R = np.repeat(reward, n_sim)
            neurons.Rbar = np.repeat(reward_filtered, n_sim)
            neurons.learning = np.repeat(learns, n_sim)
            neurons.restart = np.repeat(getattr(self.tasks[-1], "restart", np.zeros(runs)), n_sim)

        self.objects, self.stages = [sense, act], {}

    def start(self, index, block):
        restart = {"restart_filters": FILTER_RESETS[self.filter_reset]} if FILTER_RESETS[self.filter_reset] else {}
        self.tasks.append(self.task(block.targets, block.learning, **restart))
        self.decoder = block.decoder

    def records(self):
        return {name: np.concatenate([np.asarray(task.records[name]) for task in self.tasks]) for name in RECORDED}
