"""Closed-loop 3-D BCI cursor task (Legenstein, Chase, Schwartz & Maass 2010).

A network of ``runs`` independent experiments: in each, m = 100 inputs code
the desired direction y* (Eq 4), the motor neurons respond with noise
(``models.bci``), a population-vector decoder reads the first n = 40
("recorded") neurons (Eq 5), the cursor integrates the decoded velocity and
the angular match R = y · y* / |y| is the reward of the plasticity rule.
One time step is one cursor update (1/30 s [P]). Targets are corners of a
unit cube centred at the origin; a trial ends on a hit (|l - target| <= 0.05)
or after 90 steps (3 s), and the cursor returns to the origin. The reward
filter Rbar(t) = 0.8 Rbar(t-1) + 0.2 R(t) restarts with each block.

Sessions are :class:`Block` s (Control, Perturbation, Washout, ...): a
decoder, a target sequence, learning on/off and optionally a new learning
rate. A run that has presented its targets freezes (no movement, no
learning) until the block's step budget ends, so every run sees exactly the
same number of targets per block.

Two ways to close the loop, one protocol (``loop=``):

- ``"compiled"`` (default, runtime or standalone): decoder, cursor, reward,
  filters and weight update are Brian2 code: a ``cursor`` group with
  ``run_regularly`` stages, summed variables that carry y* to the inputs,
  the decoded velocity to the cursor and R, Rbar to the neurons. One Brian2
  ``run()`` per block, no Python per time step.
- ``"callback"`` (runtime only): two ``network_operation`` s per step call
  Python: ``task.direction()`` before the network computes, and
  ``task.step(decoder(rates))`` after it. Any decoder (a callable mapping
  rates (runs, n) in Hz to velocities (runs, 3)) or task object with the
  :class:`CursorTask` interface plugs in here, e.g. an external device.

Only the recorded neurons move the cursor, so by default only they are
simulated: the other 260 of the paper's 340 enter through the input map
alone (``include_unrecorded=True`` simulates them too; with the noise off
the trajectories are identical, see the tests).
"""

import math
from dataclasses import dataclass, field, replace

import numpy as np
from brian2 import Hz, Network, NeuronGroup, StateMonitor, Synapses, TimedArray, network_operation, second

from ..analysis.bci import AXES, cube_corners, cube_directions, fit_tuning, unit
from ..backends import Session
from ..models.bci import motor_neuron, population_input
from ..parameters import ParameterError
from .validation import non_negative, positive_int, quantity_array, seed_value

OWNER = "BCI protocol"
STEP = second / 30  # one cursor update [P]
TOLERANCE = 0.05  # hit radius, cube units [P]
MAX_STEPS = 90  # 3 s timeout [P]
SPEED = 0.03  # k_s [R: 1/30 s steps, 11 cm cube]
FILTER_KEEP = 0.8  # Rbar(t) = 0.8 Rbar(t-1) + 0.2 R(t) [P]
DIMENSIONS = 3


@dataclass(frozen=True)
class Circuit:
    """The fixed part of each run, batched over runs.

    weights: initial W_total (runs, n_total, m); push_directions: q_i
    (runs, n_total, 3); input_map: c_rate pinv(W_total) pinv(Q) (runs, m, 3)
    in Hz; the first ``n_decoded`` neurons of each run are recorded.
    """

    weights: np.ndarray
    push_directions: np.ndarray
    input_map: np.ndarray
    n_decoded: int

    @property
    def runs(self):
        return self.weights.shape[0]

    @property
    def n_inputs(self):
        return self.weights.shape[2]

    def simulated(self, include_unrecorded):
        """Initial weights of the simulated neurons: all, or the recorded ones only."""
        return self.weights if include_unrecorded else self.weights[:, : self.n_decoded]


def circuit(runs, seed, n_inputs=100, n_total=340, n_decoded=40, max_rate=120 * Hz):
    """Random circuits: W_total ~ N(0, 1) [R], q_i uniform on the sphere [P], c_rate such that
    the largest noiseless rate over the 8 target directions is ``max_rate`` [P: rates 0-120 Hz]."""
    runs, n_inputs, n_total, n_decoded = (positive_int(name, value, OWNER) for name, value in
                                          (("runs", runs), ("n_inputs", n_inputs), ("n_total", n_total), ("n_decoded", n_decoded)))
    if n_decoded > n_total:
        raise ParameterError("n_decoded", f"{OWNER}: n_decoded ({n_decoded}) exceeds n_total ({n_total})")
    max_rate = float(quantity_array("max_rate", max_rate, Hz, OWNER)[0] / Hz)
    rng = np.random.default_rng(seed_value(seed, OWNER))
    weights = rng.normal(0.0, 1.0, (runs, n_total, n_inputs))
    height = rng.uniform(-1, 1, (runs, n_total))
    azimuth = rng.uniform(0, 2 * np.pi, (runs, n_total))
    radius = np.sqrt(1 - height**2)
    push = np.stack([radius * np.cos(azimuth), radius * np.sin(azimuth), height], -1)
    input_map = np.linalg.pinv(weights) @ np.linalg.pinv(push.transpose(0, 2, 1))  # (runs, m, 3)
    peak = np.max(weights @ input_map @ cube_directions().T, axis=(1, 2))
    return Circuit(weights, push, input_map * (max_rate / peak)[:, None, None], n_decoded)


