"""Spiking neurons of multi-layer networks: two-compartment LIF with an apical Ca2+ plateau event.

The spiking counterpart of ``models.apical_rate`` (same network, same
rules): every presentation is a forward phase and a nudged phase of
``T_phase`` each; rates are spike counts per phase divided by
``T_phase r_ref`` (``r_ref`` = 200 Hz: the normalised rate 1). Voltages are
dimensionless (threshold 1, reset 0). Phase flags are written by the
protocol every step: ``nudged``, ``learning``, ``beginning`` (first step of
a presentation: counters restart) and ``ending`` (last step: the custom
event ``ending`` on which the rules update the weights).

``apical_lif`` (hidden layers):

    tau_m dv/dt = drive + h - v + g_a nudged (a - a_forward)     soma (threshold 1, reset 0, refractory)
    h = I / (r_ref tau_syn),  dI/dt = -I / tau_syn               bottom-up input (synapses add w per spike)
    a = v_a / (r_ref tau_a),  dv_a/dt = -v_a / tau_a             apical potential (top-down spikes add b)

so that h and a average sum_j w_j r_j and sum_k b_k out_k, the rate
model's drives. ``a_forward`` and ``a_nudged`` integrate a over each phase
(their means); a_forward, held through the nudged phase, is the
dendrite-targeting inhibition. At the last step a Ca2+ plateau (custom
event ``plateau``) occurs when ``abs(a_nudged - a_forward) > theta_plateau``; it
gates plasticity (``rule.gated("plateau")``). ``drive`` = 1.8 makes h = 0
fire at 100 Hz, the normalised rate 1/2 of the logistic unit at h = 0.

``nudged_lif`` (output): the same soma; in the nudged phase the bottom-up
input is replaced by the teacher: the target neuron fires at about r_ref
(``teach``), the others are silent (beta = 1). ``h_forward``, the mean
bottom-up drive of the forward phase, decides between outputs that fire
equally often (silent ones, mostly). ``regular_input``: fires
regularly at ``x r_ref`` (``x`` written by the protocol). Values [R].
"""

import numpy as np
from brian2 import Equations, Hz, ms

from .base import Model

REFERENCE = "spiking counterpart of models.apical_rate (after Sacramento et al. 2018, Payeur et al. 2021); [R]"

#: Phase flags written by the protocol once per step (shared by the group).
PHASES = Equations(
    """
    nudged : 1 (shared)
    learning : 1 (shared)
    beginning : 1 (shared)
    phase_start : 1 (shared)
    ending : 1 (shared)
    """
)

#: Spike counts of both phases and the rates the rules read.
COUNTS = Equations(
    """
    count_forward : 1
    count_nudged : 1
    r = count_forward / (T_phase * r_ref) : 1
    out = count_nudged / (T_phase * r_ref) : 1
    """
)

SOMA = Equations(
    """
    dI/dt = -I / tau_syn : 1
    h = I / (r_ref * tau_syn) : 1
    """
)

HIDDEN = SOMA + COUNTS + PHASES + Equations(
    """
    dv/dt = (drive + h - v + g_a * nudged * (a - a_forward)) / tau_m + sigma * sqrt(2 / tau_m) * xi : 1 (unless refractory)
    dv_a/dt = -v_a / tau_a : 1
    a = v_a / (r_ref * tau_a) : 1
    da_forward/dt = (1 - nudged) * a / T_phase : 1
    da_nudged/dt = nudged * a / T_phase : 1
    plateaus : 1
    """
)

OUTPUT = SOMA + COUNTS + PHASES + Equations(
    """
    dv/dt = ((1 - nudged) * (drive + h) + nudged * teach * target - v) / tau_m + sigma * sqrt(2 / tau_m) * xi : 1 (unless refractory)
    dh_forward/dt = (1 - nudged) * h / T_phase : 1
    rate_last : 1
    drive_last : 1
    target : 1
    """
)

INPUT = COUNTS + PHASES + Equations(
    """
    dphase/dt = x * r_ref : 1
    x : 1
    """
)

