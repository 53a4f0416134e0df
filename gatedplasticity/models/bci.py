"""Rate neurons of the BCI cursor task (Legenstein, Chase, Schwartz & Maass 2010).

Discrete time: one Brian2 time step is one cursor update (1/30 s [P]).

``population_input``: the m = 100 input neurons. Their activity codes the
desired cursor direction y* linearly, x = map · y* (Eq 4 with
map = c_rate pinv(W_total) pinv(Q), fixed at the initial weights [P]); the
protocol sets ``map_x, map_y, map_z`` per neuron and writes y* each step,
and the group's step computes x once per neuron (a stored variable, not a
subexpression that every synapse would re-evaluate).

``motor_neuron``: a threshold-linear motor-cortex neuron with
activity-dependent exploratory noise (Eqs 2, 3, 6),

    a_i = h_i + xi_i,   h_i = sum_j w_ij x_j,   s_i = max(a_i, 0)
    xi_i ~ Uniform[-nu_i, nu_i],   nu_i = nu (1 + sqrt(kappa max(h_i, 0)))

[R distribution: the paper names a distribution D(nu) but not its form;
uniform noise with nu = 10 Hz, kappa = 0.2/Hz gives a rate variance
nu_i^2 / 3 that grows about linearly with the mean rate over 0-60 Hz (slope
~9 Hz, see ``analysis.bci.noise_variance``) and a jitter angle of ~9 deg
before learning (paper 10 +- 2.7)]. ``nu`` is a per-neuron variable so that
runs with different exploration levels share one network (Fig 9); nu = 0
is the deterministic limit. Each step the neuron also low-pass filters its
activation, abar(t) = keep abar(t-1) + (1 - keep) a(t), keep = 0.8 [P]; the
filter starts at a(t) on the first step after ``primed`` is reset to 0, and
in any step where ``restart`` is 1 (written by the environment when the
filters restart with each new target, ``protocols.bci`` filter_reset="target").
``h``, ``R``, ``Rbar`` and ``learning`` are written by synapses (summed
variables) or by a Python callback; ``R``/``Rbar`` are the global reward and
its filtered value, ``learning`` is 1 while the run's session is going on;
``weight_norm2`` / ``weight_norm2_target`` serve the optional weight-norm
homeostasis of ``rules.eh``.
"""

from brian2 import Equations, Hz

from .base import Model

REFERENCE = "Legenstein, Chase, Schwartz & Maass 2010, J Neurosci 30:8400, Eqs 2-4, 6 (doi:10.1523/JNEUROSCI.4284-09.2010)"

POPULATION_INPUT = Equations(
    """
    x : Hz
    map_x : Hz
    map_y : Hz
    map_z : Hz
    ystar_x : 1
    ystar_y : 1
    ystar_z : 1
    """
)

MOTOR_NEURON = Equations(
    """
    s = a * int(a > 0*Hz) : Hz
    a : Hz
    abar : Hz
    h : Hz
    nu : Hz
    primed : 1
    restart : 1
    R : 1
    Rbar : 1
    learning : 1
    weight_norm2 : 1
    weight_norm2_target : 1
    """
)

#: Per step: exploratory noise, activation, low-pass filter of the activation.
ACTIVITY = """
a = h + nu * (1 + sqrt(kappa * h * int(h > 0*Hz))) * (2 * rand() - 1)
abar = a + primed * (1 - restart) * keep * (abar - a)
primed = 1
"""


#: Per step: the rates for the current desired direction (stored once per neuron, read by every synapse).
ENCODE = "x = map_x * ystar_x + map_y * ystar_y + map_z * ystar_z"


def population_input():
    """Input neurons whose rates x = map · y* code the desired direction y* (Eq 4)."""
    return Model(name="BCI input population", equations=POPULATION_INPUT, defaults={}, step=ENCODE, reference=REFERENCE)


def motor_neuron():
    """Threshold-linear neuron with activity-dependent uniform noise (Eqs 2, 3, 6)."""
    return Model(
        name="noisy threshold-linear motor neuron",
        equations=MOTOR_NEURON,
        defaults={"nu_initial": 10 * Hz, "kappa": 0.2 / Hz, "keep": 0.8},
        step=ACTIVITY,
        initial={"nu": "nu_initial"},
        descriptions={
            "nu_initial": "exploration level nu (Hz) given to every neuron; the variable nu can be set per neuron",
            "kappa": "activity dependence of the noise amplitude (1/Hz) [R]",
            "keep": "low-pass filter retention: abar(t) = keep abar(t-1) + (1 - keep) a(t)",
        },
        reference=REFERENCE,
    )
