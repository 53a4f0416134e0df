"""Neurons of dendritic logistic regression (Rao, Legenstein, Subramoney & Maass 2021).

``psp_input``: a Poisson input neuron that keeps its own unweighted PSP trace
(double exponential, lambda = 1, tau_f = 2 ms, tau_r = 10 ms [P]) and its
time average ``xbar`` over the current presentation, exactly: for an
exponential trace a with unit jumps, int a dt = tau (N + a_start - a_now).
It emits ``presentation_end`` in the last time step of each presentation
when it was active (xbar > 0), so a rule only touches synapses of inputs
that fired: the network never makes a dense pass over all synapses.

``event_driven_psp_input``: the same presentation average for large, sparse
populations (Fig 3: 24,000 inputs, ~100 spikes per presentation). It has no
per-step dynamics: spikes arrive from a spike source through
``SPIKE_ARRIVAL`` synapses, which decay the traces exactly to the spike time
and accumulate their integral; the group checks once per presentation (its
clock runs at ``dt = presentation``) which inputs were active in this or the
previous presentation (older spikes leave < exp(-40) of a trace) and only
those emit ``presentation_end``, store ``xbar`` and restart their integral.
The time average is exact in continuous time: a spike at t_s contributes
K(T_end - t_s) / presentation, K(s) = tau_r (1 - e^(-s/tau_r)) - tau_f (1 - e^(-s/tau_f)).

``dlr_neuron``: the two-compartment pyramidal neuron plus the read-out of
its apical branch: ``u`` (time-averaged branch potential of the current
presentation, summed by the rule at its end), ``z`` (1 once a Ca2+ spike
occurred in the presentation) and ``q = sigmoid(beta (u - u0))``.
beta and u0 are reconstructions [R] (docs/reproductions.md, Rao 2021: with a
constant bias input u0 is redundant with the bias weight and beta rescales
eta; beta = 0.75/mV, u0 = 18 mV reproduce the paper's NLL gap).

``multi_branch_neuron``: the same neuron with B apical branches (Eqs 4-6):
branch b has its own potential ``u_b`` and contribution
f_b = sigmoid(beta (u_b - u0)); the branches interact through
f_total = sum_b f_b and q = psi(f_total), either saturating,
psi = sigmoid(alpha (f_total - theta)), or soft-XOR,
psi = sigmoid(alpha (f_total - theta)) sigmoid(alpha (theta + dtheta - f_total))
[R form: peaks ~0.96 at f_total = 1 with alpha = 8, theta = 0.5, dtheta = 1].
"""

from dataclasses import replace

from ..parameters import ParameterError

from brian2 import Equations, mV, ms

from .base import Model
from .two_compartment import two_compartment

#: PSP kernel time constants [P]: k(s) = exp(-s/TAU_R) - exp(-s/TAU_F), lambda = 1.
TAU_R, TAU_F = 10 * ms, 2 * ms

PSP_INPUT = Equations(
    """
    rate : Hz
    dslow/dt = -slow / tau_r : 1
    dfast/dt = -fast / tau_f : 1
    n_spikes : 1
    slow_start : 1
    fast_start : 1
    xbar = (tau_r * (n_spikes + slow_start - slow) - tau_f * (n_spikes + fast_start - fast)) / presentation : 1
    """
)

#: Run at the start of each presentation (a protocol schedules it).
PSP_INPUT_RESET = "slow_start = slow\nfast_start = fast\nn_spikes = 0"

BRANCH_READOUT = Equations(
    """
    u : volt
    z : 1
    q = 1 / (1 + exp(-beta * (u - u0))) : 1
    """
)

#: Run at the start of each presentation (a protocol schedules it).
BRANCH_READOUT_RESET = "u = 0*mV\nz = 0"


EVENT_DRIVEN_PSP_INPUT = Equations(
    """
    slow : 1
    fast : 1
    integral : second
    t_update : second
    spikes_now : integer
    spikes_before : integer
    xbar : 1
    """
)

#: ``on_pre`` of Synapses from a spike source into an ``event_driven_psp_input`` group.
SPIKE_ARRIVAL = """
integral_post += tau_r_post * slow_post * (1 - exp(-(t - t_update_post) / tau_r_post)) - tau_f_post * fast_post * (1 - exp(-(t - t_update_post) / tau_f_post))
slow_post = slow_post * exp(-(t - t_update_post) / tau_r_post) + 1
fast_post = fast_post * exp(-(t - t_update_post) / tau_f_post) + 1
t_update_post = t
spikes_now_post += 1
"""

#: Run at each presentation end of an active input: store xbar, restart the integral.
CLOSE_PRESENTATION = """
xbar = (integral + tau_r * slow * (1 - exp(-(t - t_update) / tau_r)) - tau_f * fast * (1 - exp(-(t - t_update) / tau_f))) / presentation
slow = slow * exp(-(t - t_update) / tau_r)
fast = fast * exp(-(t - t_update) / tau_f)
integral = 0 * second
t_update = t
spikes_before = spikes_now
spikes_now = 0
"""


