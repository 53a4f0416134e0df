"""Behavioural-timescale synaptic plasticity (BTSP), weight-dependent and bidirectional.

Milstein et al. 2021, eLife 10:e73046 (doi:10.7554/eLife.73046), fitted
model of CA1 place-field formation:

    dw/dt = k+ q+(ET IS) (1 - w) - k- q-(ET IS) w,      w = W / Wmax in [0, 1]
    q(x) = (y(x) - y(0)) / (y(1) - y(0)),  y(x) = 1 / (1 + exp(-(2/h)(x - th)))

ET (presynaptic eligibility trace, ``eligibility_pre``) and IS (instructive
signal from the postsynaptic plateau, ``instructive_post``) are normalised
traces kept by the input and cell models (``models.btsp``). Fitted values:
k+ = 1.11/s, k- = 0.425/s, th+ = 0.415, h+ = 0.454, th- = 0.0262,
h- = 0.0998, Wmax = 4.68.

Two integrations (``integration=``):

- ``"lap"`` (default, as the authors' code): the change is integrated over a
  lap with w held fixed and applied at the lap's end (presynaptic
  ``lap_end`` event);
- ``"continuous"``: w follows dw/dt within the lap (about half the one-shot
  amplitude: potentiation then saturates sooner).

The rule is gated by the postsynaptic ``plateau`` event (``Rule.gated``): the
weights change only while the gate is open, ``gate_duration`` after each
plateau onset (default 5 s, long enough for ET IS to vanish: the neglected
rate is < 2e-4 w per second).
"""

from brian2 import Equations, ms, second

from ..parameters import ParameterError
from ..models.btsp import TAU_IS
from .base import Rule

SIGNAL = Equations(
    """
    signal = eligibility_pre * instructive_post : 1
    q_plus = (1 / (1 + exp(-2 / h_plus * (signal - th_plus))) - y0_plus) / (y1_plus - y0_plus) : 1
    q_minus = (1 / (1 + exp(-2 / h_minus * (signal - th_minus))) - y0_minus) / (y1_minus - y0_minus) : 1
    """
)
#: y(0) and y(1) of each sigmoid: constants of the parameters (``Rule.derived``).
ENDS = {f"y{end}_{sign}": (f"1 / (1 + exp(-2 / h_{sign} * ({end} - th_{sign})))", "1")
        for sign in ("plus", "minus") for end in (0, 1)}

RATE = "plasticity_gate * (k_plus * q_plus * (1 - w) - k_minus * q_minus * w)"

CONTINUOUS = Equations(f"dw/dt = {RATE} : 1 (clock-driven)")
PER_LAP = Equations(
    f"""
    w : 1
    ddw_lap/dt = {RATE} : 1 (clock-driven)
    """
)
APPLY_LAP = "w = clip(w + dw_lap, 0, 1)\ndw_lap = 0"

DEFAULTS = {
    "k_plus": 1.11 / second, "k_minus": 0.425 / second, "th_plus": 0.415, "h_plus": 0.454,
    "th_minus": 0.0262, "h_minus": 0.0998, "w_initial": 1 / 4.68,
}
#: Largest synaptic weight relative to a naive synapse (W = Wmax w, a naive synapse has W = 1).
W_MAX = 4.68
DESCRIPTIONS = {
    "k_plus": "potentiation rate", "k_minus": "depression rate",
    "th_plus": "threshold of the potentiation sigmoid q+", "h_plus": "width of q+",
    "th_minus": "threshold of the depression sigmoid q-", "h_minus": "width of q-",
    "w_initial": "initial normalised weight (a naive synapse: 1 / Wmax)",
}
#: name -> (low, high): the parameters a fit may free (the rule's, and the cell's tau_IS) and their default
#: search bounds.
FITTABLE = {
    "k_plus": (0.2 / second, 5.0 / second), "k_minus": (0.05 / second, 3.0 / second),
    "th_plus": (0.05, 0.9), "h_plus": (0.05, 1.0), "th_minus": (0.005, 0.3), "h_minus": (0.01, 0.5),
    "tau_IS": (100 * ms, 2000 * ms),
}
#: Fittable parameters of the cell (``models.btsp``), not of the rule.
CELL_FITTABLE = ("tau_IS",)
#: The published value of every fittable parameter.
PUBLISHED = {**{name: DEFAULTS[name] for name in FITTABLE if name in DEFAULTS}, "tau_IS": TAU_IS}
REFERENCE = "Milstein et al. 2021, eLife 10:e73046, weight-dependent BTSP model (doi:10.7554/eLife.73046)"
INTEGRATIONS = ("lap", "continuous")
VARIANTS = INTEGRATIONS  #: the family's variants are its integrations
GATE_DURATION = 5 * second


def rule(integration="lap", gate_duration=GATE_DURATION):
    """The BTSP rule, gated by the postsynaptic ``plateau`` event; ``integration`` "lap" or "continuous"."""
    if integration not in INTEGRATIONS:
        raise ParameterError("integration", f"unknown BTSP integration {integration!r}; choose one of {', '.join(INTEGRATIONS)}")
    lap = integration == "lap"
    return Rule(
        name=f"BTSP (Milstein et al. 2021), {integration} integration",
        model=SIGNAL + (PER_LAP if lap else CONTINUOUS),
        on_pre_event={"apply_lap": ("lap_end", APPLY_LAP)} if lap else {},
        defaults=DEFAULTS,
        initial={"w": "w_initial"},
        requires=("instructive",),
        requires_pre=("eligibility",),
        derived=ENDS,
        descriptions=DESCRIPTIONS,
        reference=REFERENCE,
    ).gated("plateau", duration=gate_duration)
