"""A multi-layer rate network with top-down projections onto apical dendrites, as Brian2 groups and stages.

input (+ a constant bias input of rate 1) -> hidden layers (``models.apical_rate.apical_neuron``)
-> output (``nudged_output``); bottom-up synapses from each layer to the
next (``rules.dendritic.rule``) and top-down synapses from each layer above
onto the apical dendrites of the hidden layer below (``rules.dendritic.top_down``).
Many independent networks ("blocks": seeds, parameter candidates) are
disjoint blocks of the same groups; their synapses are ordered (block,
pre, post) so that consecutive synapses add to different neurons.

Every step runs, in this order (one ``when="start"`` slot, explicit ``order``):
the protocol's schedule (phase flags, input rates, targets), then for each
layer from the bottom its summed bottom-up drive and ``soma`` stage, the
output's ``nudge``, then for each hidden layer from the top its summed
top-down drive and ``dendrite`` stage (and, for a context-gated method,
the context units' schedule and summed context drive first). Plateau events are detected in the
thresholds slot and open the gates in the synapses slot; the weights
change in the ``end`` slot.
"""

from dataclasses import dataclass

import numpy as np

from ... import streams
from ...models.apical_rate import apical_neuron, nudged_output, rate_input
from ...parameters import ParameterError
from ...weights import arrange
from ...rules import dendritic
from ..validation import positive_int


@dataclass(frozen=True)
class Method:
    """How the hidden layers learn: bottom-up rule, its gate, and the top-down weights."""

    label: str
    hidden: str  # "target", "plateau" or "frozen" (hidden weights fixed: only the output layer learns)
    gated: bool
    top_down: str  # "kolen_pollack" (learned) or "fixed" (feedback alignment)
    context: bool = False  # plateaus also need the top-down context (``apical_neuron(context_gated=True)``)


#: The compiled methods of the study; "backprop" is the NumPy baseline (``reference``).
METHODS = {
    "target": Method("dendritic target propagation", "target", False, "kolen_pollack"),
    "plateau": Method("plateau-gated BTSP-like rule", "plateau", True, "kolen_pollack"),
    "plateau_context": Method("plateau rule gated by instructive drive and context", "plateau", True, "kolen_pollack",
                              context=True),
    "plateau_ungated": Method("plateau rule, gate removed", "plateau", False, "kolen_pollack"),
    "feedback_alignment": Method("feedback alignment (fixed random top-down)", "target", False, "fixed"),
    "output_only": Method("output layer only (hidden frozen)", "frozen", False, "fixed"),
}


def method(name):
    """The :class:`Method` called ``name``; ParameterError naming 'method' and listing the known ones otherwise."""
    if name not in METHODS:
        raise ParameterError("method", f"unknown method {name!r}; choose one of {', '.join(METHODS)}")
    return METHODS[name]


