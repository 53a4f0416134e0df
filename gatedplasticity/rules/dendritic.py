"""Dendrite-gated credit assignment across layers: bottom-up and top-down rules of rate networks.

For the two-phase rate neurons of ``models.apical_rate`` (forward phase,
then a nudged phase in which the output moves towards its target and each
hidden layer's apical dendrite receives the change of the top-down input).
Weight changes happen once per presentation, in the nudged phase, while the
postsynaptic ``learning`` flag is 1; every plastic weight also decays,
dw = -eta decay w (the L2 term that Kolen-Pollack alignment needs).

Bottom-up synapses (``w``; they also transmit h_post = sum w r_pre):

- ``"target"``, dendritic target propagation (after Galloni et al. 2025,
  EIANN; Sacramento et al. 2018): dw_ij = eta (out_i - r_i) r_j, the somatic
  rate change the apical signal causes (r_dend - r in a hidden layer,
  beta (target - r) at the output) times the presynaptic rate. Its sign is
  carried by the dendritic signal. With top-down weights B = W^T and small
  g_a it is backpropagation (out - r ~ f'(h) g_a W^T delta).
- ``"plateau"``, plateau-driven BTSP-like rule: dw_ij = eta_plateau IS_i
  ET_j, where the instructive signal IS_i = r_dend - r is the somatic rate
  change the plateau's dendritic drive causes (its sign that of d) and ET_j,
  the presynaptic eligibility trace, is the presynaptic rate of the
  presentation: BTSP's trace lasts seconds, longer than one presentation,
  and decays before the next [R]. ``rule("plateau").gated("plateau",
  duration)`` changes weights only where the dendrite plateaued (|d| >
  theta_plateau); ungated, every neuron changes at every presentation (the
  ablation without the gate: target propagation with step eta_plateau).
  An all-or-none step eta_plateau sign(d) ET failed (docs/multilayer-study.md,
  round 1): without a magnitude, hidden neurons drift into saturation.

Top-down synapses (``b``, from the layer above onto the apical dendrites
below; they transmit top_down_post = sum b out_pre):

- ``"fixed"``: random and fixed (feedback alignment, Lillicrap et al. 2016);
- ``"kolen_pollack"``: db_ik = eta (out_k - r_k) r_i - eta decay b_ik, local
  (the presynaptic neuron's nudged-minus-forward rate and the postsynaptic
  rate). It is the same increment as the forward weight W_ki receives under
  ``"target"``, so W - B^T shrinks by (1 - eta decay) per presentation and
  the top-down weights come to mirror the forward ones (Kolen & Pollack
  1994; Akrout et al. 2019, NeurIPS 32).

Spiking networks (``models.apical_lif``; rates are spike counts per phase):
:func:`spiking_rule` and :func:`spiking_top_down` are the same rules, with
transmission by spikes (``I_post += w``, ``v_a_post += b``) and the weight
change applied once per presentation, on the postsynaptic ``ending`` event.

Context projection (``c``, from context units onto the apical dendrites of
context-gated neurons, ``models.apical_rate.apical_neuron(context_gated=True)``;
transmits context_post = sum c r_pre): :func:`context`, fixed weights.
"""

from brian2 import Equations

from ..parameters import ParameterError
from .base import Rule

REFERENCE = ("after Galloni et al. 2025 (EIANN), Sacramento et al. 2018 (NeurIPS 31), Lillicrap et al. 2016 "
             "(Nat Commun 7:13276), Akrout et al. 2019 (NeurIPS 32); reconstruction [R]")

BOTTOM_UP = Equations(
    """
    w : 1
    h_post = w * r_pre : 1 (summed)
    """
)

#: Per presentation, in the nudged phase of a learning presentation.
LEARN = "w += learning_post * nudged_post * (plasticity_gate * change - eta * decay * w)"

CHANGES = {
    "target": Equations("change = eta * (out_post - r_post) * r_pre : 1"),
    "plateau": Equations("change = eta_plateau * (out_post - r_post) * r_pre : 1"),
}

TOP_DOWN = Equations(
    """
    b : 1
    top_down_post = b * out_pre : 1 (summed)
    """
)

CONTEXT = Equations(
    """
    c : 1
    context_post = c * r_pre : 1 (summed)
    """
)

SPIKING_LEARN = "w += learning_post * (plasticity_gate * change - eta * decay * w)"
SPIKING_LEARN_TOP_DOWN = "b += learning_post * eta * ((out_pre - r_pre) * r_post - decay * b)"