@dataclass(frozen=True)
class PopulationVectorDecoder:
    """y = k_s (d/n) sum_i (s_i - beta_i) / alpha_i p'_i (Eq 5), batched over runs.

    directions: decoding PDs p' (runs, n, 3); baselines beta and depths alpha
    (runs, n) in Hz (plain floats); speed: k_s (cube units per step).
    """

    directions: np.ndarray
    baselines: np.ndarray
    depths: np.ndarray
    speed: float = SPEED

    def __post_init__(self):
        shape = np.shape(self.directions)[:2]
        if np.ndim(self.directions) != 3 or np.shape(self.directions)[2] != DIMENSIONS:
            raise ParameterError("directions", f"decoder directions must have shape (runs, n, 3), got {np.shape(self.directions)}")
        for name in ("baselines", "depths"):
            if np.shape(getattr(self, name)) != shape:
                raise ParameterError(name, f"decoder {name} must have shape {shape} like the directions, got {np.shape(getattr(self, name))}")
        if np.any(np.asarray(self.depths) <= 0):
            raise ParameterError("depths", "decoder modulation depths must be positive")

    @property
    def gains(self):
        """Per-unit velocity gain k_s d / (n alpha_i), (runs, n) in 1/Hz."""
        return self.speed * DIMENSIONS / self.directions.shape[1] / self.depths

    def __call__(self, rates):
        """Velocity (runs, ..., 3) for rates (runs, ..., n) in Hz."""
        rates = np.asarray(rates, float)
        runs, n = self.baselines.shape
        if rates.shape[0] != runs or rates.shape[-1] != n:
            raise ParameterError("rates", f"rates must have shape (runs={runs}, ..., n={n}), got {rates.shape}")
        expand = (runs,) + (1,) * (rates.ndim - 2) + (n,)
        normalised = (rates - self.baselines.reshape(expand)) * self.gains.reshape(expand)
        return np.einsum("r...n,rnc->r...c", normalised, self.directions)


def calibrate(circuit, speed=SPEED):
    """Calibration session: cosine fits of the recorded neurons' noiseless rates give the decoder (dPD = PD)."""
    baselines, directions, depths = fit_tuning(circuit.weights[:, : circuit.n_decoded], circuit.input_map)
    return PopulationVectorDecoder(directions, baselines, depths, speed)


def rotation_matrices(axes, angle):
    """Rotation by ``angle`` (rad) about each unit axis (k, 3) -> (k, 3, 3) (Rodrigues)."""
    axes = unit(axes)
    cross = np.zeros(axes.shape[:-1] + (3, 3))
    cross[..., 0, 1], cross[..., 0, 2], cross[..., 1, 2] = -axes[..., 2], axes[..., 1], -axes[..., 0]
    cross -= np.swapaxes(cross, -1, -2)
    return np.eye(3) + np.sin(angle) * cross + (1 - np.cos(angle)) * cross @ cross


@dataclass(frozen=True)
class Perturbation:
    """Decoder rotation: units ``rotated`` (runs, n) get their dPDs rotated by ``angle_deg`` about ``axes`` (runs, 3)."""

    rotated: np.ndarray
    axes: np.ndarray
    angle_deg: float = 90.0

    def apply(self, decoder):
        """The decoder with the rotated units' dPDs turned; the others unchanged."""
        if self.rotated.shape != decoder.baselines.shape:
            raise ParameterError("rotated", f"perturbation covers {self.rotated.shape} units, decoder has {decoder.baselines.shape}")
        turned = np.einsum("rab,rnb->rna", rotation_matrices(self.axes, np.radians(self.angle_deg)), decoder.directions)
        return replace(decoder, directions=np.where(self.rotated[..., None], turned, decoder.directions))