def check_sizes(sizes):
    """(n_inputs, hidden..., n_classes) as a tuple of positive ints, at least one hidden layer."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 3:
        raise ParameterError("sizes", f"layer sizes must be (inputs, hidden..., outputs) with at least one hidden "
                                      f"layer, got {sizes!r}")
    return tuple(positive_int("sizes", size, "multi-layer network") for size in sizes)


def initial_weights(sizes, seed):
    """Forward weights W[l] (n_{l+1}, n_l (+1 bias for l = 0)) and top-down weights B[l] (n_{l+1}, n_{l+2}).

    W[l] ~ U(-1/sqrt(fan-in), 1/sqrt(fan-in)); B[l], onto hidden layer l + 1
    from the layer above, is drawn like W[l + 1]^T. Streams "multilayer
    weights" / "multilayer feedback" (index: layer) of ``seed``, so every
    method starts a seed from the same weights.
    """
    sizes = check_sizes(sizes)
    fan_in = [sizes[0] + 1, *sizes[1:-1]]
    forward = [streams.generator(seed, "multilayer weights", layer).uniform(-1, 1, (sizes[layer + 1], fan_in[layer]))
               / np.sqrt(fan_in[layer]) for layer in range(len(sizes) - 1)]
    feedback = [streams.generator(seed, "multilayer feedback", layer).uniform(-1, 1, (sizes[layer + 1], sizes[layer + 2]))
                / np.sqrt(sizes[layer + 1]) for layer in range(len(sizes) - 2)]
    return forward, feedback


def block_connections(n_blocks, n_pre, n_post):
    """Explicit i, j of block-diagonal all-to-all synapses, ordered (block, pre, post)."""
    block, pre, post = np.indices((n_blocks, n_pre, n_post)).reshape(3, -1)
    return block, block * n_pre + pre, block * n_post + post


def block_synapses(rule, pre, post, name, values, variable, matrices):
    """Block-diagonal synapses obeying ``rule``, with per-block ``values`` of its parameters (a scalar or one per
    block) and ``variable`` set from the per-block (n_post, n_pre) ``matrices``."""
    n_blocks = len(matrices)
    block, i, j = block_connections(n_blocks, len(pre) // n_blocks, len(post) // n_blocks)
    values = {parameter: per_block(value, n_blocks, parameter)[block] for parameter, value in values.items()
              if parameter in rule.defaults}
    synapses = rule.synapses(pre, post, connect={"i": i, "j": j}, name=name, batched=tuple(values), **values)
    setattr(synapses, variable, np.concatenate([matrix.T.ravel() for matrix in matrices]))
    return synapses


def block_matrices(synapses, values, n_blocks):
    """Synaptic ``values`` (..., synapses) of block-diagonal synapses as (..., blocks, n_post, n_pre)."""
    i, j = np.asarray(synapses.i[:]), np.asarray(synapses.j[:])
    n_pre, n_post = len(synapses.source) // n_blocks, len(synapses.target) // n_blocks
    index = (j // n_post, j % n_post, i % n_pre)
    values = np.asarray(values)
    flat = values.reshape(-1, values.shape[-1])
    return np.stack([arrange(value, index, (n_blocks, n_post, n_pre)) for value in flat]).reshape(
        *values.shape[:-1], n_blocks, n_post, n_pre)


def per_block(values, n_blocks, name):
    """A scalar or one value per block as an array of ``n_blocks``."""
    values = np.asarray(values, dtype=float)
    values = np.full(n_blocks, values) if values.ndim == 0 else values
    if values.shape != (n_blocks,):
        raise ParameterError(name, f"'{name}' must be a scalar or one value per block ({n_blocks}), got shape {values.shape}")
    return values


class Stack:
    """The groups and synapses of one method's network for ``n_blocks`` blocks (see the module docstring).

    ``weights``: per block (forward, feedback) lists as from :func:`initial_weights`.
    ``rule_values`` / ``neuron_values``: per-block values of rule parameters
    (eta, decay, eta_plateau) and hidden-neuron parameters (theta_plateau,
    plateau_width, g_a, inhibition, theta_context); ``functions``: the protocol's TimedArrays
    and constants for the schedule code; ``schedule``: {"input": code,
    "layers": code, "output": code, "context": code}. ``gate_duration``: how long a plateau
    opens the gate (less than one step). ``context_weights`` (context-gated
    methods): per block, per hidden layer, the (n_hidden, n_contexts) weights
    of the context projection.
    """

    def __init__(self, key, sizes, method_spec, weights, *, rule_values, neuron_values, functions, schedule,
                 gate_duration, beta=1.0, context_weights=None):
        sizes = check_sizes(sizes)
        self.key, self.sizes, self.method, n_blocks = key, sizes, method_spec, len(weights)
        widths = [sizes[0] + 1, *sizes[1:]]
        self.input = rate_input().neurons(n_blocks * widths[0], name=f"{key}_input", functions=functions)
        self.input_schedule = self.input.run_regularly(schedule["input"], name=f"{key}_input_schedule")
        hidden_values = {name: per_block(value, n_blocks, name) for name, value in neuron_values.items()}
        if method_spec.context and context_weights is None:
            raise ParameterError("contexts", f"method {method_spec.label!r} needs contexts (a context projection)")
        hidden_model = apical_neuron(context_gated=method_spec.context)
        self.layers = []
        for index, width in enumerate(widths[1:-1]):
            values = {name: np.repeat(value, width) for name, value in hidden_values.items()
                      if name in hidden_model.defaults}
            self.layers.append(hidden_model.neurons(n_blocks * width, name=f"{key}_hidden{index + 1}",
                                                    functions=functions, batched=tuple(values), **values))
        self.layers.append(nudged_output().neurons(n_blocks * widths[-1], name=f"{key}_output", functions=functions,
                                                   beta=beta))
        self.schedules = [group.run_regularly(schedule["layers"], name=f"{group.name}_schedule") for group in self.layers]
        self.schedules.append(self.layers[-1].run_regularly(schedule["output"], name=f"{key}_target_schedule"))
        groups = [self.input, *self.layers]
        self.bottom_up, self.top_down = [], []
        for layer in range(len(widths) - 1):
            hidden_target = layer < len(widths) - 2
            variant = method_spec.hidden if hidden_target and method_spec.hidden != "frozen" else "target"
            rule = dendritic.rule(variant)
            if hidden_target and method_spec.gated:
                rule = rule.gated("plateau", duration=gate_duration)
            frozen = hidden_target and method_spec.hidden == "frozen"
            self.bottom_up.append(self.connect(rule, groups[layer], groups[layer + 1], f"bottom_up{layer + 1}",
                                               rule_values, "w", [w[0][layer] for w in weights], frozen))
        for layer in range(len(widths) - 2):
            self.top_down.append(self.connect(dendritic.top_down(method_spec.top_down), groups[layer + 2],
                                              groups[layer + 1], f"top_down{layer + 1}", rule_values, "b",
                                              [w[1][layer] for w in weights]))
        self.context, self.context_schedule, self.context_projections = None, None, []
        if method_spec.context:
            n_contexts = context_weights[0][0].shape[1]
            self.context = rate_input().neurons(n_blocks * n_contexts, name=f"{key}_context", functions=functions)
            self.context_schedule = self.context.run_regularly(schedule["context"], name=f"{key}_context_schedule")
            self.context_projections = [
                self.connect(dendritic.context(), self.context, layer, f"context{index + 1}", {}, "c",
                             [masks[index] for masks in context_weights])
                for index, layer in enumerate(self.layers[:-1])]
        self.order_stages()

    def connect(self, rule, pre, post, name, rule_values, variable, matrices, frozen=False):
        """:func:`block_synapses` named after this stack; ``frozen``: learning rate 0 (no change, no decay)."""
        values = {**rule_values, "eta": 0.0} if frozen else rule_values
        return block_synapses(rule, pre, post, f"{self.key}_{name}", values, variable, matrices)

    def order_stages(self):
        """Schedule every stage of a step (module docstring): ``start`` slot in sequence, learning at the ``end``."""
        sequence = [self.input_schedule, *self.schedules]
        if self.context is not None:
            sequence += [self.context_schedule, *(c.summed_updaters["context_post"] for c in self.context_projections)]
        for layer, group in enumerate(self.layers):
            sequence += [self.bottom_up[layer].summed_updaters["h_post"], group.operations["soma"]]
        sequence.append(self.layers[-1].operations["nudge"])
        for layer in reversed(range(len(self.top_down))):
            sequence += [self.top_down[layer].summed_updaters["top_down_post"], self.layers[layer].operations["dendrite"]]
        for order, item in enumerate(sequence):
            item.when, item.order = "start", order
        for synapses in (*self.bottom_up, *self.top_down):
            for operation in synapses.operations.values():
                operation.when = "end"

    @property
    def objects(self):
        context = [self.context, *self.context_projections] if self.context is not None else []
        return [self.input, *self.layers, *self.bottom_up, *self.top_down, *context]
