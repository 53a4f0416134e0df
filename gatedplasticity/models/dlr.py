"""Neurons of dendritic logistic regression (Rao, Legenstein, Subramoney & Maass 2021).

``psp_input``: a Poisson input neuron that keeps its own unweighted PSP trace
(double exponential, lambda = 1, tau_f = 2 ms, tau_r = 10 ms [P]) and its
time average ``xbar`` over the current presentation, exactly: for an
exponential trace a with unit jumps, int a dt = tau (N + a_start - a_now).
It emits ``presentation_end`` in the last time step of each presentation
when it was active (xbar > 0), so a rule only touches synapses of inputs
that fired: the network never makes a dense pass over all synapses.

``dlr_neuron``: the two-compartment pyramidal neuron plus the read-out of
its apical branch: ``u`` (time-averaged branch potential of the current
presentation, summed by the rule at its end), ``z`` (1 once a Ca2+ spike
occurred in the presentation) and ``q = sigmoid(beta (u - u0))``.
beta and u0 are reconstructions [R] (REFERENCE.md section 1: with a
constant bias input u0 is redundant with the bias weight and beta rescales
eta; beta = 0.75/mV, u0 = 18 mV reproduce the paper's NLL gap).
"""

from dataclasses import replace

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


