"""Burbank & Kreiman 2012, Fig 8: reconstruction of early activity by trained top-down feedback.

Fig 8's probe: ``stimuli`` presentations of an early burst (input zero
after 50 ms), plasticity off, once with the trained top-down weights and
once with W = 0 (same seed); per stimulus, corr(late activity minus its
no-feedback baseline, early activity).
"""

import numpy as np
import pandas as pd
from brian2 import ms, second

from ... import streams
from ...analysis.convergence import safe_correlation
from ...protocols.top_down import (
    PRESENTATION,
    CompiledNetwork,
    input_strengths,
    parameters,
)
from .parameters import network_parameters

#: Fig 8's read-out windows (phase within a presentation) and the early burst's end [P].
EARLY, LATE, BURST_END = (0 * ms, 50 * ms), (80 * ms, 160 * ms), 50 * ms


def reconstruction_q(q):
    """Fig 8's weaker bottom-up weights, the Methods' steps in sequence: multiply by 2, subtract the mean
    (of the doubled matrix), add 0.5, so Q' = 2Q - mean(2Q) + 0.5 with mean 0.5 ("overall input is weak")."""
    doubled = 2 * np.asarray(q, float)
    return doubled - doubled.mean() + 0.5


def evaluate_reconstruction(q, w, c, seed, stimuli=100, compiled=None, **overrides):
    """Reconstruction of early activity by top-down feedback (Fig 8), one row per stimulus.

    ``stimuli`` presentations of an early burst (input zero after 50 ms),
    plasticity off, run once with top-down weights ``w`` (lower x higher)
    and once with W = 0 (same seed). Per stimulus: corr(late activity minus
    its no-feedback baseline, early activity), spike counts of the lower
    neurons in EARLY and LATE. Standalone; ``compiled`` (a CompiledNetwork
    with ``record_spikes`` and ``chunk=stimuli``) is reused if given.
    """
    q = np.asarray(q, float)
    params = parameters(network_parameters(**{**overrides, "mu": 0.0}))
    runner = compiled or CompiledNetwork(q.shape, {"chunk": stimuli, "record_spikes": True}, params["delay"],
                                         params["tau_stdp"])
    strengths = {"lower": input_strengths(c, stimuli, streams.generator(seed, "reconstruction stimuli"))}
    counts = {}
    try:
        network = runner.network
        for label, weights in (("feedback", np.asarray(w, float)), ("baseline", np.zeros_like(w))):
            state = {"w": weights.T.ravel(), "q": q.ravel(), "input_gain": np.ones(q.shape[0])}
            runner.run_chunk(state, strengths, streams.integer(seed, "reconstruction"), params, extra={network.lower.input_cutoff: BURST_END})
            monitor = next(obj for obj in network.objects if obj.name == "lower_spikes")
            counts[label] = window_counts(np.asarray(monitor.i), np.asarray(monitor.t / second), stimuli, q.shape[0])
    finally:
        if compiled is None:
            runner.close()
    early = counts["feedback"]["early"]
    late = counts["feedback"]["late"] - counts["baseline"]["late"]
    correlations = [safe_correlation(late[k], early[k]) for k in range(stimuli)]
    return pd.DataFrame({"stimulus": np.arange(stimuli), "correlation": correlations,
                         "early_spikes": early.sum(axis=1), "late_spikes": counts["feedback"]["late"].sum(axis=1),
                         "baseline_late_spikes": counts["baseline"]["late"].sum(axis=1)})


def window_counts(indices, times, presentations, n, windows=None):
    """Spike counts (presentation x neuron) per phase window, by default EARLY and LATE; times in s.

    ``windows``: {label: (start, stop)} of presentation phases (Quantities)."""
    period = float(PRESENTATION / second)
    presentation = np.floor(times / period).astype(int)
    phase = times - presentation * period
    result = {}
    for label, (start, stop) in (windows or {"early": EARLY, "late": LATE}).items():
        inside = (phase >= float(start / second)) & (phase < float(stop / second)) & (presentation < presentations)
        counts = np.zeros((presentations, n))
        np.add.at(counts, (presentation[inside], indices[inside]), 1)
        result[label] = counts
    return result
