"""Pair-based classical (cSTDP) and reverse (rSTDP) spike-timing-dependent plasticity.

Burbank & Kreiman (2012) PLoS Comput Biol 8:e1002393, Eq 1 / 1' and Methods
(doi:10.1371/journal.pcbi.1002393). Every pre/post spike pair (all-to-all)
changes the weight by, with dt = t_post - t_pre,

    cSTDP:  dw = +mu exp(-dt/tau_stdp)          for dt >= 0 (pre before post)
            dw = -alpha mu exp(dt/tau_stdp)     for dt <  0
    rSTDP:  dw = -alpha mu exp(-dt/tau_stdp)    for dt >= 0
            dw = +mu exp(dt/tau_stdp)           for dt <  0

alpha > 1 biases the rule towards depression. Weights are clipped to
[w_min, w_max] after every update (hard bounds; +-50 in the paper's Figs 3,
4, 6, 8). Pairs are summed with per-synapse exponential traces, which makes
the all-to-all sum exact. Simultaneous spikes (dt = 0) count as "pre before
post": Brian2 runs presynaptic pathways before postsynaptic ones.

The two rules differ only in the window Equations that set the amplitudes of
the causal (pre before post) and acausal (post before pre) branches.

Two formulations give the same weights (tested):

- ``traces="synapse"``: per-synapse event-driven traces (general);
- ``traces="neuron"``: one trace per neuron (``NEURON_TRACE`` in the pre and
  post groups, +1 at each of their spikes). For all-to-all pair STDP the trace
  of a synapse equals that of its presynaptic (or postsynaptic) neuron, so
  this is exact and saves two exponentials per synaptic event. A transmission
  delay must then be carried by the presynaptic group itself (a relay that
  spikes at arrival, ``models.lif.arrival_relay``); the postsynaptic pathway
  runs after the resets so that a pre spike arriving in the same step counts
  as "pre before post", as in the per-synapse form.

``multiplicative=True`` makes both branches weight-dependent (Burbank &
Kreiman Eq 7, [R] form of Rubin et al. / van Rossum et al.): potentiation
mu (w_max - w)/w_max, depression alpha mu w/w_max.
"""

import numpy as np
from brian2 import Equations, ms

from ..models.lif import NEURON_TRACE, NEURON_TRACE_RESET  # noqa: F401  (re-exported: the neuron-level trace)
from ..parameters import ParameterError
from .base import Rule

STDP_TRACES = Equations(
    """
    w : 1
    dpre_trace/dt = -pre_trace / tau_stdp : 1 (event-driven)
    dpost_trace/dt = -post_trace / tau_stdp : 1 (event-driven)
    """
)

#: Spike-pair amplitudes: additive (the paper's Eq 5) or weight-dependent (Eq 7 [R]).
ADDITIVE = Equations(
    """
    potentiation = mu : 1
    depression = alpha * mu : 1
    """
)

MULTIPLICATIVE = Equations(
    """
    potentiation = mu * (w_max - w) / w_max : 1
    depression = alpha * mu * w / w_max : 1
    """
)

CLASSICAL_WINDOW = Equations(
    """
    amplitude_causal = potentiation : 1
    amplitude_acausal = -depression : 1
    """
)

REVERSE_WINDOW = Equations(
    """
    amplitude_causal = -depression : 1
    amplitude_acausal = potentiation : 1
    """
)


ON_PRE = """
pre_trace += 1
w = clip(w + plasticity_gate * amplitude_acausal * post_trace, w_min, w_max)
"""

ON_POST = """
post_trace += 1
w = clip(w + plasticity_gate * amplitude_causal * pre_trace, w_min, w_max)
"""

ON_PRE_NEURON = "w = clip(w + plasticity_gate * amplitude_acausal * stdp_trace_post, w_min, w_max)"
ON_POST_NEURON = "w = clip(w + plasticity_gate * amplitude_causal * stdp_trace_pre, w_min, w_max)"

#: Deferred update: pairs add to ``dw_pending``; the caller runs APPLY_PENDING (e.g. at each presentation's end).
PENDING = Equations("dw_pending : 1")
ON_PRE_NEURON_DEFERRED = "dw_pending += plasticity_gate * amplitude_acausal * stdp_trace_post"
ON_POST_NEURON_DEFERRED = "dw_pending += plasticity_gate * amplitude_causal * stdp_trace_pre"
APPLY_PENDING = "w = clip(w + dw_pending, w_min, w_max)\ndw_pending = 0"
UPDATES = ("spike", "deferred")


