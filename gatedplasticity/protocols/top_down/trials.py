"""Presentations as separate trials, read from Burbank & Kreiman 2012's text.

"The synaptic strengths were modified by every pair of spikes which
occurred during a stimulus presentation"; "We set [mu] to 0.01, [ ] to
160 ms, and [ ] to 80 ms" [R: the presentation length and a cut-off on the
pair interval |dt|]; the analytical model changes weights "at the end of
each stimulus presentation". With ``trial="reset"`` (the default):

- every presentation starts from rest: v = V_rest, g = 0, STDP traces 0,
  relays empty (:func:`reset_at_presentation_start`);
- a spike in flight at a presentation's end is dropped (its arrival would
  fall into the next presentation): :func:`in_presentation` guards every
  delayed pathway;
- pairs farther apart than ``pair_window`` do not count: each neuron-level
  trace loses a spike's contribution ``pair_window`` after it
  (:func:`expiry`), so the trace sums only the spikes of the last 79 ms
  (|dt| < 80 ms at dt = 1 ms);
- with ``update="presentation"`` the STDP rules sum their pair changes and
  apply them (clipped once) at the next presentation's start
  (``rules.stdp`` APPLY_PENDING).

:func:`pairs_per_presentation` counts the pairs the synapses see, from the
per-step population spike counts.
"""

import numpy as np
from brian2 import Synapses, ms

PAIR_WINDOW = 80 * ms
#: Weight update of the network's option -> ``rules.stdp`` update.
UPDATES = {"presentation": "deferred", "spike": "spike"}


def steps(duration, dt):
    """A duration in whole time steps."""
    return int(round(float(duration / dt)))


def in_presentation(lag_steps, ahead=0):
    """0/1 condition: a spike emitted ``lag_steps`` before step t_in_timesteps + ``ahead`` lies in that step's presentation."""
    step = f"(t_in_timesteps + {ahead})" if ahead else "t_in_timesteps"
    return f"int({step} % presentation_steps >= {lag_steps})"


def reset_at_presentation_start(group, code, presentation, name=None):
    """Run ``code`` on ``group`` at the start of every presentation (before anything else in that step)."""
    return group.run_regularly(code, dt=presentation, when="start", order=-10, name=name or f"{group.name}_trial_reset")


def expiry(group, window, presentation_steps, dt):
    """Synapses that remove each spike's contribution from ``group``'s ``stdp_trace`` ``window`` after it.

    The trace jumps by 1 at a spike and decays with tau_stdp; ``window``
    later its share is exp(-window / tau_stdp), subtracted before any
    synapse reads the trace in that step (so |dt| = window no longer counts).
    """
    lag = steps(window, dt)
    if not 0 < lag < presentation_steps:
        raise ValueError(f"pair window must be between one step and one presentation, got {window}")
    synapses = Synapses(group, group, on_pre=f"stdp_trace_post -= exp(-pair_window / tau_stdp_post) * {in_presentation(lag)}",
                        namespace={"pair_window": lag * dt, "presentation_steps": presentation_steps},
                        name=f"{group.name}_expiry")
    synapses.connect(j="i")
    synapses.delay = lag * dt
    synapses.pre.when = "before_synapses"
    return synapses


def pairs_per_presentation(post_counts, pre_counts, presentation_steps, window_steps=None):
    """Spike pairs (pre, post) with |dt| < window per presentation, summed over all pre x post pairs of neurons.

    ``post_counts``, ``pre_counts``: spikes per time step summed over each
    population (pre at its arrival times), whole presentations; pairs are
    counted within a presentation only. For all-to-all synapses, divide by
    n_pre n_post for the pairs per synapse.
    """
    post = np.asarray(post_counts, float).reshape(-1, presentation_steps)
    pre = np.asarray(pre_counts, float).reshape(-1, presentation_steps)
    window = presentation_steps if window_steps is None else window_steps
    cumulative = np.concatenate([np.zeros((len(pre), 1)), np.cumsum(pre, axis=1)], axis=1)
    index = np.arange(presentation_steps)
    upper = np.minimum(index + window, presentation_steps)
    lower = np.maximum(index - window + 1, 0)
    nearby = cumulative[:, upper] - cumulative[:, lower]
    return float((post * nearby).sum(axis=1).mean())
