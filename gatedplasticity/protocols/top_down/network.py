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

:func:`build` makes the network of a complete :class:`.Structure` for a
``backends.Program``: every parameter (:class:`.Parameters`, mapped by
``structure.model_values``) and the state carried from chunk to chunk
(:data:`STATE`) are run-time values, so one build serves a whole sweep.
The parameter *values* come from the caller (e.g. Table 1 of Burbank &
Kreiman 2012 in ``papers.burbank2012.parameters``).

Homeostatic scaling (optional): every ``HOMEOSTASIS_EVERY`` presentations
each lower neuron's top-down weights and external input gain are
multiplied by h_i = max(0, 1 + gamma mu (F - rbar_i)/F), rbar_i its rate
over those presentations (the rectification keeps the weights' signs far
above the target). The scaling at the end of a chunk happens in the first
step of the next one.
"""

import numpy as np
from brian2 import PopulationRateMonitor, SpikeMonitor, Synapses, TimedArray, ms, second

from ...backends import Built, copy_random
from ...models.lif import ONE_FOR_ALL, TRIAL_RESET, arrival_relay, burbank_lif
from ...parameters import ParameterError
from ...rules import stdp
from . import trials
from .structure import DT, HOMEOSTASIS_EVERY, OWNER, PRESENTATION

HOMEOSTASIS = """
homeostatic_scale = clip(1 + homeostasis_started * homeostasis_rate * (target_rate - (spike_count - spikes_at_scaling) / period) / target_rate, 0, inf)
input_gain *= homeostatic_scale
spikes_at_scaling = spike_count
homeostasis_started = 1
"""
#: Per-neuron state carried from one chunk to the next (where the group has it).
NEURON_STATE = ("v", "g", "stdp_trace", "spike_count", "spikes_at_scaling", "homeostasis_started")


def build(structure, copies=1):
    """The network of a complete ``structure`` as a :class:`backends.Built`, ``copies`` independent networks.

    Values: the model variables of ``structure.model_values``, the state
    (``w``, ``q``, their pending changes, ``input_gain``, ``<group>.<state>``)
    and the input strengths of a chunk (``lower_strength``,
    ``higher_strength``: presentations x neurons of all copies). Outputs: the
    state, and with neuron-level traces and one copy the population spike
    rates of the lower layer and of the higher layer's arrivals
    (``lower_rate``, ``arrivals_rate``). ``record_spikes``: the lower layer's
    spikes (``lower_spike_i``, ``lower_spike_t``) of one copy, or of many
    copies each layer's counts per neuron, presentation and 10-ms phase bin
    (``lower_spike_bins``, ``higher_spike_bins``).

    Copies (``structure.gaussian="copy"``): every group holds the copies'
    neurons copy-major, synapses connect within a copy, the neurons'
    parameters are stored per neuron (one value per copy through
    ``Program.run``; tau_syn, tau_stdp and input_cutoff stay shared, as do the
    plasticity rules' mu, alpha and bounds: a per-synapse value would be one
    more array read at every synaptic event), and J and S draw from the
    copy's own generator.
    """
    if not structure.complete:
        raise ParameterError("structure", f"{OWNER}: give the sizes and the delay (structure.for_network)")
    if copies > 1 and structure.gaussian != "copy":
        raise ParameterError("copies", f"{OWNER}: {copies} copies need gaussian='copy' (each copy its own generator)")
    n_lower, n_higher, chunk = structure.n_lower, structure.n_higher, structure.chunk
    presentation_steps = trials.steps(PRESENTATION, DT)
    trace = structure.traces == "neuron"
    reset = structure.trial == "reset"
    per_copy = copies > 1
    input_params = {"input_delay": structure.delay, "presentation": PRESENTATION}
    if reset:
        input_params.update(presentation_steps=presentation_steps, input_delay_steps=trials.steps(structure.delay, DT))
    model_options = {"noise": True, "stdp_trace": trace, "negative_counts": structure.negative_counts,
                     "trial": structure.trial, "gaussian": structure.gaussian}
    copy_functions = dict(copy_random.FUNCTIONS) if structure.gaussian == "copy" else {}

    def layer(name, n, external):
        model = burbank_lif(external_input=external, homeostasis=structure.homeostasis and name == "lower",
                            **model_options)
        functions = {**copy_functions, **({"strength": timed[name]} if external else {})}
        group = model.neurons(copies * n, name=name, functions=functions,
                              batched=tuple(n for n in model.shared if n not in ONE_FOR_ALL) if per_copy else (), **(input_params if external else {}))
        if copy_functions:
            group.copy = copy_random.copy_indices(copies, n)
        return group

    timed = {"lower": TimedArray(np.zeros((chunk, copies * n_lower)), dt=PRESENTATION, name="lower_strength")}
    if structure.higher_layer_input:
        timed["higher"] = TimedArray(np.zeros((chunk, copies * n_higher)), dt=PRESENTATION, name="higher_strength")
    lower = layer("lower", n_lower, True)
    lower.input_gain = 1
    higher = layer("higher", n_higher, structure.higher_layer_input)
    objects = [lower, higher]
    groups = {"lower": lower, "higher": higher}
    transmit = "g_post += g_per_spike_post * w"
    steps_if_reset = presentation_steps if reset else None
    if trace:
        (lower_source, lower_feed), (higher_source, higher_feed) = (
            relay(group, structure.delay, presentation_steps=steps_if_reset) for group in (lower, higher))
        objects += [lower_source, lower_feed, higher_source, higher_feed]
        groups.update({lower_source.name: lower_source, higher_source.name: higher_source})
        delay = 0 * ms
    else:
        lower_source, higher_source, delay = lower, higher, structure.delay
    if reset:
        for group in (lower, higher):
            trials.reset_at_presentation_start(group, TRIAL_RESET + ("\nstdp_trace = 0" if trace else ""), PRESENTATION)
        for group in (lower_source, higher_source) if trace else ():
            trials.reset_at_presentation_start(group, "arrived = 0\nstdp_trace = 0", PRESENTATION)
    if structure.pair_window is not None:
        objects += [trials.expiry(group, structure.pair_window, presentation_steps, DT)
                    for group in (lower, higher, lower_source, higher_source)]
    stdp_rule = {"traces": structure.traces, "multiplicative": structure.multiplicative,
                 "update": trials.UPDATES[structure.update]}
    tunable = ("mu", "alpha", "w_min", "w_max")  # shared by a run's copies: no per-synapse array to read per event
    window = {} if trace else {"tau_stdp": structure.tau_stdp}
    connect = ({"lower": within_copies(n_higher, n_lower), "higher": within_copies(n_lower, n_higher)} if per_copy
               else {"lower": True, "higher": True})
    if structure.bottom_up_rule:
        bottom_up = stdp.rule(structure.bottom_up_rule, **stdp_rule).synapses(
            lower_source, higher, transmit=transmit, connect=connect["higher"], name="bottom_up",
            tunable=tunable, **window)
    else:
        bottom_up = Synapses(lower_source, higher, "w : 1", on_pre=transmit, name="bottom_up")
        bottom_up.connect(**(connect["higher"] if per_copy else {}))  # all pairs (within each copy)
    bottom_up.delay = delay
    top_down = stdp.rule(structure.rule, **stdp_rule).synapses(
        higher_source, lower, transmit=transmit, connect=connect["lower"], name="top_down", tunable=tunable, **window)
    top_down.delay = delay
    plastic = (top_down, bottom_up) if structure.bottom_up_rule else (top_down,)
    if structure.update == "presentation":
        for synapses in plastic:
            trials.reset_at_presentation_start(synapses, stdp.APPLY_PENDING, PRESENTATION, name=f"{synapses.name}_apply")
    outputs = {}
    if structure.record_spikes and not per_copy:
        spikes = SpikeMonitor(lower, name="lower_spikes")
        objects.append(spikes)
        outputs.update({"lower_spike_i": lambda: np.asarray(spikes.i[:], float),
                        "lower_spike_t": lambda: np.asarray(spikes.t_[:])})
    elif structure.record_spikes:
        for group in (lower, higher):
            spikes = SpikeMonitor(group, name=f"{group.name}_spikes")
            objects.append(spikes)
            outputs[f"{group.name}_spike_bins"] = lambda spikes=spikes, n=len(group): spike_bins(spikes, n, chunk)
    if trace and not per_copy:
        rates = {"lower_rate": PopulationRateMonitor(lower, name="lower_population"),
                 "arrivals_rate": PopulationRateMonitor(higher_source, name="higher_arrival_population")}
        objects += list(rates.values())
        outputs.update({name: (lambda monitor=monitor: np.asarray(monitor.rate_[:], float)) for name, monitor in rates.items()})
    if structure.homeostasis:
        _homeostasis(lower, top_down)
    objects += [bottom_up, top_down]
    synapse_count = copies * n_lower * n_higher
    pending = {f"{label}_pending": synapses.dw_pending for label, synapses in (("w", top_down), ("q", bottom_up))
               if "dw_pending" in synapses.variables}
    state = {"w": top_down.w, "q": bottom_up.w, "input_gain": lower.input_gain, **pending}
    state.update({f"{label}.{name}": getattr(group, name) for label, group in groups.items() for name in NEURON_STATE
                  if name in group.variables})
    parameters = {f"{label}.{name}": getattr(group, name) for label, group in
                  (("top_down", top_down), ("bottom_up", bottom_up), *groups.items())
                  for name in PARAMETERS if name in group.variables}
    if structure.higher_layer_input:
        parameters["higher.input_gain"] = higher.input_gain
    strengths = {f"{side}_strength": array for side, array in timed.items()}
    sizes = dict.fromkeys(["w", "q", *pending], synapse_count)  # synapse variables: unsized before a standalone run
    return Built(objects=objects, duration=chunk * PRESENTATION, values={**parameters, **state, **strengths},
                 outputs={**state, **outputs}, sizes=sizes, copy_streams=bool(copy_functions))


#: The run-time parameters of the network's groups and synapses (where they have them).
PARAMETERS = ("noise_rate", "sigma_noise", "tau_syn", "V_th", "g_per_input", "g_per_spike", "sigma_input", "peak_rate",
              "input_cutoff", "tau_stdp", "mu", "alpha", "w_min", "w_max", "homeostasis_rate", "target_rate")


#: Width of the phase bins of ``<layer>_spike_bins`` (copies with record_spikes).
BIN = 10 * ms


def spike_bins(monitor, neurons, presentations):
    """Spike counts per (neuron, presentation, phase bin of :data:`BIN`) of ``monitor``'s group."""
    steps, per_bin = trials.steps(PRESENTATION, DT), trials.steps(BIN, DT)
    step = np.rint(np.asarray(monitor.t_[:]) / float(DT / second)).astype(int)
    counts = np.zeros((neurons, presentations, steps // per_bin))
    np.add.at(counts, (np.asarray(monitor.i[:], int), step // steps, (step % steps) // per_bin), 1)
    return counts


def within_copies(n_pre, n_post):
    """``Synapses.connect`` arguments joining every presynaptic neuron to each postsynaptic one of its copy
    (copies of ``n_pre`` and ``n_post`` neurons, copy-major; synapses come in copy order, all pairs within)."""
    return {"j": f"k for k in range({n_post} * (i // {n_pre}), {n_post} * (i // {n_pre} + 1))"}


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


def _homeostasis(lower, top_down):
    """Every HOMEOSTASIS_EVERY presentations: lower neurons compute h_i and scale their input gain, then their
    top-down weights (the rate and target are run-time values)."""
    period = HOMEOSTASIS_EVERY * PRESENTATION
    lower.namespace["period"] = period
    lower.run_regularly(HOMEOSTASIS, dt=period, when="end", order=0, name="homeostasis_neurons")
    top_down.run_regularly("w = clip(w * homeostatic_scale_post, w_min, w_max)", dt=period, when="end", order=1,
                           name="homeostasis_weights")
