"""Reward-modulated Hebbian rules of Legenstein, Chase, Schwartz & Maass (2010).

Discrete time, one update per time step (J Neurosci 30:8400, Eqs 7-9;
doi:10.1523/JNEUROSCI.4284-09.2010):

    EH rule (Eq 7):  dw_ij = eta x_j (a_i - abar_i) (R - Rbar)
    rule 8:          dw_ij = eta x_j a_i (R - Rbar)
    rule 9:          dw_ij = eta x_j (a_i - abar_i) R

x_j is the presynaptic rate, a_i the postsynaptic activation (noise
included), R the global reward and zbar(t) = 0.8 zbar(t-1) + 0.2 z(t) the
low-pass filters, which include the current step [P]; the postsynaptic
neuron provides a, abar, R, Rbar and ``learning`` (1 while learning is on:
the rule's gate). The variants differ only in the Equations of the
activity and reward factors. The synapses also transmit: h_i = sum_j w_ij x_j
is a summed variable of the postsynaptic neuron.

``normalise=True`` adds the paper's homeostasis (used for Fig 9): after each
update the weight vector of a neuron is rescaled to its norm before the update,
w_i <- |w_i(t)| (w_i + dw_i) / |w_i + dw_i|; the neuron must provide
``weight_norm2`` (summed by the synapses) and ``weight_norm2_target``.
Only eta |x|^2 matters: with x in Hz, eta is in 1/Hz^2.
"""

from brian2 import Equations, Hz

from ..parameters import ParameterError
from .base import Rule

TRANSMISSION = Equations(
    """
    w : 1
    eta : Hz**-2
    h_post = w * x_pre : Hz (summed)
    """
)

#: Learning happens while the postsynaptic neuron's ``learning`` is 1.
LEARNING_GATE = Equations("plasticity_gate = learning_post : 1")

ACTIVITY_FACTORS = {
    "deviation": Equations("activity_factor = a_post - abar_post : Hz"),
    "raw": Equations("activity_factor = a_post : Hz"),
}

REWARD_FACTORS = {
    "deviation": Equations("reward_factor = R_post - Rbar_post : 1"),
    "raw": Equations("reward_factor = R_post : 1"),
}

#: (activity factor, reward factor, paper equation) of each rule.
VARIANTS = {
    "eh": ("deviation", "deviation", "Eq 7 (EH rule)"),
    "rule8": ("raw", "deviation", "Eq 8 (control: no activity filter)"),
    "rule9": ("deviation", "raw", "Eq 9 (control: no reward filter)"),
}

LEARN = "w += plasticity_gate * eta * x_pre * activity_factor * reward_factor"
NORMALISATION = Equations("weight_norm2_post = w**2 : 1 (summed)")
NORMALISE = "w *= sqrt(weight_norm2_target_post / weight_norm2_post)"

#: 1/Hz^2: the 25% perturbation ends at ~3.2 mm deviation after 320 targets, the
#: paper's criterion (calibration: ``papers.legenstein2010.experiment.eta_calibration``).
DEFAULT_ETA = 1.5e-5 / Hz**2

DESCRIPTIONS = {"eta_initial": "learning rate eta (1/Hz^2) given to every synapse; the variable eta can be set per synapse"}


def rule(variant="eh", normalise=False, eta=DEFAULT_ETA):
    """The EH rule (``"eh"``) or a control (``"rule8"``, ``"rule9"``), optionally with weight-norm homeostasis."""
    if variant not in VARIANTS:
        raise ParameterError("variant", f"unknown EH-rule variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    activity, reward, equation = VARIANTS[variant]
    model = TRANSMISSION + ACTIVITY_FACTORS[activity] + REWARD_FACTORS[reward]
    on_step = {"learn": LEARN}
    requires = ("a", "abar", "R", "Rbar", "learning", "h")
    if normalise:
        # The summed norm is updated between the two stages (the protocol schedules it).
        model += NORMALISATION
        on_step["normalise"] = NORMALISE
        requires += ("weight_norm2", "weight_norm2_target")
    return Rule(
        name=f"{variant}{' with weight-norm homeostasis' if normalise else ''}",
        model=model,
        on_step=on_step,
        gate=LEARNING_GATE,
        defaults={"eta_initial": eta},
        initial={"eta": "eta_initial"},
        requires=requires,
        requires_pre=("x",),
        descriptions=DESCRIPTIONS,
        reference=f"Legenstein, Chase, Schwartz & Maass 2010, J Neurosci 30:8400, {equation}",
    )


def eh(**options):
    """EH rule, Eq 7: dw = eta x (a - abar)(R - Rbar)."""
    return rule("eh", **options)


def rule8(**options):
    """Control rule, Eq 8: dw = eta x a (R - Rbar)."""
    return rule("rule8", **options)


def rule9(**options):
    """Control rule, Eq 9: dw = eta x (a - abar) R."""
    return rule("rule9", **options)
