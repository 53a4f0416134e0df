"""Two-compartment rate neurons for multi-layer networks with top-down feedback onto apical dendrites.

Discrete time, two time steps per presentation: a forward phase
(``nudged`` = 0) and a nudged phase (``nudged`` = 1), written by the
protocol. Rates are normalised (a fraction of the maximal rate), so every
variable is dimensionless.

``apical_neuron`` (hidden layers), after Sacramento et al. 2018 (NeurIPS,
dendritic cortical microcircuits) and Galloni et al. 2025 (EIANN):

    r      = f(h)                       soma, bottom-up (basal) drive h = sum_j W_ij r_j
    d      = top_down - inhibition * expected     apical (dendritic) signal
    r_dend = f(h + g_a d)               somatic rate with the apical contribution
    out    = r (forward phase), r_dend (nudged phase)      the rate sent to other layers' apical dendrites

with f the logistic function. ``top_down`` = sum_k B_ik out_k is summed by
the top-down synapses; ``expected`` is the dendrite-targeting inhibition:
interneurons that receive the same top-down input in the forward phase and
hold it through the nudged phase (the microcircuit's interneurons after their
own learning has converged [R]), so that in the nudged phase
d = B (out - r) of the layer above: only the change of the top-down input.
With ``inhibition`` = 0 the dendrite sees the raw top-down input.

In the nudged phase the apical compartment emits the custom event
``plateau`` when |d| exceeds ``theta_plateau`` (deterministic for
``plateau_width`` = 0), or with probability
sigmoid((|d| - theta_plateau) / plateau_width): a plateau event is what
gates plasticity in ``rules.dendritic`` (``rule.gated("plateau")``).
``d`` is a stored variable (set by the ``dendrite`` stage), not a
subexpression, so that synapses can read it. ``plateaus`` counts each
neuron's plateau events (the gate's open fraction).

``apical_neuron(context_gated=True)`` adds a second apical input,
``context`` (summed by a context projection, ``rules.dendritic.context``):
a plateau then needs the instructive drive (|d| > theta_plateau) and the
top-down context together (context > theta_context), so each context opens
the gate of its own subset of neurons (after Masse et al. 2018, PNAS:
context-dependent gating, here of plasticity only).

``nudged_output``: output neurons r = f(h) whose rate in the nudged phase is
moved towards the target, out = r + beta (target - r) (teacher input).

``rate_input``: the input layer, rates ``r`` written by the protocol.
"""

from brian2 import Equations

from .base import Model

REFERENCE = ("after Sacramento, Ponte Costa, Bengio & Senn 2018, NeurIPS 31 (dendritic microcircuits) and "
             "Galloni et al. 2025 (EIANN, biology-constrained deep learning); reconstruction [R]")

#: Phase flags written by the protocol once per step (shared by the group).
PHASES = Equations(
    """
    nudged : 1 (shared)
    learning : 1 (shared)
    """
)

APICAL = Equations(
    """
    h : 1
    top_down : 1
    expected : 1
    d : 1
    r : 1
    r_dend : 1
    out : 1
    plateaus : 1
    """
) + PHASES

#: The context input of a context-gated apical dendrite (summed by the context projection).
CONTEXT = Equations("context : 1")

#: After the bottom-up drive: the somatic rate.
SOMA = "r = 1 / (1 + exp(-h))"

#: After the top-down drive: capture the expected input (forward phase), then the dendrite's rate.
DENDRITE = """
expected = nudged * expected + (1 - nudged) * top_down
d = top_down - inhibition * expected
r_dend = 1 / (1 + exp(-(h + g_a * d)))
out = r + nudged * (r_dend - r)
"""

#: One logistic draw per neuron and step: |d| - theta > width * L, L ~ Logistic(0, 1).
PLATEAU = "nudged > 0.5 and learning > 0.5 and abs(d) > theta_plateau + plateau_width * log(1 / rand() - 1)"
#: The condition a context-gated dendrite adds: its context input is on.
CONTEXT_GATE = " and context > theta_context"
COUNT = "plateaus += 1"

OUTPUT = Equations(
    """
    h : 1
    r : 1
    out : 1
    target : 1
    """
) + PHASES

NUDGE = "out = r + nudged * beta * (target - r)"

DESCRIPTIONS = {
    "g_a": "apical-to-soma coupling: weight of the dendritic signal in the somatic drive",
    "inhibition": "1: dendrite-targeting inhibition cancels the top-down input of the forward phase; 0: none",
    "theta_plateau": "apical signal |d| above which a plateau occurs (normalised rate units)",
    "plateau_width": "0: deterministic plateau threshold; > 0: width of the logistic plateau probability",
    "theta_context": "context input above which the dendrite may plateau (context-gated neurons only)",
}


def apical_neuron(context_gated=False):
    """Hidden-layer neuron: soma driven bottom-up, apical dendrite driven top-down, emitting ``plateau``;
    ``context_gated``: plateaus also need the context input (module docstring)."""
    defaults = {"g_a": 1.0, "inhibition": 1.0, "theta_plateau": 0.1, "plateau_width": 0.0}
    if context_gated:
        defaults["theta_context"] = 0.5
    return Model(
        name="two-compartment rate neuron (apical top-down feedback" + (", context-gated plateaus)" if context_gated else ")"),
        equations=APICAL + CONTEXT if context_gated else APICAL,
        defaults=defaults,
        step={"soma": SOMA, "dendrite": DENDRITE},
        events={"plateau": (PLATEAU + CONTEXT_GATE if context_gated else PLATEAU, COUNT)},
        descriptions={name: DESCRIPTIONS[name] for name in defaults},
        reference=REFERENCE,
    )


def nudged_output():
    """Output neuron whose nudged-phase rate moves towards the target by the fraction ``beta``."""
    return Model(
        name="nudged output rate neuron",
        equations=OUTPUT,
        defaults={"beta": 1.0},
        step={"soma": SOMA, "nudge": NUDGE},
        descriptions={"beta": "nudging strength: out = r + beta (target - r) in the nudged phase (1: clamped)"},
        reference=REFERENCE,
    )


def rate_input():
    """Input layer: rates ``r`` (normalised) written by the protocol."""
    return Model(name="rate input", equations=Equations("r : 1"), defaults={}, reference=REFERENCE)
