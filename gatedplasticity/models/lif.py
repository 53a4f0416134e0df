"""Conductance-based leaky integrate-and-fire neuron of Burbank & Kreiman (2012).

    tau_m dv/dt = (V_rest - v) + [g]+ (E_ex - v)
    dg/dt = -g / tau_syn,   g reset to 0 at each spike

g is a dimensionless conductance (relative to the leak): each input adds
0.04 x its weight (Methods: "g_i(t) = 0.04 * sum over inputs arriving since
the neuron's last spike"); the synapse's ``transmit`` code does that with the
target's ``g_per_spike``: ``"g_post += g_per_spike_post * w"``. Top-down weights may be negative, so g can
be; the membrane sees the rectified net conductance [g]+ [R: a conductance
cannot be negative, and 1 + g < 0 would make the leak unstable]. Published:
tau_m = 10 ms, V_rest = -74 mV, E_ex = 0 mV, reset -60 mV, dt = 1 ms.
Reconstructed [R]: threshold -54 mV, the form of the voltage equation,
tau_syn (15 ms, Table 1 value of Figs 3-4).

Optional parts (``burbank_lif(noise=, external_input=, stdp_trace=)``), each
drawn once per time step like the paper's Eq 3 (``Model.step``):

- noise: S_i(t) ~ N(noise_rate, sigma_noise noise_rate) spikes/s, rectified,
  adds g_per_input S_i dt;
- external input: J_i(t) ~ N(m_i J0(t - d), sigma_input m_i J0(t - d)) with
  m_i = input_gain_i peak_rate strength(t - d, i) (``strength`` is a
  TimedArray of one value per presentation and neuron, given through
  ``functions=``), rectified, adds g_per_input J_i dt. J0 is a Gaussian bump
  (height 1 at ``bump_peak``, s.d. ``bump_width``) until it falls to
  ``tonic_level`` [R: where the tonic part starts], then ``tonic_level`` for
  ``tonic_duration``, then 0 until the presentation ends; ``input_cutoff``
  zeroes it earlier (Fig 8's early burst);
- a neuron-level STDP trace (:data:`NEURON_TRACE`, for ``rules.stdp``'s ``traces="neuron"``).

A negative Gaussian draw of J or S is clipped to zero (``negative_counts=
"clip"``, the default: a spike count cannot be negative; it raises the mean
drive by 8% at s.d. 100% and 40% at 200%) or subtracts (``"subtract"``).
The threshold, ``g_per_input`` (the Eq 3 scale of J and S) and
``peak_rate`` are lost or ambiguous in the text and calibrated
(``papers.burbank2012.calibration``); they are shared variables, set
through standalone ``run_args``.

``spike_count`` counts spikes (rates, homeostasis).
"""

import numpy as np
from brian2 import Equations, Hz, mV, ms

from ..parameters import ParameterError
from .base import Model

EQUATIONS = Equations(
    """
    dv/dt = ((V_rest - v) + clip(g, 0, inf) * (E_ex - v)) / tau_m : volt
    dg/dt = -g / tau_syn : 1
    spike_count : 1
    """
)

#: One STDP trace per neuron, +1 at each of its spikes (``rules.stdp`` with ``traces="neuron"``).
NEURON_TRACE = Equations("dstdp_trace/dt = -stdp_trace / tau_stdp : 1")
NEURON_TRACE_RESET = "stdp_trace += 1"

#: Resting potential (Burbank & Kreiman Methods).
REST = -74 * mV
#: Conductance added per unit weight of an input spike (Burbank & Kreiman Methods).
G_PER_INPUT = 0.04

NOISE = "noise_rate * (1 + sigma_noise * {normal})"
EXTERNAL = "input_gain * peak_rate * strength(t - input_delay, i) * input_time_course * (1 + sigma_input * {normal})"
#: Where the standard normal numbers of J and S come from: Brian2's ``randn()`` (one generator for the whole
#: program) or ``copy_randn(copy)`` (``backends.copy_random``: the generator of the neuron's copy, a fast
#: ziggurat in C++; the group gets the integer variable ``copy`` and needs ``copy_random.FUNCTIONS`` in its
#: namespace).
GAUSSIAN = {"brian2": "randn()", "copy": "copy_randn(copy)"}
COPY_INDEX = Equations("copy : integer (constant)")
#: What a negative Gaussian draw of a spike count does [R: the text is silent]: nothing ("clip", a count
#: cannot be negative; raises the mean drive by 8% at s.d. 100% and 40% at 200%) or it subtracts ("subtract").
NEGATIVE_COUNTS = {"clip": "clip({}, 0*Hz, inf*Hz)", "subtract": "{}"}

