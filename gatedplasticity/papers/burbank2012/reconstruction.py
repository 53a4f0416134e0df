"""Burbank & Kreiman 2012, Fig 8: reconstruction of early activity by trained top-down feedback.

Fig 8's probe: ``stimuli`` presentations of an early burst (input zero
after 50 ms), plasticity off, once with the trained top-down weights and
once with W = 0 (same seed); per stimulus, corr(late activity minus its
no-feedback baseline, early activity).
"""

from contextlib import nullcontext

import numpy as np
import pandas as pd
from brian2 import ms, second

from ... import streams
from ...analysis.convergence import safe_correlation
from ...protocols.top_down import PRESENTATION, Structure, input_strengths, program as network_program, run_chunk
from .parameters import network_parameters

#: Fig 8's read-out windows (phase within a presentation) and the early burst's end [P].
EARLY, LATE, BURST_END = (0 * ms, 50 * ms), (80 * ms, 160 * ms), 50 * ms


def reconstruction_q(q):
    """Fig 8's weaker bottom-up weights, the Methods' steps in sequence: multiply by 2, subtract the mean
    (of the doubled matrix), add 0.5, so Q' = 2Q - mean(2Q) + 0.5 with mean 0.5 ("overall input is weak")."""
    doubled = 2 * np.asarray(q, float)
    return doubled - doubled.mean() + 0.5


def probe_structure(shape, stimuli, params):
    """The structure of a probe: ``stimuli`` presentations in one chunk, the lower layer's spikes recorded."""
    return Structure(chunk=stimuli, record_spikes=True).for_network(shape, params)


def evaluate_reconstruction(q, w, c, seed, stimuli=100, program=None, **overrides):
    """Reconstruction of early activity by top-down feedback (Fig 8), one row per stimulus.

    ``stimuli`` presentations of an early burst (input zero after 50 ms),
    plasticity off, run once with top-down weights ``w`` (lower x higher)
    and once with W = 0 (same seed). Per stimulus: corr(late activity minus
    its no-feedback baseline, early activity), spike counts of the lower
    neurons in EARLY and LATE. ``program``: an open program of
    :func:`probe_structure` to reuse (otherwise one is built here).
    """
    q = np.asarray(q, float)
    params = network_parameters(**{**overrides, "mu": 0.0})
    strengths = {"lower": input_strengths(c, stimuli, streams.generator(seed, "reconstruction stimuli"))}
    counts = {}
    built = nullcontext(program) if program is not None else network_program(probe_structure(q.shape, stimuli, params))
    with built as runner:
        for label, weights in (("feedback", np.asarray(w, float)), ("baseline", np.zeros_like(w))):
            state = {"w": weights.T.ravel(), "q": q.ravel(), "input_gain": np.ones(q.shape[0])}
            _, outputs = run_chunk(runner, state, strengths, params, streams.integer(seed, "reconstruction"),
                                   extra={"lower.input_cutoff": BURST_END})
            counts[label] = window_counts(outputs["lower_spike_i"].astype(int), outputs["lower_spike_t"], stimuli,
                                          q.shape[0])
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
