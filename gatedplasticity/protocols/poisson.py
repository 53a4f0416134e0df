"""Seeded Poisson spike trains as a SpikeGeneratorGroup (same spikes on every backend)."""

import numpy as np
from brian2 import Hz, SpikeGeneratorGroup, ms, second

from ..parameters import ParameterError
from .validation import non_negative, quantity_array, seed_value

OWNER = "poisson_trains"


def poisson_trains(rates, duration, seed, dt=0.1 * ms, name="poisson*"):
    """One independent Poisson train per entry of ``rates`` (Hz) for ``duration``.

    Spikes are drawn with numpy from ``seed`` on the time grid ``dt`` (at most
    one spike per neuron and step: a Bernoulli process with p = rate dt, drawn
    as a binomial count and distinct steps).
    """
    rates = quantity_array("rates", rates, Hz, OWNER)
    if rates.ndim != 1 or len(rates) == 0:
        raise ParameterError("rates", f"{OWNER}: 'rates' must be a non-empty 1-D array (one rate per train), "
                                      f"got shape {rates.shape}")
    quantity_array("duration", duration, second, OWNER)
    quantity_array("dt", dt, second, OWNER)
    if not float(dt / second) > 0:
        raise ParameterError("dt", f"{OWNER}: 'dt' must be positive, got {dt}")
    if not float(duration / second) >= 0:
        raise ParameterError("duration", f"{OWNER}: 'duration' must not be negative, got {duration}")
    non_negative("rates", rates, OWNER)
    if np.any(rates * dt > 1):
        raise ParameterError("rates", f"{OWNER}: 'rates' must stay below 1/dt = {1 / dt}")
    rng = np.random.default_rng(seed_value(seed, OWNER))
    n_steps = int(round(float(duration / dt)))
    counts = rng.binomial(n_steps, np.asarray(rates * dt, dtype=float))
    spiking = [np.sort(rng.choice(n_steps, count, replace=False)) for count in counts]
    indices = np.repeat(np.arange(len(rates)), [len(steps) for steps in spiking])
    steps = np.concatenate(spiking) if spiking else np.array([], dtype=int)
    return SpikeGeneratorGroup(len(rates), indices, steps * dt, name=name)