INPUT_TIME_COURSE = Equations(
    """
    input_phase = (t - input_delay) - presentation * floor((t - input_delay) / presentation) : second (shared)
    input_time_course = input_on * int(input_phase < input_cutoff) * (int(input_phase < tonic_start) * exp(-(input_phase - bump_peak)**2 / (2 * bump_width**2)) + int(input_phase >= tonic_start) * int(input_phase < tonic_start + tonic_duration) * tonic_level) : 1 (shared)
    input_gain : 1
    """
)
#: When the delayed input J(t - d) is on: from t = d on (one continuous run), or only while it belongs to the
#: current presentation (trials reset at each presentation start: none of the previous stimulus's tail).
INPUT_ONSET = {
    "continuous": Equations("input_on = int(t >= input_delay) : 1 (shared)"),
    "reset": Equations("input_on = int(t_in_timesteps % presentation_steps >= input_delay_steps) : 1 (shared)"),
}

#: Table 1 values of Figs 3, 4, 6 and 8, and the Methods' input time course.
DRIVE_DEFAULTS = {"noise_rate": 2000 * Hz, "sigma_noise": 0.5, "g_per_input": G_PER_INPUT}
INPUT_DEFAULTS = {
    "peak_rate": 20_000 * Hz, "sigma_input": 1.0, "input_delay": 15 * ms, "presentation": 160 * ms,
    "bump_peak": 30 * ms, "bump_width": 20 * ms, "tonic_level": 0.2, "tonic_duration": 80 * ms,
    "input_cutoff": 160 * ms,
}
#: Parameters kept as shared variables so that a standalone binary takes them through run_args.
TUNABLE = ("noise_rate", "sigma_noise", "tau_syn", "sigma_input", "input_cutoff", "tau_stdp", "V_th", "g_per_input",
           "peak_rate", "g_per_spike")
#: Tunable parameters that stay one value for every neuron of a group: the shared input time course reads
#: input_cutoff, and with one tau_syn and tau_stdp the decays exp(-dt / tau) are computed once per step instead
#: of once per neuron (~10 ns a neuron-step each). The others can be stored per neuron
#: (``Model.neurons(batched=...)``), e.g. one value per copy of a network.
ONE_FOR_ALL = ("input_cutoff", "tau_syn", "tau_stdp")
#: State restored at each presentation start when trials reset (``protocols.top_down``, trial="reset").
TRIAL_RESET = "v = V_rest\ng = 0"
TRIALS = tuple(INPUT_ONSET)


def tonic_start(bump_peak, bump_width, tonic_level):
    """Time at which the Gaussian bump has fallen to the tonic level [R]."""
    return bump_peak + bump_width * np.sqrt(2 * np.log(1 / tonic_level))


HOMEOSTASIS = Equations(
    """
    homeostatic_scale : 1
    spikes_at_scaling : 1
    homeostasis_rate : 1 (shared, constant)
    homeostasis_started : 1
    target_rate : Hz (shared, constant)
    """
)


