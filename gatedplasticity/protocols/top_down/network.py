"""Two-layer integrate-and-fire network with plastic top-down weights: the builder.

Lower and higher layers of conductance LIF neurons (``models.burbank_lif``),
no lateral connections. Bottom-up Q (lower -> higher) is fixed, or plastic
with its own rule (``bottom_up_rule``, rate ``zeta`` x mu); top-down W
(higher -> lower) learns by all-pairs cSTDP or rSTDP (``rules.stdp``) with
hard bounds +-w_bound. Every spike reaches its target after the delay d,
and STDP pairs the arrival time t_pre + d with t_post (relay groups,
:func:`relay`). Lower neurons get the external input J (one strength vector
per presentation, :mod:`.inputs`) and noise S; higher neurons get noise
and, optionally, their own external input scaled by ``higher_input``.

Trial structure (:mod:`.trials`): by default each presentation is a trial
(state reset at its start, no spike or pair across a boundary, pairs with
|dt| < 80 ms, weights changed at its end); ``trial="continuous"``,
``pair_window=None``, ``update="spike"`` give one continuous run.
Population monitors of the lower layer and the higher layer's arrivals
give the spike-pair counts (``population_counts``).

The parameter *values* come from the caller (e.g. Table 1 of Burbank &
Kreiman 2012 in ``papers.burbank2012.parameters``); :data:`UNITS` lists
the names and units this network needs.

Homeostatic scaling (optional): every ``HOMEOSTASIS_EVERY`` presentations
each lower neuron's top-down weights and external input gain are
multiplied by h_i = max(0, 1 + gamma mu (F - rbar_i)/F), rbar_i its rate
over those presentations (the rectification keeps the weights' signs far
above the target). The scaling at the end of a chunk happens in the first
step of the next one.
"""

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, NeuronGroup, PopulationRateMonitor, SpikeMonitor, Synapses, TimedArray, mV, ms

from ...backends import SEEDER
from ...models.lif import G_PER_INPUT, NEGATIVE_COUNTS, TRIAL_RESET, TRIALS, arrival_relay, burbank_lif
from ...parameters import ParameterError, resolve
from ...rules import stdp
from . import trials

OWNER = "top-down network"
DT = 1 * ms
PRESENTATION = 160 * ms
CHUNK = 500  # presentations per compiled run: the verdict's granularity
HOMEOSTASIS_EVERY = 30  # presentations

#: The network's parameters and their units; every one must be given (see ``parameters``).
UNITS = {
    "alpha": 1.0, "mu": 1.0, "delay": 1 * ms, "tau_stdp": 1 * ms, "noise_rate": 1 * Hz, "tau_syn": 1 * ms,
    "sigma_input": 1.0, "sigma_noise": 1.0, "w_bound": 1.0,
    "target_rate": 1 * Hz, "gamma": 1.0, "zeta": 1.0, "alpha_q": 1.0, "higher_input": 1.0,
    "threshold": 1 * mV, "drive_scale": 1.0, "synaptic_scale": 1.0, "input_scale": 1.0,
}
#: The published peak input rate (x input_scale); Eq 3's 0.04 per spike is scaled by drive_scale (J, S) and
#: synaptic_scale (Q, W spikes).
PEAK_RATE = 20_000 * Hz

HOMEOSTASIS = """
homeostatic_scale = clip(1 + homeostasis_started * homeostasis_rate * (target_rate - (spike_count - spikes_at_scaling) / period) / target_rate, 0, inf)
input_gain *= homeostatic_scale
spikes_at_scaling = spike_count
homeostasis_started = 1
"""


def parameters(values):
    """``values`` checked against :data:`UNITS`: every name present, known, in its unit, finite, sign-checked."""
    missing = sorted(set(UNITS) - set(values))
    if missing:
        raise ParameterError(missing[0], f"{OWNER}: parameter '{missing[0]}' is missing; the network needs "
                                         f"{', '.join(UNITS)} (e.g. papers.burbank2012.parameters.network_parameters())")
    params = resolve(UNITS, values, OWNER)
    if params["delay"] < DT:
        raise ParameterError("delay", f"{OWNER}: the delay must be at least one time step ({DT}), got {params['delay']}")
    return params


@dataclass
class TopDownNetwork:
    """Brian2 objects of the two-layer network; ``state()`` / ``set_state()`` carry training across chunks."""

    lower: object
    higher: object
    bottom_up: object
    top_down: object
    seeder: object
    strengths: dict
    objects: list
    params: dict
    plastic_bottom_up: bool = False
    monitors: dict = None


