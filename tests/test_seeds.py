"""Seeded randomness: same seed, same result; different seeds, different results."""

import numpy as np
from brian2 import Hz, PoissonGroup, SpikeMonitor, ms, second

import gatedplasticity as gp


def spikes_of(seed):
    with gp.Session(progress=False):
        group = gp.protocols.poisson_trains([20, 50] * Hz, 2 * second, seed=seed)
        return np.array(group._neuron_index), np.array(group._spike_time)


def test_poisson_protocol_is_reproducible():
    first, again, other = spikes_of(3), spikes_of(3), spikes_of(4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], other[1])


def test_poisson_protocol_rate_statistics():
    # 200 trains at 20 Hz for 10 s: 40,000 expected spikes, SD 200 (binomial): 5 SD tolerance
    with gp.Session(progress=False):
        group = gp.protocols.poisson_trains(np.full(200, 20.0) * Hz, 10 * second, seed=0, dt=1 * ms)
        assert abs(len(group._spike_time) - 40_000) < 5 * 200


def brian_spike_count(seed):
    with gp.Session(seed=seed, progress=False) as session:
        group = PoissonGroup(50, 40 * Hz)
        monitor = SpikeMonitor(group)
        session.run(200 * ms, [group, monitor])
        return np.array(monitor.i), np.array(monitor.t)


def test_session_seeds_brian2_random_numbers():
    first, again, other = brian_spike_count(7), brian_spike_count(7), brian_spike_count(8)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], other[1]) or not np.array_equal(first[0], other[0])
