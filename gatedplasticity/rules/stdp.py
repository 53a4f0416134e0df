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
"""

from brian2 import Equations, ms

from .base import Rule

STDP_TRACES = Equations(
    """
    w : 1
    dpre_trace/dt = -pre_trace / tau_stdp : 1 (event-driven)
    dpost_trace/dt = -post_trace / tau_stdp : 1 (event-driven)
    """
)

CLASSICAL_WINDOW = Equations(
    """
    amplitude_causal = mu : 1
    amplitude_acausal = -alpha * mu : 1
    """
)

REVERSE_WINDOW = Equations(
    """
    amplitude_causal = -alpha * mu : 1
    amplitude_acausal = mu : 1
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

DEFAULTS = {"mu": 0.01, "alpha": 1.2, "tau_stdp": 20 * ms, "w_min": -50.0, "w_max": 50.0}

DESCRIPTIONS = {
    "mu": "learning rate (weight change of the unbiased branch at dt = 0)",
    "alpha": "depression bias: ratio of depression to potentiation amplitude",
    "tau_stdp": "time constant of both window branches",
    "w_min": "lower hard bound of w",
    "w_max": "upper hard bound of w",
}

REFERENCE = "Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393, Eq 1/1' (doi:10.1371/journal.pcbi.1002393)"


def _pair_rule(name, window):
    return Rule(
        name=name,
        model=STDP_TRACES + window,
        on_pre=ON_PRE,
        on_post=ON_POST,
        defaults=DEFAULTS,
        descriptions=DESCRIPTIONS,
        reference=REFERENCE,
    )


def classical():
    """cSTDP: pre-before-post potentiates by mu e^(-dt/tau); post-before-pre depresses by alpha mu."""
    return _pair_rule("classical STDP (cSTDP)", CLASSICAL_WINDOW)


def reverse():
    """rSTDP: pre-before-post depresses by alpha mu e^(-dt/tau); post-before-pre potentiates by mu."""
    return _pair_rule("reverse STDP (rSTDP)", REVERSE_WINDOW)


RULES = {"classical": classical, "reverse": reverse}


def by_name(name):
    """The rule called ``"classical"`` or ``"reverse"``."""
    if name not in RULES:
        raise ValueError(f"unknown STDP rule {name!r}; choose one of {', '.join(RULES)}")
    return RULES[name]()