def check_trial(trial, pair_window, update, traces, negative_counts):
    """The trial-structure options, checked (see :mod:`.trials`)."""
    for name, value, choices in (("trial", trial, TRIALS), ("update", update, tuple(trials.UPDATES)),
                                 ("negative_counts", negative_counts, tuple(NEGATIVE_COUNTS))):
        if value not in choices:
            raise ParameterError(name, f"{OWNER}: unknown {name} {value!r}; choose one of {', '.join(choices)}")
    if traces != "neuron" and (trial == "reset" or pair_window is not None or update != "spike"):
        raise ParameterError("traces", f"{OWNER}: trial='reset', a pair_window and update='presentation' need "
                                       "traces='neuron' (use trial='continuous', pair_window=None, update='spike')")
    if pair_window is not None and not DT <= pair_window < PRESENTATION:
        raise ParameterError("pair_window", f"{OWNER}: pair_window must lie in [{DT}, {PRESENTATION}), got {pair_window}")


def build(q, params, rule="reverse", chunk=CHUNK, traces="neuron", multiplicative=False, bottom_up_rule=None,
          homeostasis=False, higher_layer_input=False, record_spikes=False, strengths=None, trial="reset",
          pair_window=trials.PAIR_WINDOW, update="presentation", negative_counts="clip"):
    """Build the network for bottom-up weights ``q`` (lower x higher) and parameters ``params`` (:data:`UNITS`).

    ``strengths``: {"lower": array, ["higher": array]} of input strengths, one
    row per presentation (default zeros for ``chunk`` presentations; a
    standalone build takes each chunk's through run_args). ``trial``,
    ``pair_window``, ``update``: the trial structure (:mod:`.trials`);
    ``negative_counts``: "clip" or "subtract" (``models.lif``).
    """
    q = np.asarray(q, float)
    if q.ndim != 2:
        raise ParameterError("q", f"{OWNER}: q must be a 2-D matrix (lower x higher), got shape {q.shape}")
    if rule not in stdp.VARIANTS:
        raise ParameterError("rule", f"{OWNER}: unknown rule {rule!r}; choose one of {', '.join(stdp.VARIANTS)}")
    if traces not in stdp.TRACES:
        raise ParameterError("traces", f"{OWNER}: unknown traces {traces!r}; choose one of {', '.join(stdp.TRACES)}")
    if bottom_up_rule is not None and bottom_up_rule not in stdp.VARIANTS:
        raise ParameterError("bottom_up_rule", f"{OWNER}: unknown rule {bottom_up_rule!r}; choose one of {', '.join(stdp.VARIANTS)}")
    check_trial(trial, pair_window, update, traces, negative_counts)
    params = parameters(params)
    if homeostasis and chunk % HOMEOSTASIS_EVERY:
        raise ParameterError("chunk", f"{OWNER}: with homeostasis the chunk must be a multiple of {HOMEOSTASIS_EVERY}")
    n_lower, n_higher = q.shape
    strengths = strengths or {}
    presentation_steps = trials.steps(PRESENTATION, DT)
    neuron_params = {name: params[name] for name in ("tau_syn", "noise_rate", "sigma_noise")}
    neuron_params.update(V_th=params["threshold"], g_per_input=G_PER_INPUT * params["drive_scale"],
                         g_per_spike=G_PER_INPUT * params["synaptic_scale"])
    input_params = {"sigma_input": params["sigma_input"], "input_delay": params["delay"], "presentation": PRESENTATION,
                    "peak_rate": PEAK_RATE * params["input_scale"]}
    if trial == "reset":
        input_params.update(presentation_steps=presentation_steps, input_delay_steps=trials.steps(params["delay"], DT))
    trace = traces == "neuron"
    model_options = {"noise": True, "stdp_trace": trace, "negative_counts": negative_counts, "trial": trial}
    timed = {"lower": TimedArray(strengths.get("lower", np.zeros((chunk, n_lower))), dt=PRESENTATION, name="lower_strength")}
    lower_model = burbank_lif(external_input=True, homeostasis=homeostasis, **model_options)
    extra = {"tau_stdp": params["tau_stdp"]} if trace else {}
    lower = lower_model.neurons(n_lower, name="lower", functions={"strength": timed["lower"]},
                                **neuron_params, **input_params, **extra)
    lower.input_gain = 1
    if higher_layer_input:
        timed["higher"] = TimedArray(strengths.get("higher", np.zeros((chunk, n_higher))), dt=PRESENTATION, name="higher_strength")
        higher = burbank_lif(external_input=True, **model_options).neurons(
            n_higher, name="higher", functions={"strength": timed["higher"]}, **neuron_params, **input_params, **extra)
        higher.input_gain = params["higher_input"]
    else:
        higher = burbank_lif(**model_options).neurons(n_higher, name="higher", **neuron_params, **extra)
    objects = [lower, higher]
    transmit = "g_post += g_per_spike_post * w"
    bounds = {"w_min": -params["w_bound"], "w_max": params["w_bound"]}
    steps_if_reset = presentation_steps if trial == "reset" else None
    if trace:
        (lower_source, lower_feed), (higher_source, higher_feed) = (
            relay(group, params["delay"], params["tau_stdp"], presentation_steps=steps_if_reset) for group in (lower, higher))
        objects += [lower_source, lower_feed, higher_source, higher_feed]
        delay = 0 * ms
    else:
        lower_source, higher_source, delay = lower, higher, params["delay"]
    if trial == "reset":
        for group in (lower, higher):
            trials.reset_at_presentation_start(group, TRIAL_RESET + ("\nstdp_trace = 0" if trace else ""), PRESENTATION)
        for group in (lower_source, higher_source) if trace else ():
            trials.reset_at_presentation_start(group, "arrived = 0\nstdp_trace = 0", PRESENTATION)
    if pair_window is not None:
        objects += [trials.expiry(group, pair_window, presentation_steps, DT)
                    for group in (lower, higher, lower_source, higher_source)]
    rule_update = trials.UPDATES[update]
    if bottom_up_rule:
        bottom_up = stdp.rule(bottom_up_rule, traces, multiplicative, rule_update).synapses(
            lower_source, higher, transmit=transmit, tunable=("mu", "alpha", "w_min", "w_max"), name="bottom_up",
            mu=params["zeta"] * params["mu"], alpha=params["alpha_q"], **bounds, **({} if trace else {"tau_stdp": params["tau_stdp"]}))
    else:
        bottom_up = Synapses(lower_source, higher, "w : 1", on_pre=transmit, name="bottom_up")
        bottom_up.connect()
    bottom_up.w = q.ravel()  # Brian2 orders all-to-all synapses i-major: row i of q = synapses from lower i
    bottom_up.delay = delay
    top_down = stdp.rule(rule, traces, multiplicative, rule_update).synapses(
        higher_source, lower, transmit=transmit, tunable=("mu", "alpha", "w_min", "w_max"), name="top_down",
        mu=params["mu"], alpha=params["alpha"], **bounds, **({} if trace else {"tau_stdp": params["tau_stdp"]}))
    top_down.delay = delay
    if update == "presentation":
        for synapses in (top_down, bottom_up) if bottom_up_rule else (top_down,):
            trials.reset_at_presentation_start(synapses, stdp.APPLY_PENDING, PRESENTATION, name=f"{synapses.name}_apply")
    seeder = NeuronGroup(1, SEEDER, name="seeder")
    if record_spikes:
        objects.append(SpikeMonitor(lower, name="lower_spikes"))
    monitors = {}
    if trace:
        monitors = {"lower": PopulationRateMonitor(lower, name="lower_population"),
                    "arrivals": PopulationRateMonitor(higher_source, name="higher_arrival_population")}
        objects += list(monitors.values())
    if homeostasis:
        _homeostasis(lower, top_down, params)
    objects += [bottom_up, top_down, seeder]
    return TopDownNetwork(lower=lower, higher=higher, bottom_up=bottom_up, top_down=top_down, seeder=seeder,
                          strengths=timed, objects=objects, params=params,
                          plastic_bottom_up=bool(bottom_up_rule), monitors=monitors)