def burbank_lif(noise=False, external_input=False, stdp_trace=False, homeostasis=False, negative_counts="clip",
                trial="continuous", gaussian="brian2"):
    """Conductance LIF (Burbank & Kreiman 2012, Methods), optionally with its per-step inputs and an STDP trace.

    ``homeostasis`` adds the state of synaptic scaling (``protocols.top_down``).
    ``negative_counts``: "clip" or "subtract" (:data:`NEGATIVE_COUNTS`).
    ``trial``: "continuous" or "reset" (:data:`INPUT_ONSET`; "reset" needs
    the constants ``presentation_steps`` and ``input_delay_steps``, in time steps).
    ``gaussian``: "brian2" or "copy", the source of the normal numbers of J and S (:data:`GAUSSIAN`).
    """
    if negative_counts not in NEGATIVE_COUNTS:
        raise ParameterError("negative_counts", f"burbank_lif: unknown negative_counts {negative_counts!r}; "
                                                f"choose one of {', '.join(NEGATIVE_COUNTS)}")
    if trial not in TRIALS:
        raise ParameterError("trial", f"burbank_lif: unknown trial {trial!r}; choose one of {', '.join(TRIALS)}")
    if gaussian not in GAUSSIAN:
        raise ParameterError("gaussian", f"burbank_lif: unknown gaussian {gaussian!r}; choose one of {', '.join(GAUSSIAN)}")
    rectify = NEGATIVE_COUNTS[negative_counts].format
    normal = GAUSSIAN[gaussian]
    defaults = {
        "tau_m": 10 * ms, "V_rest": REST, "E_ex": 0 * mV,
        "V_reset": -60 * mV, "V_th": -54 * mV, "tau_syn": 15 * ms, "g_per_spike": G_PER_INPUT,
    }
    equations, reset, drive = EQUATIONS, "v = V_reset; g = 0; spike_count += 1", []
    if noise or external_input:
        defaults.update(DRIVE_DEFAULTS)
    if gaussian == "copy" and (noise or external_input):
        equations = equations + COPY_INDEX
    if noise:
        drive.append(rectify(NOISE.format(normal=normal)))
    if external_input:
        equations = equations + INPUT_TIME_COURSE + INPUT_ONSET[trial]
        defaults.update(INPUT_DEFAULTS)
        defaults["tonic_start"] = tonic_start(defaults["bump_peak"], defaults["bump_width"], defaults["tonic_level"])
        if trial == "reset":
            defaults.update(presentation_steps=160, input_delay_steps=15)  # at dt = 1 ms
        drive.append(rectify(EXTERNAL.format(normal=normal)))
    if stdp_trace:
        equations = equations + NEURON_TRACE
        defaults["tau_stdp"] = 20 * ms
        reset += "; " + NEURON_TRACE_RESET
    if homeostasis:
        equations = equations + HOMEOSTASIS
    return Model(
        name="conductance LIF (Burbank & Kreiman 2012)",
        equations=equations,
        defaults=defaults,
        threshold="v > V_th",
        reset=reset,
        step=f"g += g_per_input * dt * ({' + '.join(drive)})" if drive else "",
        initial={"v": "V_rest"},
        method="exponential_euler",
        shared=tuple(name for name in TUNABLE if name in defaults),
        descriptions={
            "tau_m": "membrane time constant", "V_rest": "resting potential",
            "E_ex": "excitatory reversal potential", "V_reset": "reset potential",
            "V_th": "spike threshold [R]", "tau_syn": "decay of the input conductance",
            "noise_rate": "mean noise input S (spikes/s)", "sigma_noise": "s.d. of the noise input / its mean",
            "g_per_input": "conductance per external or noise input spike [R scale]",
            "g_per_spike": "conductance per synaptic spike and unit weight (synapses: g_post += g_per_spike_post * w) [R scale]",
            "peak_rate": "external input rate at the bump's peak for strength 1 (spikes/s)",
            "sigma_input": "s.d. of the external input / its mean", "input_delay": "transmission delay d of the input",
            "presentation": "length of a stimulus presentation [R]", "bump_peak": "time of the bump's peak",
            "bump_width": "s.d. of the bump [R]", "tonic_level": "tonic input / peak",
            "tonic_duration": "duration of the tonic input", "input_cutoff": "input is zero after this phase",
            "tonic_start": "phase where the tonic input starts [R]", "tau_stdp": "decay of the STDP trace",
            "presentation_steps": "time steps per presentation", "input_delay_steps": "time steps of the input delay d",
        },
        reference="Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393, Methods Eqs 2-4",
    )


def arrival_relay():
    """Spikes of another group as they arrive after a transmission delay, with a neuron-level STDP trace.

    Connect ``source -> relay`` one-to-one with ``on_pre="arrived_post = 1"``,
    delay d - dt, run after the resets (``protocols.top_down.relay`` does
    this): the relay spikes at t_spike + d, and synapses from it (no delay)
    see the arrival time, as the paper's pairing of t_pre + d with t_post
    requires.
    """
    return Model(
        name="arrival relay",
        equations=Equations("arrived : 1") + NEURON_TRACE,
        defaults={"tau_stdp": 20 * ms},
        threshold="arrived > 0",
        reset="arrived = 0; " + NEURON_TRACE_RESET,
        method="exact",
        shared=("tau_stdp",),
        descriptions={"tau_stdp": "decay of the STDP trace"},
        reference="gatedplasticity: neuron-level traces with delays (rules.stdp)",
    )