LEARN_TOP_DOWN = "b += learning_post * nudged_post * eta * ((out_pre - r_pre) * r_post - decay * b)"

DESCRIPTIONS = {
    "eta": "learning rate (per presentation)",
    "decay": "weight decay: dw = -eta decay w per learning presentation",
    "eta_plateau": "learning rate of a plateau: dw = eta_plateau (r_dend - r) r_pre",
}

#: Defaults of the study (docs/multilayer-study.md); eta and eta_plateau are selected there on validation data.
DEFAULTS = {"eta": 0.05, "decay": 0.002, "eta_plateau": 0.05}

VARIANTS = tuple(CHANGES)
TOP_DOWN_VARIANTS = ("fixed", "kolen_pollack")


def chosen_defaults(names, defaults, owner):
    """{name: value} from ``defaults`` or :data:`DEFAULTS`; an unknown name raises ParameterError naming it."""
    for name in defaults:
        if name not in names:
            raise ParameterError(name, f"{owner} has no parameter {name!r}; its parameters: {', '.join(names) or 'none'}")
    return {name: defaults.get(name, DEFAULTS[name]) for name in names}


def rule(variant="target", **defaults):
    """Bottom-up rule ``"target"`` (dendritic target propagation) or ``"plateau"`` (BTSP-like steps)."""
    if variant not in CHANGES:
        raise ParameterError("variant", f"unknown bottom-up rule variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    names = ("eta", "decay") + (("eta_plateau",) if variant == "plateau" else ())
    defaults = chosen_defaults(names, defaults, f"dendritic {variant} rule")
    return Rule(
        name=f"dendritic {variant} rule",
        model=BOTTOM_UP + CHANGES[variant],
        on_step={"learn": LEARN},
        defaults=defaults,
        requires=("h", "r", "out", "learning", "nudged") + (("d",) if variant == "plateau" else ()),
        requires_pre=("r",),
        descriptions={name: DESCRIPTIONS[name] for name in names},
        reference=REFERENCE,
    )


def top_down(variant="kolen_pollack", **defaults):
    """Top-down rule onto apical dendrites: ``"fixed"`` (feedback alignment) or ``"kolen_pollack"`` (learned)."""
    if variant not in TOP_DOWN_VARIANTS:
        raise ParameterError("variant", f"unknown top-down rule variant {variant!r}; choose one of {', '.join(TOP_DOWN_VARIANTS)}")
    learned = variant == "kolen_pollack"
    names = ("eta", "decay") if learned else ()
    defaults = chosen_defaults(names, defaults, f"top-down {variant} rule")
    return Rule(
        name=f"top-down {variant.replace('_', '-')} rule",
        model=TOP_DOWN,
        on_step={"learn": LEARN_TOP_DOWN} if learned else {},
        defaults=defaults,
        requires=("top_down",) + (("r", "learning", "nudged") if learned else ()),
        requires_pre=("out",) + (("r",) if learned else ()),
        descriptions={name: DESCRIPTIONS[name] for name in names},
        reference=REFERENCE,
    )


def context():
    """Fixed context projection onto context-gated apical dendrites (module docstring)."""
    return Rule(name="top-down context projection (fixed)", model=CONTEXT, requires=("context",), requires_pre=("r",),
                reference="after Masse, Grant & Freedman 2018 (PNAS 115:E10467), context-dependent gating [R]")


def spiking_rule(variant="target", **defaults):
    """Bottom-up rule of spiking networks: ``"target"`` or ``"plateau"``, once per presentation (module docstring)."""
    rate = rule(variant, **defaults)
    return Rule(name=f"spiking {rate.name}", model=Equations("w : 1") + CHANGES[variant], on_pre="I_post += w",
                on_event={"ending": SPIKING_LEARN}, defaults=rate.defaults, descriptions=rate.descriptions,
                requires=("I", "r", "out", "learning"), requires_pre=("r",), reference=REFERENCE)


def spiking_top_down(variant="kolen_pollack", **defaults):
    """Top-down rule of spiking networks onto apical compartments: ``"fixed"`` or ``"kolen_pollack"``."""
    rate = top_down(variant, **defaults)
    learned = variant == "kolen_pollack"
    return Rule(name=f"spiking {rate.name}", model=Equations("b : 1"), on_pre="v_a_post += b",
                on_event={"ending": SPIKING_LEARN_TOP_DOWN} if learned else {}, defaults=rate.defaults,
                descriptions=rate.descriptions, requires=("v_a",) + (("r", "learning") if learned else ()),
                requires_pre=("out", "r") if learned else (), reference=REFERENCE)