def relay(group, delay, tau_stdp=20 * ms, name=None, presentation_steps=None):
    """(relay, feed): ``group``'s spikes as they arrive after ``delay`` (>= one step), with a neuron-level STDP trace.

    The feed runs after the resets so that spikes in consecutive steps all
    arrive (the relay's reset in the same step would otherwise erase one).
    With ``presentation_steps`` a spike whose arrival falls into the next
    presentation is dropped (trials, :mod:`.trials`).
    """
    name = name or f"{group.name}_arrivals"
    arrivals = arrival_relay().neurons(len(group), name=name, tau_stdp=tau_stdp)
    arrive = "arrived_post = 1"
    if presentation_steps is not None:
        arrive = f"arrived_post = clip(arrived_post + {trials.in_presentation(trials.steps(delay, DT), ahead=1)}, 0, 1)"
    feed = Synapses(group, arrivals, on_pre=arrive, name=f"{name}_feed",
                    namespace={"presentation_steps": presentation_steps or 0})
    feed.connect(j="i")
    feed.delay = delay - DT
    feed.pre.when = "after_resets"
    return arrivals, feed


def _homeostasis(lower, top_down, params):
    """Every HOMEOSTASIS_EVERY presentations: lower neurons compute h_i and scale their input gain, then their top-down weights."""
    period = HOMEOSTASIS_EVERY * PRESENTATION
    lower.namespace["period"] = period
    lower.homeostasis_rate = params["gamma"] * params["mu"]
    lower.target_rate = params["target_rate"]
    lower.run_regularly(HOMEOSTASIS, dt=period, when="end", order=0, name="homeostasis_neurons")
    top_down.run_regularly("w = clip(w * homeostatic_scale_post, w_min, w_max)", dt=period, when="end", order=1,
                           name="homeostasis_weights")


