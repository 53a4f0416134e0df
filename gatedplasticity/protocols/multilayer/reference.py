"""The same networks and rules as plain NumPy loops over samples, and the backpropagation baseline.

One presentation at a time, exactly the schedule, initial weights and
equations of the compiled network (``training``): the reference that the
compiled training is tested against, the baseline of the benchmark, and
``"backprop"``: the same architecture, non-linearity, initialisation, sample
order, output error (target - r, the nudge with beta = 1) and weight decay,
with hidden errors f'(h) W^T delta (Rumelhart, Hinton & Williams 1986).
Plateaus are deterministic here (``plateau_width`` = 0).
"""

import numpy as np

from ...models.apical_rate import apical_neuron
from ...parameters import ParameterError
from ...rules import dendritic
from .network import METHODS, check_sizes, initial_weights, method
from .training import schedule

REFERENCE_METHODS = (*METHODS, "backprop")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def settings(parameters):
    """Rule and neuron parameters: defaults of ``rules.dendritic`` / ``models.apical_rate`` with ``parameters``."""
    values = {**dendritic.DEFAULTS, **{k: float(v) for k, v in apical_neuron().defaults.items()}}
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


def changes(name, forward, feedback, drives, rates, target, p, beta):
    """Per layer: the weight step per unit presynaptic rate, the decay rate, and the nudged-phase rates ``out``."""
    n_hidden = len(forward) - 1
    out = [None] * n_hidden + [rates[-1] + beta * (target - rates[-1])]
    errors = [None] * n_hidden + [out[-1] - rates[-1]]
    steps = [None] * n_hidden + [p["eta"] * errors[-1]]
    decays = [p["eta"] * p["decay"]] * (n_hidden + 1)
    for layer in reversed(range(n_hidden)):
        if name == "backprop":
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
            steps[layer] = p["eta_plateau"] * (out[layer] - rates[layer + 1]) * gate
        else:
            steps[layer], decays[layer] = np.zeros(len(d)), 0.0
    return steps, decays, out


def train(dataset, sizes, name, seed, epochs, parameters=None, beta=1.0):
    """Train one network with method ``name`` (``REFERENCE_METHODS``); returns outputs and weight snapshots.

    outputs: forward-phase output rates (presentations, classes) in the
    order of ``training.schedule``; forward / feedback: per layer, weights
    (snapshots, n_post, n_pre) at the start of every test.
    """
    if name not in REFERENCE_METHODS:
        raise ParameterError("method", f"unknown method {name!r}; choose one of {', '.join(REFERENCE_METHODS)}")
    sizes = check_sizes(sizes)
    p = settings(parameters or {})
    learned_feedback = name != "backprop" and method(name).top_down == "kolen_pollack"
    plan = schedule(len(dataset.train_y), len(dataset.test_y), [seed], epochs)
    images, labels = dataset.images, dataset.labels
    forward, feedback = (list(map(np.copy, part)) for part in initial_weights(sizes, seed))
    outputs = np.empty((len(plan.order), sizes[-1]))
    shots = {"forward": [], "feedback": []}
    for index, image in enumerate(plan.order[:, 0]):
        if index % plan.epoch_length == 0:
            shots["forward"].append([w.copy() for w in forward])
            shots["feedback"].append([b.copy() for b in feedback])
        drives, rates = forward_pass(forward, images[image])
        outputs[index] = rates[-1]
        if not plan.learning[index]:
            continue
        target = (np.arange(sizes[-1]) == labels[image]).astype(float)
        steps, decays, out = changes(name, forward, feedback, drives, rates, target, p, beta)
        if learned_feedback:
            for layer, b in enumerate(feedback):
                b += p["eta"] * (np.outer(rates[layer + 1], out[layer + 1] - rates[layer + 2]) - p["decay"] * b)
        for layer, w in enumerate(forward):
            w += np.outer(steps[layer], rates[layer]) - decays[layer] * w
    stack = {part: [np.stack([shot[layer] for shot in shots[part]]) for layer in range(len(shots[part][0]))]
             for part in shots}
    return {"outputs": outputs, **stack}
