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
from brian2 import Hz, NeuronGroup, SpikeMonitor, Synapses, TimedArray, ms

from ...backends import SEEDER
from ...models.lif import G_PER_INPUT, arrival_relay, burbank_lif
from ...parameters import ParameterError, resolve
from ...rules import stdp

OWNER = "top-down network"
DT = 1 * ms
PRESENTATION = 160 * ms
CHUNK = 1500
HOMEOSTASIS_EVERY = 30  # presentations

#: The network's parameters and their units; every one must be given (see ``parameters``).
UNITS = {
    "alpha": 1.0, "mu": 1.0, "delay": 1 * ms, "tau_stdp": 1 * ms, "noise_rate": 1 * Hz, "tau_syn": 1 * ms,
    "sigma_input": 1.0, "sigma_noise": 1.0, "w_bound": 1.0,
    "target_rate": 1 * Hz, "gamma": 1.0, "zeta": 1.0, "alpha_q": 1.0, "higher_input": 1.0,
}

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


def build(q, params, rule="reverse", chunk=CHUNK, traces="neuron", multiplicative=False, bottom_up_rule=None,
          homeostasis=False, higher_layer_input=False, record_spikes=False, strengths=None):
    """Build the network for bottom-up weights ``q`` (lower x higher) and parameters ``params`` (:data:`UNITS`).

    ``strengths``: {"lower": array, ["higher": array]} of input strengths, one
    row per presentation (default zeros for ``chunk`` presentations; a
    standalone build takes each chunk's through run_args).
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
    params = parameters(params)
    if homeostasis and chunk % HOMEOSTASIS_EVERY:
        raise ParameterError("chunk", f"{OWNER}: with homeostasis the chunk must be a multiple of {HOMEOSTASIS_EVERY}")
    n_lower, n_higher = q.shape
    strengths = strengths or {}
    neuron_params = {name: params[name] for name in ("tau_syn", "noise_rate", "sigma_noise")}
    input_params = {"sigma_input": params["sigma_input"], "input_delay": params["delay"], "presentation": PRESENTATION}
    trace = traces == "neuron"
    timed = {"lower": TimedArray(strengths.get("lower", np.zeros((chunk, n_lower))), dt=PRESENTATION, name="lower_strength")}
    lower_model = burbank_lif(noise=True, external_input=True, stdp_trace=trace, homeostasis=homeostasis)
    extra = {"tau_stdp": params["tau_stdp"]} if trace else {}
    lower = lower_model.neurons(n_lower, name="lower", functions={"strength": timed["lower"]},
                                **neuron_params, **input_params, **extra)
    lower.input_gain = 1
    if higher_layer_input:
        timed["higher"] = TimedArray(strengths.get("higher", np.zeros((chunk, n_higher))), dt=PRESENTATION, name="higher_strength")
        higher = burbank_lif(noise=True, external_input=True, stdp_trace=trace).neurons(
            n_higher, name="higher", functions={"strength": timed["higher"]}, **neuron_params, **input_params, **extra)
        higher.input_gain = params["higher_input"]
    else:
        higher = burbank_lif(noise=True, stdp_trace=trace).neurons(n_higher, name="higher", **neuron_params, **extra)
    objects = [lower, higher]
    transmit = f"g_post += {G_PER_INPUT} * w"
    bounds = {"w_min": -params["w_bound"], "w_max": params["w_bound"]}
    if trace:
        (lower_source, lower_feed), (higher_source, higher_feed) = (relay(group, params["delay"], params["tau_stdp"])
                                                                    for group in (lower, higher))
        objects += [lower_source, lower_feed, higher_source, higher_feed]
        delay = 0 * ms
    else:
        lower_source, higher_source, delay = lower, higher, params["delay"]
    if bottom_up_rule:
        bottom_up = stdp.rule(bottom_up_rule, traces, multiplicative).synapses(
            lower_source, higher, transmit=transmit, tunable=("mu", "alpha", "w_min", "w_max"), name="bottom_up",
            mu=params["zeta"] * params["mu"], alpha=params["alpha_q"], **bounds, **({} if trace else {"tau_stdp": params["tau_stdp"]}))
    else:
        bottom_up = Synapses(lower_source, higher, "w : 1", on_pre=transmit, name="bottom_up")
        bottom_up.connect()
    bottom_up.w = q.ravel()  # Brian2 orders all-to-all synapses i-major: row i of q = synapses from lower i
    bottom_up.delay = delay
    top_down = stdp.rule(rule, traces, multiplicative).synapses(
        higher_source, lower, transmit=transmit, tunable=("mu", "alpha", "w_min", "w_max"), name="top_down",
        mu=params["mu"], alpha=params["alpha"], **bounds, **({} if trace else {"tau_stdp": params["tau_stdp"]}))
    top_down.delay = delay
    seeder = NeuronGroup(1, SEEDER, name="seeder")
    if record_spikes:
        objects.append(SpikeMonitor(lower, name="lower_spikes"))
    if homeostasis:
        _homeostasis(lower, top_down, params)
    objects += [bottom_up, top_down, seeder]
    return TopDownNetwork(lower=lower, higher=higher, bottom_up=bottom_up, top_down=top_down, seeder=seeder,
                          strengths=timed, objects=objects, params=params,
                          plastic_bottom_up=bool(bottom_up_rule))


def relay(group, delay, tau_stdp=20 * ms, name=None):
    """(relay, feed): ``group``'s spikes as they arrive after ``delay`` (>= one step), with a neuron-level STDP trace.

    The feed runs after the resets so that spikes in consecutive steps all
    arrive (the relay's reset in the same step would otherwise erase one).
    """
    name = name or f"{group.name}_arrivals"
    arrivals = arrival_relay().neurons(len(group), name=name, tau_stdp=tau_stdp)
    feed = Synapses(group, arrivals, on_pre="arrived_post = 1", name=f"{name}_feed")
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
             "homeostasis": False, "higher_layer_input": False, "record_spikes": False, "chunk": CHUNK}


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
                       group.tau_syn: params["tau_syn"]})
        if "sigma_input" in group.variables:
            values[group.sigma_input] = params["sigma_input"]
    if network.plastic_bottom_up:
        values.update({network.bottom_up.mu: params["zeta"] * params["mu"], network.bottom_up.alpha: params["alpha_q"],
                       network.bottom_up.w_min: -params["w_bound"], network.bottom_up.w_max: params["w_bound"]})
    if "homeostasis_rate" in network.lower.variables:
        values.update({network.lower.homeostasis_rate: params["gamma"] * params["mu"],
                       network.lower.target_rate: params["target_rate"]})
    if "higher" in network.strengths:
        values[network.higher.input_gain] = np.full(len(network.higher), params["higher_input"])
    return values


