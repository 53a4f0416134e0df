"""The multi-layer network in spikes: two-compartment LIF neurons, the same rules, compiled by Brian2.

input (regular spikes at x r_ref, plus a bias unit at r_ref) -> hidden
``models.apical_lif.apical_lif`` -> output ``nudged_lif``; bottom-up
synapses ``rules.dendritic.spiking_rule`` (the plateau rule gated by the
hidden ``plateau`` event), top-down synapses onto the apical compartments
``spiking_top_down``. A presentation is a forward and a nudged phase of
``T_phase`` (``PHASE``) each, ``STEPS`` time steps of ``STEP`` in all. The
schedule of ``training.schedule`` (same seeds, initial weights and sample
order as the rate network) decides images and learning. Every step: the
protocol writes the phase flags and inputs, the groups restart their
counters at a presentation's first step; at its last step the ``plateau``
events open the gates before the ``ending`` events apply the weight changes.
"""

from dataclasses import dataclass

import numpy as np
from brian2 import Network, StateMonitor, TimedArray, ms

from ...backends import Session
from ...models.apical_lif import apical_lif, nudged_lif, regular_input
from ...parameters import ParameterError
from ...rules import dendritic
from .network import block_matrices, block_synapses, check_sizes, initial_weights, per_block
from .training import check_block_values, schedule

STEP = 0.25 * ms
PHASE = 100 * ms
STEPS = int(round(float(2 * PHASE / STEP)))
PRESENTATION = STEPS * STEP

#: Presentation p is looked up in the middle of its interval (and image k at k + 1/2), never at a boundary
#: where the rounding of t could pick the neighbour.
FLAGS = """
nudged = int(t_in_timesteps % steps >= steps // 2)
beginning = int(t_in_timesteps % steps == 0)
phase_start = int(t_in_timesteps % (steps // 2) == 0)
ending = int(t_in_timesteps % steps == steps - 1)
learning = learning_of(((t_in_timesteps // steps) + 0.5) * presentation)
"""
IMAGE = "(order(((t_in_timesteps // steps) + 0.5) * presentation, i // {n}) + 0.5) * image_dt"
SCHEDULE = {
    "input": FLAGS + f"x = images({IMAGE.format(n='n_units')}, i % n_units)",
    "hidden": FLAGS,
    "output": FLAGS + f"target = int(labels({IMAGE.format(n='n_classes')}) == i % n_classes)",
}
#: The spiking networks' methods: key -> (bottom-up rule of the hidden layer, gated).
SPIKING_METHODS = {"target": ("target", False), "plateau": ("plateau", True), "plateau_ungated": ("plateau", False)}
#: Outputs are rates plus TIE_BREAK tanh(mean forward drive): far below one spike (1 / (T_phase r_ref)).
TIE_BREAK = 1e-6
PARAMETERS = ("eta", "decay", "eta_plateau", "theta_plateau", "g_a", "sigma", "drive")


@dataclass
class SpikingRecord:
    """Forward-phase output rates ``outputs[method]`` (presentations, blocks, classes; ties broken by the mean
    drive, ``TIE_BREAK``), cumulative hidden plateau
    counts ``plateaus[method]`` (presentations, blocks, n_hidden) at the end of each presentation, final weights
    ``weights[method]`` = (W1, W2, B) per block as ``network.initial_weights`` lays them out, and the schedule."""

    sizes: tuple
    seeds: tuple
    schedule: object
    labels: np.ndarray
    outputs: dict
    plateaus: dict
    weights: dict
    wall_time: float