def rotation(runs, n, fraction, seed, axis="random", angle_deg=90.0):
    """Rotate exactly round(fraction n) randomly chosen units per run about ``axis``.

    ``axis``: "x", "y", "z", "random" (one of the three per run, as in the
    paper) or a list of those per run.
    """
    if not 0 <= fraction <= 1:
        raise ParameterError("fraction", f"{OWNER}: rotation fraction must lie in [0, 1], got {fraction!r}")
    rng = np.random.default_rng(seed_value(seed, OWNER))
    if isinstance(axis, str):
        names = rng.choice(list(AXES), runs) if axis == "random" else [axis] * runs
    elif len(axis) == runs:
        names = list(axis)
    else:
        raise ParameterError("axis", f"{OWNER}: 'axis' lists {len(axis)} rotation axes for {runs} runs")
    for name in names:
        if name not in AXES:
            raise ParameterError("axis", f"{OWNER}: unknown rotation axis {name!r}; choose x, y, z or random")
    count = int(round(fraction * n))
    rotated = np.zeros((runs, n), bool)
    for run in range(runs):
        rotated[run, rng.choice(n, count, replace=False)] = True
    return Perturbation(rotated, np.array([AXES[name] for name in names]), angle_deg)


def random_targets(runs, count, seed, corners=None):
    """Target positions (runs, count, 3): cube corners (+-0.5) drawn uniformly, or only from ``corners`` (k, 3)."""
    corners = cube_corners() if corners is None else np.atleast_2d(corners)
    rng = np.random.default_rng(seed_value(seed, OWNER))
    return corners[rng.integers(0, len(corners), (runs, count))]


@dataclass(frozen=True)
class Block:
    """One session: decoder, targets (runs, T, 3), learning on/off, optional learning rate (1/Hz^2, scalar or per run).

    The compiled loop needs a :class:`PopulationVectorDecoder`; the callback
    loop takes any callable mapping rates (runs, n) in Hz to velocities (runs, 3).
    """

    name: str
    decoder: PopulationVectorDecoder
    targets: np.ndarray
    learning: bool = True
    eta: object = None

    @property
    def n_targets(self):
        return self.targets.shape[1]


class CursorTask:
    """The cursor environment in NumPy, batched over runs (used by ``loop="callback"``).

    ``direction()`` returns y* (runs, 3); ``step(velocity)`` moves the cursor,
    returns (R, Rbar, was_active) and records the step. The arithmetic is that
    of the compiled cursor (``CURSOR_SENSE`` / ``CURSOR_ACT``).
    """

    def __init__(self, targets, learning=True, tolerance=TOLERANCE, max_steps=MAX_STEPS, keep=FILTER_KEEP):
        self.targets, self.learning = np.asarray(targets, float), float(learning)
        self.tolerance, self.max_steps, self.keep = tolerance, max_steps, keep
        runs = len(self.targets)
        self.position = np.zeros((runs, 3))
        self.trial = np.zeros(runs, int)
        self.steps_in_trial = np.zeros(runs)
        self.R, self.Rbar, self.primed = np.zeros(runs), np.zeros(runs), np.zeros(runs)
        self.records = {name: [] for name in RECORDED}

    @property
    def active(self):
        return (self.trial < self.targets.shape[1]).astype(float)

    def goal(self):
        return self.targets[np.arange(len(self.trial)), np.minimum(self.trial, self.targets.shape[1] - 1)]

    def direction(self):
        offset = self.goal() - self.position
        distance = np.linalg.norm(offset, axis=1, keepdims=True)
        self.ystar = offset / (distance + (distance == 0))
        return self.ystar

    def step(self, velocity):
        active = self.active
        speed = np.linalg.norm(velocity, axis=1)
        self.R = active * np.sum(velocity * self.ystar, 1) / (speed + (speed == 0))
        self.Rbar += active * (self.R + self.primed * self.keep * (self.Rbar - self.R) - self.Rbar)
        self.primed = np.maximum(self.primed, active)
        self.position += active[:, None] * velocity
        self.steps_in_trial += active
        moved, step_trial = self.position.copy(), self.trial.copy()
        hit = active * (np.linalg.norm(self.goal() - self.position, axis=1) <= self.tolerance)
        done = hit + active * (1 - hit) * (self.steps_in_trial >= self.max_steps)
        self.trial += done.astype(int)
        self.position *= 1 - done[:, None]
        self.steps_in_trial *= 1 - done
        for name, value in zip(RECORDED, (*moved.T, self.R, step_trial, active, hit)):
            self.records[name].append(np.array(value, float))
        return self.R, self.Rbar, active * self.learning


