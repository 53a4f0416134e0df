"""The closed-loop 3-D BCI cursor task of Legenstein, Chase, Schwartz & Maass 2010: its parts.

A network of ``runs`` independent experiments: in each, m = 100 inputs code
the desired direction y* (Eq 4), the motor neurons respond with noise
(``models.bci``), a population-vector decoder reads the first n = 40
("recorded") neurons (Eq 5), the cursor integrates the decoded velocity and
the angular match R = y . y* / |y| is the reward of the plasticity rule.
One time step is one cursor update (1/30 s). Targets are corners of a unit
cube centred at the origin; a trial ends on a hit (|l - target| <= 0.05) or
after 90 steps (3 s), and the cursor returns to the origin. The reward
filter Rbar(t) = 0.8 Rbar(t-1) + 0.2 R(t) restarts with each block, and with
each new target when the loop runs with filter_reset="target".

This module holds the parts: random circuits, the decoder and its
calibration, the decoder perturbation, targets, :class:`Block` (one
session) and :class:`CursorTask` (the environment in NumPy). The closed
loops are in ``environments`` and ``loop``.
"""

from dataclasses import dataclass, replace

import numpy as np
from brian2 import Hz, second

from ...analysis.bci import AXES, cube_corners, cube_directions, fit_tuning, unit
from ...parameters import ParameterError
from ..validation import non_negative, positive_int, quantity_array, seed_value

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

    def __init__(self, targets, learning=True, tolerance=TOLERANCE, max_steps=MAX_STEPS, keep=FILTER_KEEP,
                 restart_filters=0):
        self.targets, self.learning = np.asarray(targets, float), float(learning)
        self.restart_filters = float(restart_filters)
        self.tolerance, self.max_steps, self.keep = tolerance, max_steps, keep
        runs = len(self.targets)
        self.position = np.zeros((runs, 3))
        self.trial = np.zeros(runs, int)
        self.steps_in_trial = np.zeros(runs)
        self.R, self.Rbar, self.primed = np.zeros(runs), np.zeros(runs), np.zeros(runs)
        self.restart = np.zeros(runs)  # 1 in the step after a trial ended, if the filters restart per target
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
        self.restart = done * self.restart_filters
        self.primed *= 1 - self.restart
        for name, value in zip(RECORDED, (*moved.T, self.R, step_trial, active, hit)):
            self.records[name].append(np.array(value, float))
        return self.R, self.Rbar, active * self.learning


#: Per-step variables recorded by both loops (after the cursor moved, before a reset).
RECORDED = ("px", "py", "pz", "R", "step_trial", "was_active", "hit")

def per_run(name, value, unit, runs):
    """A scalar or per-run quantity as a float array (runs,) in ``unit``."""
    values = np.asarray(quantity_array(name, value, unit, OWNER) / unit, float)
    non_negative(name, values, OWNER)
    if len(values) not in (1, runs):
        raise ParameterError(name, f"{OWNER}: '{name}' needs 1 or runs={runs} values, got {len(values)}")
    return np.broadcast_to(values, (runs,)).copy()
