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
"""

from brian2 import Equations, mV, second

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
        reference="Rao et al. 2021, bioRxiv 10.1101/2021.03.04.433822, Eq 3",
    )