def applied(w, pending, w_min, w_max):
    """NumPy twin of APPLY_PENDING: the weights once the pending changes are applied (arrays in synapse order)."""
    return np.clip(np.asarray(w, float) + np.asarray(pending, float), w_min, w_max)

DEFAULTS = {"mu": 0.01, "alpha": 1.2, "tau_stdp": 20 * ms, "w_min": -50.0, "w_max": 50.0}

DESCRIPTIONS = {
    "mu": "learning rate (weight change of the unbiased branch at dt = 0)",
    "alpha": "depression bias: ratio of depression to potentiation amplitude",
    "tau_stdp": "time constant of both window branches",
    "w_min": "lower hard bound of w",
    "w_max": "upper hard bound of w",
}

REFERENCE = "Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393, Eq 1/1' (doi:10.1371/journal.pcbi.1002393)"


TRACES = ("synapse", "neuron")


def _pair_rule(name, window, traces, multiplicative, update):
    if traces not in TRACES:
        raise ParameterError("traces", f"unknown STDP traces {traces!r}; choose one of {', '.join(TRACES)}")
    if update not in UPDATES:
        raise ParameterError("update", f"unknown STDP update {update!r}; choose one of {', '.join(UPDATES)}")
    if update == "deferred" and traces != "neuron":
        raise ParameterError("update", "a deferred STDP update needs traces='neuron'")
    amplitudes = MULTIPLICATIVE if multiplicative else ADDITIVE
    name = f"{'multiplicative ' if multiplicative else ''}{name}"
    if traces == "neuron":
        defaults = {key: value for key, value in DEFAULTS.items() if key != "tau_stdp"}
        deferred = update == "deferred"
        model = Equations("w : 1") + amplitudes + window
        model = model + PENDING if deferred else model
        return Rule(name=f"{name}, neuron-level traces{', deferred update' if deferred else ''}", model=model,
                    on_pre=ON_PRE_NEURON_DEFERRED if deferred else ON_PRE_NEURON,
                    on_post=ON_POST_NEURON_DEFERRED if deferred else ON_POST_NEURON, post_after_resets=True,
                    requires=("stdp_trace",), requires_pre=("stdp_trace",), defaults=defaults,
                    descriptions=DESCRIPTIONS, reference=REFERENCE)
    return Rule(name=name, model=STDP_TRACES + amplitudes + window, on_pre=ON_PRE, on_post=ON_POST,
                defaults=DEFAULTS, descriptions=DESCRIPTIONS, reference=REFERENCE)


#: The two STDP windows: variant -> (rule name, window Equations). The only place the names are listed.
WINDOWS = {"classical": ("classical STDP (cSTDP)", CLASSICAL_WINDOW), "reverse": ("reverse STDP (rSTDP)", REVERSE_WINDOW)}
VARIANTS = tuple(WINDOWS)


def rule(variant="classical", traces="synapse", multiplicative=False, update="spike"):
    """The STDP rule ``variant`` ("classical" or "reverse"), with per-synapse or neuron-level traces.

    ``update="deferred"`` (neuron-level traces only) sums each pair's change
    into ``dw_pending`` with w held fixed; running ``APPLY_PENDING``
    applies the sum and clips once (Burbank & Kreiman: weights change "at the
    end of each stimulus presentation").
    """
    if variant not in VARIANTS:
        raise ParameterError("variant", f"unknown STDP rule {variant!r}; choose one of {', '.join(VARIANTS)}")
    return _pair_rule(*WINDOWS[variant], traces, multiplicative, update)


def classical(traces="synapse", multiplicative=False):
    """cSTDP: pre-before-post potentiates by mu e^(-dt/tau); post-before-pre depresses by alpha mu."""
    return rule("classical", traces, multiplicative)


def reverse(traces="synapse", multiplicative=False):
    """rSTDP: pre-before-post depresses by alpha mu e^(-dt/tau); post-before-pre potentiates by mu."""
    return rule("reverse", traces, multiplicative)