def build(key, sizes, weights, functions, values):
    """Groups, synapses and monitors of one method's spiking network (one hidden layer)."""
    hidden_rule, gated = SPIKING_METHODS[key]
    n_blocks, widths = len(weights), [sizes[0] + 1, *sizes[1:]]
    groups = [regular_input().neurons(n_blocks * widths[0], name=f"s{key}_input", functions=functions, T_phase=PHASE)]
    hidden_values = {k: np.repeat(per_block(v, n_blocks, k), widths[1]) for k, v in values.items()
                     if k in ("theta_plateau", "g_a", "sigma", "drive")}
    output_values = {k: np.repeat(per_block(v, n_blocks, k), widths[2]) for k, v in values.items()
                     if k in ("sigma", "drive")}
    groups.append(apical_lif().neurons(n_blocks * widths[1], name=f"s{key}_hidden", functions=functions,
                                       batched=tuple(hidden_values), T_phase=PHASE, **hidden_values))
    groups.append(nudged_lif().neurons(n_blocks * widths[2], name=f"s{key}_output", functions=functions,
                                       batched=tuple(output_values), T_phase=PHASE, **output_values))
    schedules = [group.run_regularly(SCHEDULE[part], name=f"{group.name}_schedule", when="start", order=0)
                 for group, part in zip(groups, ("input", "hidden", "output"))]
    for group in groups:
        group.operations["restart"].when, group.operations["restart"].order = "start", 1
    rule = dendritic.spiking_rule(hidden_rule)
    if gated:
        rule = rule.gated("plateau", duration=STEP / 2)
    bottom_up = [block_synapses(rule, groups[0], groups[1], f"s{key}_bottom_up1", values, "w",
                                [w[0][0] for w in weights]),
                 block_synapses(dendritic.spiking_rule("target"), groups[1], groups[2], f"s{key}_bottom_up2", values,
                                "w", [w[0][1] for w in weights])]
    top_down = block_synapses(dendritic.spiking_top_down("kolen_pollack"), groups[2], groups[1], f"s{key}_top_down1",
                              values, "b", [w[1][0] for w in weights])
    if gated:
        bottom_up[0].on_plateau.order = -1  # the gate opens before the ending event's weight change
    # After the restart stage, which copies the presentation just ended into rate_last / drive_last.
    monitors = [StateMonitor(groups[2], ("rate_last", "drive_last"), record=True, dt=PRESENTATION, when="start", order=2,
                             name=f"s{key}_outputs"),
                StateMonitor(groups[1], "plateaus", record=True, dt=PRESENTATION, when="start", order=2,
                             name=f"s{key}_plateaus")]
    return {"objects": [*groups, *bottom_up, top_down, *monitors], "bottom_up": bottom_up, "top_down": top_down,
            "monitors": monitors, "schedules": schedules}


def train(dataset, sizes, methods, seeds, epochs, *, parameters=None, backend="standalone", name=None, progress=False):
    """Train the spiking network of each of ``methods`` (keys of ``SPIKING_METHODS``) on ``dataset``, one block
    per seed, as ``training.train`` trains the rate network. Returns a :class:`SpikingRecord`."""
    sizes = check_sizes(sizes)
    if len(sizes) != 3:
        raise ParameterError("sizes", f"the spiking network has one hidden layer: (inputs, hidden, outputs), got {sizes}")
    if sizes[0] != dataset.n_inputs or sizes[-1] != dataset.n_classes:
        raise ParameterError("sizes", f"layer sizes {sizes} do not fit dataset '{dataset.name}'")
    unknown = [m for m in methods if m not in SPIKING_METHODS]
    if unknown or isinstance(methods, str) or not methods:
        raise ParameterError("methods", f"spiking methods are {', '.join(SPIKING_METHODS)}; got {methods!r}")
    parameters = {**dendritic.DEFAULTS, "theta_plateau": 0.02, "g_a": 1.0, "sigma": 0.0, "drive": 1.8,
                  **(parameters or {})}
    check_block_values(parameters, len(seeds), PARAMETERS)
    plan = schedule(len(dataset.train_y), len(dataset.test_y), seeds, epochs)
    weights = [initial_weights(sizes, seed) for seed in seeds]
    functions = {"images": TimedArray(np.hstack([dataset.images, np.ones((len(dataset.images), 1))]), dt=STEP,
                                      name="sml_images"),
                 "labels": TimedArray(dataset.labels.astype(float), dt=STEP, name="sml_labels"),
                 "order": TimedArray(plan.order.astype(float), dt=PRESENTATION, name="sml_order"),
                 "learning_of": TimedArray(plan.learning, dt=PRESENTATION, name="sml_learning"),
                 "image_dt": STEP, "n_units": sizes[0] + 1, "n_classes": sizes[-1], "steps": STEPS,
                 "presentation": PRESENTATION}
    project = name or f"spiking-{'-'.join(map(str, sizes))}-{len(seeds)}x{'-'.join(methods)}"
    with Session(backend, seed=seeds[0], name=project, dt=STEP, progress=progress) as session:
        parts = {key: build(key, sizes, weights, functions, parameters) for key in methods}
        network = Network([obj for part in parts.values() for obj in part["objects"]])
        wall_time = session.run(len(plan.order) * PRESENTATION + STEP, network, description="spiking training")
        record = SpikingRecord(sizes=sizes, seeds=tuple(seeds), schedule=plan, labels=dataset.labels, outputs={},
                               plateaus={}, weights={}, wall_time=wall_time)
        for key, part in parts.items():
            outputs, plateaus = part["monitors"]
            shape = (len(plan.order), len(seeds), -1)
            rates, drives = (np.asarray(getattr(outputs, v)).T[1:].reshape(shape) for v in ("rate_last", "drive_last"))
            record.outputs[key] = rates + TIE_BREAK * np.tanh(drives)
            record.plateaus[key] = np.asarray(plateaus.plateaus).T[1:].reshape(len(plan.order), len(seeds), -1)
            w1, w2 = (block_matrices(s, s.w[:], len(seeds)) for s in part["bottom_up"])
            record.weights[key] = list(zip(w1, w2, block_matrices(part["top_down"], part["top_down"].b[:], len(seeds))))
    return record
