"""Dendritic logistic regression (DLR): Ca2+-spike-gated plasticity in apical dendrites.

Rao, Legenstein, Subramoney & Maass 2021, bioRxiv 10.1101/2021.03.04.433822,
Eq 3. At the end of each presentation of an input pattern x,

    dw_j = eta (z - q_w(x)) xbar_j,      q_w(x) = sigmoid(beta (u - u0)),   u = sum_j w_j xbar_j

where xbar_j is the time average of input j's unweighted PSP trace over the
presentation (``models.psp_input``) and z = 1 if the neuron's apical branch
emitted a Ca2+ spike during it (``models.dlr_neuron``). With z = 1 the
synapses of active inputs potentiate by eta (1 - q) xbar_j, with z = 0 they
depress by eta q xbar_j; this is stochastic gradient descent on the convex
logistic-regression loss. Both pathways run on the presynaptic
``presentation_end`` event, which only active inputs emit: first every
active synapse adds w xbar to the branch's u, then all of them learn.

eta decays harmonically from eta0 to eta_final over t_train:
eta(t) = eta0 / (1 + (eta0 / eta_final - 1) t / t_train) [R: the paper
names eta0 and eta_final = eta0 / 6 only]. w is clipped to [w_min, w_max]:
w_min = 0 (Dale's law, Figs 2-3); use a large negative w_min for Fig 4.
Units: xbar is dimensionless (rate x 8 ms), w, u and eta in mV, beta in 1/mV.

Multiple branches (Eqs 7-9, ``models.multi_branch_neuron``): synapse
``branch`` of input j feeds u_branch, and

    dw_j = eta D f_B (1 - f_B) xbar_j

with f_B the contribution of the synapse's branch and D the direction:
exact gradient (Eq 7) D = z - psi(f_total); gated approximation (Eq 8)
D = +1 if z = 1 and psi < q_plus, -1 if z = 0 and psi > q_minus, else 0;
coarse soft-XOR rule (Eq 9) D = +1 / 0 / -1 from thresholds on f_total
(z = 1: +1 below f_minus, -1 above f_plus; z = 0: -1 in [f_minus, f_mid),
+1 in (f_mid, f_plus]). The paper's f_B' = beta f_B (1 - f_B) and psi's slope
alpha are absorbed into eta [R], so eta stays in mV as for one branch.
"""

from brian2 import Equations, mV, second

from ..models.dlr import branch_names

from ..parameters import ParameterError
from .base import Rule

WEIGHT_AND_SCHEDULE = Equations(
    """
    w : volt
    learning_rate = eta0 / (1 + (eta0 / eta_final - 1) * t / t_train) : volt
    """
)

DEFAULTS = {
    "eta0": 1.8 * mV,
    "eta_final": 0.3 * mV,
    "t_train": 12000 * second,
    "w_min": 0 * mV,
    "w_max": 1e6 * mV,
}

DESCRIPTIONS = {
    "eta0": "initial learning rate [P: 1.8 for Fig 2]",
    "eta_final": "learning rate at t_train [P: eta0/6]",
    "t_train": "duration of training (presentations x presentation length)",
    "w_min": "lower bound of w (0: Dale's law)",
    "w_max": "upper bound of w",
}


REFERENCE = "Rao et al. 2021, bioRxiv 10.1101/2021.03.04.433822"


def single_branch():
    """DLR on one apical branch (Eq 3): dw_j = eta (z - q) xbar_j at each presentation end."""
    return Rule(
        name="dendritic logistic regression (single branch)",
        model=WEIGHT_AND_SCHEDULE,
        on_pre_event={
            "contribute": ("presentation_end", "u_post += w * xbar_pre"),
            "learn": ("presentation_end", "w = clip(w + plasticity_gate * learning_rate * (z_post - q_post) * xbar_pre, w_min, w_max)"),
        },
        defaults=DEFAULTS,
        requires=("u", "z", "q"),
        requires_pre=("xbar",),
        descriptions=DESCRIPTIONS,
        reference=f"{REFERENCE}, Eq 3",
    )


#: The direction D of each multi-branch rule, its parameters [P] and equation.
DIRECTIONS = {
    "exact": ("z_post - q_post", {}, "Eq 7"),
    "gated": ("int(z_post > 0.5 and q_post < q_plus) - int(z_post < 0.5 and q_post > q_minus)",
              {"q_plus": 0.9, "q_minus": 0.1}, "Eq 8"),
    "coarse_xor": ("z_post * (int(f_total_post < f_minus) - int(f_total_post > f_plus))"
                   " + (1 - z_post) * (int(f_total_post > f_mid and f_total_post <= f_plus)"
                   " - int(f_total_post >= f_minus and f_total_post < f_mid))",
                   {"f_minus": 0.5, "f_mid": 1.0, "f_plus": 1.5}, "Eq 9"),
}

DIRECTION_DESCRIPTIONS = {
    "q_plus": "no LTP once psi >= q_plus (z = 1) [P]", "q_minus": "no LTD once psi <= q_minus (z = 0) [P]",
    "f_minus": "lower f_total threshold [P]", "f_mid": "middle f_total threshold [P]", "f_plus": "upper f_total threshold [P]",
}


def multi_branch(branches, update="gated"):
    """DLR on ``branches`` interacting branches: ``update`` is "exact" (Eq 7), "gated" (Eq 8) or "coarse_xor" (Eq 9).

    Connect one synapse per (input, branch) and set its ``branch`` (0 .. branches - 1).
    """
    if update not in DIRECTIONS:
        raise ParameterError("update", f"unknown multi-branch update {update!r}; valid: {', '.join(DIRECTIONS)}")
    names = branch_names(branches)
    direction, parameters, equation = DIRECTIONS[update]
    model = WEIGHT_AND_SCHEDULE + Equations(
        f"""
        branch : integer (constant)
        f_branch = {" + ".join(f"int(branch == {b}) * f_{b}_post" for b in range(len(names)))} : 1
        direction = {direction} : 1
        """
    )
    return Rule(
        name=f"dendritic logistic regression ({len(names)} branches, {update} update)",
        model=model,
        on_pre_event={
            "contribute": ("presentation_end", "\n".join(f"{u}_post += int(branch == {b}) * w * xbar_pre" for b, u in enumerate(names))),
            "learn": ("presentation_end", "w = clip(w + plasticity_gate * learning_rate * direction * f_branch * (1 - f_branch) * xbar_pre, w_min, w_max)"),
        },
        defaults={**DEFAULTS, **parameters},
        requires=(*names, "f_total", "z", "q"),
        requires_pre=("xbar",),
        descriptions={**DESCRIPTIONS, **{k: DIRECTION_DESCRIPTIONS[k] for k in parameters}},
        reference=f"{REFERENCE}, {equation}",
    )


#: The DLR variants of :func:`rule`.
VARIANTS = ("single", "multi")


def rule(variant="single", branches=2, update="gated"):
    """DLR on one branch (``"single"``, Eq 3) or on ``branches`` interacting branches (``"multi"``, Eqs 7-9)."""
    if variant not in VARIANTS:
        raise ParameterError("variant", f"unknown DLR variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return single_branch() if variant == "single" else multi_branch(branches, update)
