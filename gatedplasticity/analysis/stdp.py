"""Closed forms of pair-based STDP (Burbank & Kreiman 2012, Eq 1/1').

Times are in seconds (plain floats or Brian2 quantities). ``params`` default
to those of :mod:`gatedplasticity.rules.stdp`.
"""

import numpy as np

from ..parameters import ParameterError
from ..rules import stdp


def _amplitudes(rule, params):
    """(causal, acausal) amplitudes: pre-before-post and post-before-pre."""
    mu, alpha = params["mu"], params["alpha"]
    if rule == "classical":
        return mu, -alpha * mu
    if rule == "reverse":
        return -alpha * mu, mu
    raise ParameterError("rule", f"unknown STDP rule {rule!r}; choose 'classical' or 'reverse'")


def _params(overrides):
    unknown = set(overrides) - set(stdp.DEFAULTS)
    if unknown:
        raise ParameterError(sorted(unknown)[0], f"unknown STDP parameter(s): {', '.join(sorted(unknown))}")
    params = {**stdp.DEFAULTS, **overrides}
    params["tau_stdp"] = float(params["tau_stdp"])
    return params


def window(delays, rule="classical", **params):
    """Weight change of one pre/post pair at each delay dt = t_post - t_pre (s).

    dt = 0 counts as pre before post (causal branch).
    """
    params = _params(params)
    causal, acausal = _amplitudes(rule, params)
    delays = np.asarray(delays, dtype=float)
    decay = np.exp(-np.abs(delays) / params["tau_stdp"])
    return np.where(delays >= 0, causal, acausal) * decay


def replay(pre_times, post_times, rule="classical", w0=0.0, gate_events=None, gate_duration=None, **params):
    """Final weight after all-to-all pairing of two spike trains, event by event.

    Spikes are processed in time order (a presynaptic spike before a
    simultaneous postsynaptic one, as in Brian2); each update is clipped to
    [w_min, w_max]. With ``gate_events``, an update happens only if some gate
    event e satisfies e <= t < e + gate_duration.
    """
    params = _params(params)
    causal, acausal = _amplitudes(rule, params)
    tau = params["tau_stdp"]
    pre_times = np.sort(np.asarray(pre_times, dtype=float))
    post_times = np.sort(np.asarray(post_times, dtype=float))
    events = sorted([(t, 0) for t in pre_times] + [(t, 1) for t in post_times])
    gates = None if gate_events is None else np.asarray(gate_events, dtype=float)
    w = float(w0)
    for time, is_post in events:
        if gates is not None and not np.any((gates <= time) & (time < gates + float(gate_duration))):
            continue
        if is_post:
            partners = pre_times[pre_times <= time]
            change = causal * np.exp(-(time - partners) / tau).sum()
        else:
            partners = post_times[post_times < time]
            change = acausal * np.exp(-(time - partners) / tau).sum()
        w = min(max(w + change, params["w_min"]), params["w_max"])
    return w


def poisson_drift(rate_pre, rate_post, duration, dt, rule="classical", **params):
    """Expected weight change under independent Bernoulli-Poisson firing on a time grid.

    Each train spikes in a step of length ``dt`` with probability rate * dt.
    Pairs at lag k >= 0 steps (pre first or simultaneous) are causal, k >= 1
    (post first) acausal, and a run of n steps holds (n - k) of each, so

        E[dw] = p_pre p_post sum_k (n - k) e^(-k dt / tau) [causal (k >= 0) + acausal (k >= 1)].

    As dt -> 0 this tends to rate_pre rate_post duration tau_stdp mu (1 - alpha)
    for both rules. Rates in Hz, duration and dt in s; no bound is reached.
    """
    params = _params(params)
    causal, acausal = _amplitudes(rule, params)
    dt = float(dt)
    n_steps = int(round(float(duration) / dt))
    lags = np.arange(n_steps)
    pairs = (n_steps - lags) * np.exp(-lags * dt / params["tau_stdp"])
    return float(rate_pre) * dt * float(rate_post) * dt * (causal * pairs.sum() + acausal * pairs[1:].sum())


def population_drift(post_counts, pre_counts, presentation_steps, dt, rule="classical", pair_window=None,
                     synapses=1, **params):
    """Mean weight change per presentation and synapse of all-to-all pair STDP, from population spike counts.

    ``post_counts``, ``pre_counts``: spikes per time step of ``dt`` (s) summed
    over each population (pre at its arrival), whole presentations of
    ``presentation_steps``. Pairs are counted within a presentation, at lags
    below ``pair_window`` (s; None: the whole presentation), weighted as in
    :func:`window` (a pre spike in the same step as a post spike is causal);
    the sum over every neuron pair is divided by ``synapses`` (n_pre n_post
    for all-to-all synapses). Weights are held fixed (no bound is reached).
    """
    params = _params(params)
    causal, acausal = _amplitudes(rule, params)
    post = np.asarray(post_counts, float).reshape(-1, presentation_steps)
    pre = np.asarray(pre_counts, float).reshape(-1, presentation_steps)
    lags = presentation_steps if pair_window is None else int(round(float(pair_window) / float(dt)))
    decay = np.exp(-np.arange(lags) * float(dt) / params["tau_stdp"])
    pre_first = sum(decay[k] * (pre[:, :presentation_steps - k] * post[:, k:]).sum() for k in range(lags))
    post_first = sum(decay[k] * (post[:, :presentation_steps - k] * pre[:, k:]).sum() for k in range(1, lags))
    return float(causal * pre_first + acausal * post_first) / len(post) / synapses
