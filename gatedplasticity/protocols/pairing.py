"""Spike-pairing protocol: pre/post pairs at chosen delays, one synapse per delay."""

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, SpikeGeneratorGroup, ms, second

from ..parameters import ParameterError
from .validation import positive_int, quantity_array

OWNER = "pairing protocol"


@dataclass(frozen=True)
class Pairing:
    """Two spike sources: neuron k of ``pre`` and of ``post`` fire pairs at ``delays[k]``.

    ``pre_times`` and ``post_times`` (s) list each neuron's spike times, the
    input of closed-form checks; ``duration`` covers all pairs plus one period.
    """

    pre: SpikeGeneratorGroup
    post: SpikeGeneratorGroup
    delays: Quantity
    pre_times: list
    post_times: list
    duration: Quantity


def pairing(delays, n_pairs=1, period=1 * second, onset=200 * ms, dt=0.1 * ms):
    """Pairs with delay dt_k = t_post - t_pre for each delay, repeated ``n_pairs`` times.

    The earlier spike of each pair falls at ``onset + n * period``. ``period``
    must exceed twice the largest |delay| so that pairs do not overlap; spike
    times are rounded to the time step ``dt``.
    """
    delays = quantity_array("delays", delays, ms, OWNER)
    n_pairs = positive_int("n_pairs", n_pairs, OWNER)
    quantity_array("period", period, ms, OWNER)
    quantity_array("onset", onset, ms, OWNER)
    if period <= 2 * np.max(np.abs(delays)):
        raise ParameterError("period", f"{OWNER}: 'period' ({period}) must exceed twice the largest |delay|")
    if onset <= 0 * ms:
        raise ParameterError("onset", f"{OWNER}: 'onset' must be positive, got {onset}")
    steps = np.round(np.asarray(delays / dt)).astype(int)
    first = int(round(float(onset / dt))) + np.arange(n_pairs)[:, None] * int(round(float(period / dt)))
    pre_steps = first + np.maximum(-steps, 0)
    post_steps = first + np.maximum(steps, 0)
    n = len(steps)
    index = np.tile(np.arange(n), n_pairs)
    pre = SpikeGeneratorGroup(n, index, pre_steps.ravel() * dt, name="pairing_pre*")
    post = SpikeGeneratorGroup(n, index, post_steps.ravel() * dt, name="pairing_post*")
    step = float(dt)
    return Pairing(
        pre=pre,
        post=post,
        delays=steps * dt,
        pre_times=[pre_steps[:, k] * step for k in range(n)],
        post_times=[post_steps[:, k] * step for k in range(n)],
        duration=onset + n_pairs * period,
    )