def event_driven_psp_input(every_input=False):
    """Spike-driven inputs with exact presentation-averaged PSP traces, closed only where active.

    Instantiate with ``dt=presentation``. ``every_input=True`` closes every
    input at every presentation end: the dense reference the sparse default
    is tested against.
    """
    active = "True" if every_input else "spikes_now + spikes_before > 0"
    return Model(
        name="event-driven PSP-trace input (DLR, sparse populations)",
        equations=EVENT_DRIVEN_PSP_INPUT,
        defaults={"tau_r": TAU_R, "tau_f": TAU_F, "presentation": 400 * ms},
        events={"presentation_end": (active, CLOSE_PRESENTATION, "before_synapses")},
        shared=("tau_r", "tau_f", "presentation"),
        descriptions={
            "tau_r": "slow (decay) time constant of the PSP kernel [P]",
            "tau_f": "fast (rise) time constant of the PSP kernel [P]",
            "presentation": "duration of one presentation (and the group's dt)",
        },
        reference="Rao et al. 2021, bioRxiv 10.1101/2021.03.04.433822, Methods",
    )


def psp_input(presentation_steps):
    """Poisson input (rate set by a protocol) with its presentation-averaged PSP trace.

    ``presentation_steps``: time steps per presentation (``presentation / dt``).
    """
    return Model(
        name="Poisson input with PSP trace (DLR)",
        equations=PSP_INPUT,
        defaults={"tau_r": TAU_R, "tau_f": TAU_F, "presentation": 400 * ms,
                  "presentation_steps": presentation_steps},
        threshold="rand() < rate * dt",
        reset="slow += 1\nfast += 1\nn_spikes += 1",
        events={"presentation_end": ("(timestep(t, dt) + 1) % presentation_steps == 0 and xbar > 0", "")},
        method="exact",
        shared=("tau_r", "tau_f", "presentation"),
        descriptions={
            "tau_r": "slow (decay) time constant of the PSP kernel [P]",
            "tau_f": "fast (rise) time constant of the PSP kernel [P]",
            "presentation": "duration of one presentation",
            "presentation_steps": "time steps per presentation",
        },
        reference="Rao et al. 2021, bioRxiv 10.1101/2021.03.04.433822, Methods",
    )


def dlr_neuron():
    """Two-compartment neuron whose apical branch reports u, z and q for DLR."""
    base = two_compartment()
    condition, code = base.events["ca_spike"]
    return replace(
        base,
        name="two-compartment neuron with DLR branch read-out",
        equations=base.equations + BRANCH_READOUT,
        defaults={**base.defaults, "beta": 0.75 / mV, "u0": 18 * mV},
        events={**base.events, "ca_spike": (condition, f"{code}\nz = 1")},
        shared=("beta", "u0"),
        descriptions={**base.descriptions, "beta": "slope of q(u) [R]", "u0": "half-activation potential of q(u) [R]"},
        reference="Rao et al. 2021, Eq 2; " + base.reference,
    )




#: psi(f_total) of each branch interaction, and its parameters [P: Rao et al. Methods 3.6].
INTERACTIONS = {
    "saturating": ("1 / (1 + exp(-alpha * (f_total - theta)))",
                   {"alpha": 12.0, "theta": 0.6}),
    "soft_xor": ("1 / ((1 + exp(-alpha * (f_total - theta))) * (1 + exp(-alpha * (theta + dtheta - f_total))))",
                 {"alpha": 8.0, "theta": 0.5, "dtheta": 1.0}),
}


def branch_names(branches):
    """Names of the branch potentials of a ``branches``-branch neuron: u_0, u_1, ..."""
    if int(branches) != branches or branches < 1:
        raise ParameterError("branches", f"the number of branches must be a positive integer, got {branches!r}")
    return [f"u_{b}" for b in range(int(branches))]


def branch_readout_reset(branches):
    """Code run at the start of each presentation for a multi-branch neuron."""
    return "\n".join([*(f"{u} = 0*mV" for u in branch_names(branches)), "z = 0"])


def multi_branch_neuron(branches, interaction="saturating"):
    """Two-compartment neuron with ``branches`` apical branches interacting through psi (Eqs 4-6)."""
    if interaction not in INTERACTIONS:
        raise ParameterError("interaction", f"unknown branch interaction {interaction!r}; valid: {', '.join(INTERACTIONS)}")
    names = branch_names(branches)
    psi, psi_defaults = INTERACTIONS[interaction]
    readout = Equations("\n".join(
        [f"{u} : volt" for u in names]
        + [f"f_{b} = 1 / (1 + exp(-beta * ({u} - u0))) : 1" for b, u in enumerate(names)]
        + ["f_total = " + " + ".join(f"f_{b}" for b in range(len(names))) + " : 1",
           f"q = {psi} : 1", "z : 1"]
    ))
    base = dlr_neuron()
    descriptions = {"alpha": "slope of psi(f_total) [P]", "theta": "threshold of psi on f_total [P]",
                    "dtheta": "width of the soft-XOR window [P]"}
    return replace(
        base,
        name=f"two-compartment neuron with {len(names)} apical branches ({interaction} interaction)",
        equations=two_compartment().equations + readout,
        defaults={**base.defaults, **psi_defaults},
        shared=(*base.shared, *psi_defaults),
        descriptions={**base.descriptions, **{k: descriptions[k] for k in psi_defaults}},
        reference="Rao et al. 2021, Eqs 4-6; " + two_compartment().reference,
    )