#: Run at the start of every step: a new presentation clears the counters and the phase means.
RESTART = """
count_forward *= 1 - beginning
count_nudged *= 1 - beginning
"""
#: Every phase starts from rest, so that two phases with the same input give the same spikes.
REST = """
v *= 1 - phase_start
I *= 1 - phase_start
lastspike += phase_start * (-1 * second - lastspike)
"""
#: The output keeps the forward-phase rate and mean drive of the presentation just ended until the next one ends
#: (read out once per presentation by a monitor, whose own clock may tick a step late).
HOLD = """
rate_last += beginning * (r - rate_last)
drive_last += beginning * (h_forward - drive_last)
h_forward *= 1 - beginning
"""
RESTART_APICAL = RESTART + REST + """
v_a *= 1 - phase_start
a_forward *= 1 - beginning
a_nudged *= 1 - beginning
"""

#: Read by synapses through the rates ``r`` and ``out``: stored as shared constants of the group.
RATE_CONSTANTS = ("T_phase", "r_ref")
COUNT = "count_forward += 1 - nudged\ncount_nudged += nudged"
PLATEAU = "ending > 0.5 and learning > 0.5 and abs(a_nudged - a_forward) > theta_plateau"

SOMA_DEFAULTS = {"tau_m": 10 * ms, "t_ref": 2 * ms, "tau_syn": 5 * ms, "drive": 1.8, "r_ref": 200 * Hz,
                 "T_phase": 50 * ms, "sigma": 0.0}
DESCRIPTIONS = {
    "tau_m": "somatic membrane time constant", "t_ref": "somatic refractory period",
    "tau_syn": "bottom-up synaptic current time constant", "drive": "constant somatic drive (threshold 1)",
    "r_ref": "the rate that counts as normalised rate 1", "T_phase": "length of each phase of a presentation",
    "tau_a": "apical time constant", "g_a": "apical-to-soma coupling in the nudged phase",
    "theta_plateau": "|mean apical change| above which the dendrite plateaus (normalised rate units)",
    "sigma": "SD of the somatic membrane noise (0: deterministic)",
    "teach": "teacher drive of the target output neuron in the nudged phase (fires at about r_ref)",
}


def teacher_drive(tau_m=10 * ms, t_ref=2 * ms, r_ref=200 * Hz):
    """The constant drive J at which a LIF (threshold 1) fires at r_ref: 1 / (1 - exp(-(1/r_ref - t_ref) / tau_m))."""
    return float(1 / (1 - np.exp(-float((1 / r_ref - t_ref) / tau_m))))


def lif_soma(name, equations, defaults, **extra):
    descriptions = {key: DESCRIPTIONS[key] for key in defaults if key in DESCRIPTIONS}
    return Model(name=name, equations=equations, defaults=defaults, threshold="v > 1", reset="v = 0\n" + COUNT,
                 refractory="t_ref", descriptions=descriptions, reference=REFERENCE, shared=RATE_CONSTANTS, **extra)


def apical_lif():
    """Hidden neuron: LIF soma, apical compartment driven top-down, Ca2+ ``plateau`` and ``ending`` events."""
    defaults = {**SOMA_DEFAULTS, "tau_a": 10 * ms, "g_a": 1.0, "theta_plateau": 0.02}
    return lif_soma("two-compartment LIF (apical plateau)", HIDDEN, defaults, step={"restart": RESTART_APICAL},
                    events={"plateau": (PLATEAU, "plateaus += 1"), "ending": ("ending > 0.5", "")})


def nudged_lif():
    """Output neuron: LIF soma; in the nudged phase the teacher drives the target neuron to about r_ref."""
    defaults = {**SOMA_DEFAULTS, "teach": teacher_drive()}
    return lif_soma("nudged output LIF", OUTPUT, defaults, step={"restart": HOLD + RESTART + REST},
                    events={"ending": ("ending > 0.5", "")})


def regular_input():
    """Input neuron firing regularly at x r_ref (``x`` in [0, 1] written by the protocol)."""
    return Model(name="regular input", equations=INPUT, defaults={"r_ref": 200 * Hz, "T_phase": 50 * ms},
                 threshold="phase > 1", reset="phase -= 1\n" + COUNT, step={"restart": RESTART + "phase *= 1 - phase_start"},
                 shared=RATE_CONSTANTS,
                 descriptions={k: DESCRIPTIONS[k] for k in ("r_ref", "T_phase")}, reference=REFERENCE)