#: Per-step variables recorded by both loops (after the cursor moved, before a reset).
RECORDED = ("px", "py", "pz", "R", "step_trial", "was_active", "hit")

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
"""

BROADCAST_DIRECTION = "\n".join(f"ystar_{c}_post = ystar_{c}_pre : 1 (summed)" for c in "xyz")
BROADCAST_REWARD = "\n".join(f"{v}_post = {v}_pre : 1 (summed)" for v in ("R", "Rbar", "learning"))
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


def contained(group, name):
    """The object called ``name`` inside ``group`` (e.g. its run_regularly)."""
    return next(obj for obj in group.contained_objects if obj.name == name)


def per_run(name, value, unit, runs):
    """A scalar or per-run quantity as a float array (runs,) in ``unit``."""
    values = np.asarray(quantity_array(name, value, unit, OWNER) / unit, float)
    non_negative(name, values, OWNER)
    if len(values) not in (1, runs):
        raise ParameterError(name, f"{OWNER}: '{name}' needs 1 or runs={runs} values, got {len(values)}")
    return np.broadcast_to(values, (runs,)).copy()


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


def decoded_indices(circuit, n_simulated):
    """Indices of the recorded neurons among runs x n_simulated motor neurons."""
    return (np.arange(circuit.runs)[:, None] * n_simulated + np.arange(circuit.n_decoded)).ravel()


class CompiledEnvironment:
    """Cursor, decoder and reward as Brian2 objects: the ``cursor`` group (one neuron per run, with
    ``run_regularly`` stages ``sense`` and ``act``) and three summed-variable Synapses that carry y*
    to the inputs, the decoded velocity to the cursor and R, Rbar, learning to the neurons."""

    def __init__(self, circuit, blocks, inputs, neurons):
        runs, m, n_sim = circuit.runs, circuit.n_inputs, len(neurons) // circuit.runs
        all_targets = np.concatenate([block.targets for block in blocks], axis=1)  # (runs, total, 3)
        tables = {f"target_{c}": TimedArray(all_targets[..., k].T, dt=1 * second) for k, c in enumerate("xyz")}
        self.cursor = NeuronGroup(runs, CURSOR, name="cursor",
                                  namespace={**tables, "tolerance": TOLERANCE, "max_steps": MAX_STEPS, "keep": FILTER_KEEP})
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
        cursor.trial, cursor.steps_in_trial, cursor.primed = 0, 0, 0
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

    def __init__(self, circuit, blocks, inputs, neurons, task=None):
        self.task = task or CursorTask
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

        self.objects, self.stages = [sense, act], {}

    def start(self, index, block):
        self.tasks.append(self.task(block.targets, block.learning))
        self.decoder = block.decoder

    def records(self):
        return {name: np.concatenate([np.asarray(task.records[name]) for task in self.tasks]) for name in RECORDED}


def run_blocks(circuit, blocks, rule, *, seed, backend="standalone", loop="compiled", nu=10 * Hz,
               kappa=0.2 / Hz, include_unrecorded=False, steps_per_target=50, record_every=None,
               task=None, progress=True, name=None):
    """Simulate the closed loop through ``blocks`` (see the module docstring); returns a LoopRecord.

    ``nu`` and the blocks' ``eta`` may be scalars or per-run arrays; ``record_every``
    (steps) adds weight snapshots. Each block runs ceil(T steps_per_target /
    record_every) record_every steps; a run that has not presented all its
    targets by then is reported in ``completed``. ``task`` (callback loop only)
    replaces :class:`CursorTask`: a callable ``task(targets, learning)`` returning
    an object with ``direction()``, ``step(velocity)`` and ``records`` like it.
    """
    if loop not in ("compiled", "callback"):
        raise ParameterError("loop", f"{OWNER}: unknown loop {loop!r}; choose compiled or callback")
    if loop == "callback" and backend != "runtime":
        raise ParameterError("backend", f"{OWNER}: loop='callback' calls Python every step and needs backend='runtime'")
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
        stages = {"drive": learning.summed_updaters["h_post"], "activity": contained(neurons, "motor_step"),
                  "encode": contained(inputs, "inputs_step")}
        stages.update({stage: contained(learning, f"learning_{stage}") for stage in rule.on_step})
        if "weight_norm2_post" in learning.summed_updaters:
            stages["weight_norm"] = learning.summed_updaters["weight_norm2_post"]
        if loop == "compiled":
            if task is not None:
                raise ParameterError("task", f"{OWNER}: a Python task needs loop='callback'")
            environment = CompiledEnvironment(circuit, blocks, inputs, neurons)
        else:
            environment = CallbackEnvironment(circuit, blocks, inputs, neurons, task)
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
        arrange = lambda w: weights_by_run(w, learning.i[:], learning.j[:], runs, n_sim, m)  # noqa: E731
        shots = [arrange(w) for w in np.asarray(snapshot.w).T] + [arrange(np.asarray(learning.w[:]))]
    return assemble(blocks, values, np.stack(shots), block_steps, chunk, weights0, wall_time)


def weights_by_run(w, i, j, runs, n, m):
    """Synaptic weights ordered as (runs, n, m) from the synapses' pre (i) and post (j) indices."""
    ordered = np.empty((runs, n, m))
    j, i = np.asarray(j), np.asarray(i)
    ordered[j // n, j % n, i % m] = w
    return ordered


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
