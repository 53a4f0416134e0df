"""Moving-object prediction task of Rao et al. 2021 (Fig 3, Methods 3.5).

A disk (diameter 5 grid units, GU) starts at (r_x, r_y) in [3, 27]^2 and
moves by a displacement v in [4, 20] GU in direction theta in [0, 2 pi)
over the delay T (all uniform [R: the paper gives the ranges]). The
30 x 30 grid of learners (pixel centres at 0.5, 1.5, ... GU) must predict
whether their pixel is covered at T (distance to the disk centre <= 2.5 GU),
computed from the *true* velocity, while their apical input encodes the
start and a *noisy* estimate v_in = v + N(0, sigma_v),
theta_in = theta + N(0, sigma_theta).

Input population [P]: one Poisson neuron per (mu_x, mu_y, mu_v, mu_theta)
on grids of 10, 10, 10 and 24 equally spaced values (theta: 0, 15, ...,
345 deg), Gaussian tuning (circular distance for theta) with
sigma_r = 2.67, sigma_v = 1.78 GU, sigma_theta = 15 deg; rates normalised
to a total of 250 Hz. The tuning is a product over the four dimensions, so
the normalised rate of input (a, b, c, d) is 250 Hz * P_x(a) P_y(b) P_v(c)
P_theta(d) with each P normalised: spikes are drawn by picking, for each
spike of a 250 Hz process, its input dimension by dimension.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from brian2 import Hz, ms

from ..analysis.moving_object import circular_difference
from ..parameters import ParameterError
from .validation import positive_int, quantity_array


OWNER = "MovingObject"
SAMPLE_COLUMNS = ["x", "y", "speed", "direction", "speed_in", "direction_in"]


@dataclass(frozen=True)
class MovingObject:
    """The task and its population code; lengths in grid units (GU), angles in rad."""

    grid: int = 30
    diameter: float = 5.0
    start_range: tuple = (3.0, 27.0)
    speed_range: tuple = (4.0, 20.0)
    n_position: int = 10
    n_speed: int = 10
    n_direction: int = 24
    sigma_position: float = 2.67
    sigma_speed: float = 1.78
    sigma_direction: float = np.deg2rad(15.0)
    total_rate: object = field(default_factory=lambda: 250 * Hz)

    def __post_init__(self):
        for name in ("grid", "n_position", "n_speed", "n_direction"):
            positive_int(name, getattr(self, name), OWNER)
        for name in ("diameter", "sigma_position", "sigma_speed", "sigma_direction"):
            if not getattr(self, name) > 0:
                raise ParameterError(name, f"{OWNER}: '{name}' must be positive, got {getattr(self, name)!r}")
        quantity_array("total_rate", self.total_rate, Hz, OWNER)

    @property
    def shape(self):
        """Sizes of the four input dimensions (x, y, speed, direction)."""
        return (self.n_position, self.n_position, self.n_speed, self.n_direction)

    @property
    def n_inputs(self):
        return int(np.prod(self.shape))

    @property
    def pixels(self):
        """(grid^2, 2) pixel centres; pixel k = (k // grid, k % grid)."""
        centres = np.arange(self.grid) + 0.5
        return np.stack(np.meshgrid(centres, centres, indexing="ij"), -1).reshape(-1, 2)

    def preferred_values(self):
        """The preferred values of the four input dimensions."""
        position = np.linspace(*self.start_range, self.n_position)
        return position, position, np.linspace(*self.speed_range, self.n_speed), np.arange(self.n_direction) * 2 * np.pi / self.n_direction

    def sample(self, n, rng):
        """n objects (DataFrame of SAMPLE_COLUMNS) drawn with the numpy Generator ``rng``."""
        n = positive_int("n", n, OWNER)
        start = rng.uniform(*self.start_range, (n, 2))
        speed, direction = rng.uniform(*self.speed_range, n), rng.uniform(0, 2 * np.pi, n)
        return pd.DataFrame({
            "x": start[:, 0], "y": start[:, 1], "speed": speed, "direction": direction,
            "speed_in": speed + self.sigma_speed * rng.standard_normal(n),
            "direction_in": (direction + self.sigma_direction * rng.standard_normal(n)) % (2 * np.pi),
        })

    def tuning(self, samples):
        """Per-dimension input probabilities [(n, 10), (n, 10), (n, 10), (n, 24)], each row summing to 1."""
        mu_x, mu_y, mu_v, mu_theta = self.preferred_values()
        distances = (
            (samples["x"].to_numpy()[:, None] - mu_x) / self.sigma_position,
            (samples["y"].to_numpy()[:, None] - mu_y) / self.sigma_position,
            (samples["speed_in"].to_numpy()[:, None] - mu_v) / self.sigma_speed,
            circular_difference(samples["direction_in"].to_numpy()[:, None], mu_theta) / self.sigma_direction,
        )
        factors = [np.exp(-0.5 * d**2) for d in distances]
        return [f / f.sum(1, keepdims=True) for f in factors]

    def rates(self, samples):
        """(n, n_inputs) input rates in Hz (dense: for evaluation on a few samples)."""
        px, py, pv, pt = self.tuning(samples)
        joint = np.einsum("na,nb,nc,nd->nabcd", px, py, pv, pt).reshape(len(samples), -1)
        return joint * float(self.total_rate / Hz)

    def final_positions(self, samples, estimated=False):
        """(n, 2) disk centres at T from the true (or the noisy, estimated) velocity."""
        speed = samples["speed_in" if estimated else "speed"].to_numpy()
        direction = samples["direction_in" if estimated else "direction"].to_numpy()
        start = samples[["x", "y"]].to_numpy()
        return start + speed[:, None] * np.stack([np.cos(direction), np.sin(direction)], -1)

    def covered_pixels(self, samples, chunk=10_000):
        """(sample, pixel) index pairs with z = 1: the disk covers the pixel at T (true velocity).

        Computed in chunks of samples, so memory stays small for 168,000 samples.
        """
        ends = self.final_positions(samples)
        pairs = []
        for start in range(0, len(ends), chunk):
            distance = np.linalg.norm(self.pixels[None] - ends[start:start + chunk, None], axis=-1)
            sample, pixel = np.nonzero(distance <= self.diameter / 2)
            pairs.append((sample + start, pixel))
        return tuple(np.concatenate(column) for column in zip(*pairs))

    def targets(self, samples):
        """(n, grid^2) z of every pixel: 1 if the disk covers it at T (true velocity)."""
        out = np.zeros((len(samples), self.grid**2))
        out[self.covered_pixels(samples)] = 1.0
        return out

    def input_spikes(self, samples, rng, presentation=400 * ms, dt=1 * ms):
        """Poisson input spikes of consecutive presentations, one per row of ``samples``.

        Returns (indices, times in s): each presentation's spikes form a
        Poisson process of total_rate on the dt lattice; each spike picks its
        input from the tuning. Two spikes of one input in one step merge (as
        for ``rand() < rate*dt``; probability ~ (rate dt)^2).
        """
        quantity_array("presentation", presentation, ms, OWNER)
        steps = positive_int("presentation", round(float(presentation / dt)), OWNER)
        counts = rng.poisson(float(self.total_rate * presentation), len(samples))
        owner = np.repeat(np.arange(len(samples)), counts)
        index = np.zeros(len(owner), dtype=np.int64)
        for probabilities, size in zip(self.tuning(samples), self.shape):
            cumulative = np.cumsum(probabilities, 1)
            draws = rng.random(len(owner))
            picked = np.empty(len(owner), dtype=np.int64)
            for start in range(0, len(owner), 1_000_000):  # bounded memory
                chunk = slice(start, start + 1_000_000)
                picked[chunk] = np.minimum((draws[chunk, None] > cumulative[owner[chunk]]).sum(1), size - 1)
            index = index * size + picked
        step = owner * steps + rng.integers(0, steps, len(owner))
        unique = np.unique(step * self.n_inputs + index)
        return (unique % self.n_inputs).astype(np.int32), (unique // self.n_inputs) * float(dt)