STRUCTURE = {"rule": "reverse", "traces": "neuron", "multiplicative": False, "bottom_up_rule": None,
             "homeostasis": False, "higher_layer_input": False, "record_spikes": False, "chunk": CHUNK,
             "trial": "reset", "pair_window": trials.PAIR_WINDOW, "update": "presentation", "negative_counts": "clip"}


def structure_of(**options):
    """The options that change the compiled program (everything else goes in through run_args)."""
    unknown = set(options) - set(STRUCTURE)
    if unknown:
        raise ParameterError(sorted(unknown)[0], f"{OWNER}: unknown option {sorted(unknown)[0]!r}; "
                                                 f"valid options: {', '.join(STRUCTURE)}")
    return {**STRUCTURE, **options}


def state_variables(network):
    """Variables carried from one chunk to the next: weights, gains, counters and membrane state."""
    groups = {"lower": network.lower, "higher": network.higher}
    groups.update({obj.name: obj for obj in network.objects if obj.name.endswith("_arrivals")})
    variables = {"w": network.top_down.w, "q": network.bottom_up.w, "input_gain": network.lower.input_gain}
    for label, synapses in (("w", network.top_down), ("q", network.bottom_up)):
        if "dw_pending" in synapses.variables:
            variables[f"{label}_pending"] = synapses.dw_pending
    for label, group in groups.items():
        for name in ("v", "g", "stdp_trace", "spike_count", "spikes_at_scaling", "homeostasis_started"):
            if name in group.variables:
                variables[f"{label}.{name}"] = getattr(group, name)
    return variables


def tunable_values(network, params):
    """Run-time values of the parameters a compiled network takes through run_args."""
    values = {network.top_down.mu: params["mu"], network.top_down.alpha: params["alpha"],
              network.top_down.w_min: -params["w_bound"], network.top_down.w_max: params["w_bound"]}
    for group in (network.lower, network.higher):
        values.update({group.noise_rate: params["noise_rate"], group.sigma_noise: params["sigma_noise"],
                       group.tau_syn: params["tau_syn"], group.V_th: params["threshold"],
                       group.g_per_input: G_PER_INPUT * params["drive_scale"],
                       group.g_per_spike: G_PER_INPUT * params["synaptic_scale"]})
        if "sigma_input" in group.variables:
            values.update({group.sigma_input: params["sigma_input"], group.peak_rate: PEAK_RATE * params["input_scale"]})
    if network.plastic_bottom_up:
        values.update({network.bottom_up.mu: params["zeta"] * params["mu"], network.bottom_up.alpha: params["alpha_q"],
                       network.bottom_up.w_min: -params["w_bound"], network.bottom_up.w_max: params["w_bound"]})
    if "homeostasis_rate" in network.lower.variables:
        values.update({network.lower.homeostasis_rate: params["gamma"] * params["mu"],
                       network.lower.target_rate: params["target_rate"]})
    if "higher" in network.strengths:
        values[network.higher.input_gain] = np.full(len(network.higher), params["higher_input"])
    return values


