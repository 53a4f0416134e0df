"""The same networks and rules as plain NumPy loops over samples, and the backpropagation baseline.

One presentation at a time, exactly the schedule, initial weights and
equations of the compiled network (``training``): the reference that the
compiled training is tested against, the baseline of the benchmark, and
``"backprop"``: the same architecture, non-linearity, initialisation, sample
order, output error (target - r, the nudge with beta = 1) and weight decay,
with hidden errors f'(h) W^T delta (Rumelhart, Hinton & Williams 1986).
``"backprop_context"``: backprop with the context units (``continual.Contexts``)
as extra inputs, their input weights drawn U(+-1/sqrt(fan-in)) from stream
"context input weights", every other weight that of ``"backprop"``.
Plateaus are deterministic here (``plateau_width`` = 0).
"""

import numpy as np

from ... import streams
from ...models.apical_rate import apical_neuron
from ...parameters import ParameterError
from ...rules import dendritic
from .network import METHODS, check_sizes, initial_weights, method
from .training import schedule

REFERENCE_METHODS = (*METHODS, "backprop", "backprop_context")
BACKPROP = ("backprop", "backprop_context")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def settings(parameters):
    """Rule and neuron parameters: defaults of ``rules.dendritic`` / ``models.apical_rate`` with ``parameters``."""
    values = {**dendritic.DEFAULTS, **{k: float(v) for k, v in apical_neuron(context_gated=True).defaults.items()}}
    for name, value in parameters.items():
        if name not in values:
            raise ParameterError(name, f"NumPy reference: unknown parameter {name!r}; choose from {', '.join(values)}")
        values[name] = float(value)
    if values["plateau_width"] != 0:
        raise ParameterError("plateau_width", "NumPy reference: only deterministic plateaus (plateau_width = 0)")
    return values


def forward_pass(weights, x):
    """Somatic drives and rates of every layer for input rates ``x`` (the bias input appended)."""
    rates, drives = [np.append(x, 1.0)], []
    for w in weights:
        drives.append(w @ rates[-1])
        rates.append(sigmoid(drives[-1]))
    return drives, rates


def changes(name, forward, feedback, drives, rates, target, p, beta, context=None):
    """Per layer: the weight step per unit presynaptic rate, the decay rate, and the nudged-phase rates ``out``.

    ``context``: per hidden layer, each neuron's context drive (context-gated methods)."""
    n_hidden = len(forward) - 1
    out = [None] * n_hidden + [rates[-1] + beta * (target - rates[-1])]
    errors = [None] * n_hidden + [out[-1] - rates[-1]]
    steps = [None] * n_hidden + [p["eta"] * errors[-1]]
    decays = [p["eta"] * p["decay"]] * (n_hidden + 1)
    for layer in reversed(range(n_hidden)):
        if name in BACKPROP:
            errors[layer] = rates[layer + 1] * (1 - rates[layer + 1]) * (forward[layer + 1].T @ errors[layer + 1])
            steps[layer], out[layer] = p["eta"] * errors[layer], rates[layer + 1] + errors[layer]
            continue
        d = feedback[layer] @ out[layer + 1] - p["inhibition"] * (feedback[layer] @ rates[layer + 2])
        out[layer] = sigmoid(drives[layer] + p["g_a"] * d)
        spec = METHODS[name]
        if spec.hidden == "target":
            steps[layer] = p["eta"] * (out[layer] - rates[layer + 1])
        elif spec.hidden == "plateau":
            gate = np.abs(d) > p["theta_plateau"] if spec.gated else np.ones(len(d), bool)
            if spec.context:
                gate &= context[layer] > p["theta_context"]
            steps[layer] = p["eta_plateau"] * (out[layer] - rates[layer + 1]) * gate
        else:
            steps[layer], decays[layer] = np.zeros(len(d)), 0.0
    return steps, decays, out


def train(dataset, sizes, name, seed, epochs=None, parameters=None, beta=1.0, plan=None, contexts=None, initial=None):
    """Train one network with method ``name`` (``REFERENCE_METHODS``); returns outputs and weight snapshots.

    ``plan`` (a ``training.Schedule`` of one block) replaces ``epochs``;
    ``contexts`` (``continual.Contexts``): needed by context-gated methods
    and ``"backprop_context"``; ``initial``: (forward, feedback) weights to
    start from (default ``initial_weights(sizes, seed)``). outputs: forward-phase output rates
    (presentations, classes) in the order of the schedule; forward /
    feedback: per layer, weights (snapshots, n_post, n_pre) at the start of
    every test block.
    """
    if name not in REFERENCE_METHODS:
        raise ParameterError("method", f"unknown method {name!r}; choose one of {', '.join(REFERENCE_METHODS)}")
    sizes = check_sizes(sizes)
    p = settings(parameters or {})
    uses_context = name == "backprop_context" or (name not in BACKPROP and method(name).context)
    if uses_context and contexts is None:
        raise ParameterError("contexts", f"method {name!r} needs contexts")
    learned_feedback = name not in BACKPROP and method(name).top_down == "kolen_pollack"
    if (plan is None) == (epochs is None):
        raise ParameterError("epochs", "NumPy reference: give either 'epochs' or a schedule 'plan'")
    plan = plan or schedule(len(dataset.train_y), len(dataset.test_y), [seed], epochs)
    images, labels = dataset.images, dataset.labels
    forward, feedback = (list(map(np.copy, part)) for part in (initial or initial_weights(sizes, seed)))
    context_weights = [contexts.weights(seed, width, layer) for layer, width in enumerate(sizes[1:-1])] if uses_context else []
    if name == "backprop_context":
        fan_in = sizes[0] + contexts.n_contexts + 1
        extra = streams.generator(seed, "context input weights").uniform(-1, 1, (sizes[1], contexts.n_contexts))
        forward[0] = np.hstack([forward[0][:, :-1], extra / np.sqrt(fan_in), forward[0][:, -1:]])
    outputs = np.empty((len(plan.order), sizes[-1]))
    shots = {"forward": [], "feedback": []}
    starts = set(plan.test_starts)
    for index, image in enumerate(plan.order[:, 0]):
        if index in starts:
            shots["forward"].append([w.copy() for w in forward])
            shots["feedback"].append([b.copy() for b in feedback])
        context = contexts.one_hot(image) if uses_context else None
        x = np.concatenate([images[image], context]) if name == "backprop_context" else images[image]
        drives, rates = forward_pass(forward, x)
        outputs[index] = rates[-1]
        if not plan.learning[index]:
            continue
        target = (np.arange(sizes[-1]) == labels[image]).astype(float)
        drive = [c @ context for c in context_weights] if uses_context else None
        steps, decays, out = changes(name, forward, feedback, drives, rates, target, p, beta, drive)
        if learned_feedback:
            for layer, b in enumerate(feedback):
                b += p["eta"] * (np.outer(rates[layer + 1], out[layer + 1] - rates[layer + 2]) - p["decay"] * b)
        for layer, w in enumerate(forward):
            w += np.outer(steps[layer], rates[layer]) - decays[layer] * w
    stack = {part: [np.stack([shot[layer] for shot in shots[part]]) for layer in range(len(shots[part][0]))]
             for part in shots}
    return {"outputs": outputs, **stack}
