"""Training multi-layer rate networks on a dataset, every method and block in one compiled network.

A presentation is two steps (forward, nudged phase: ``STEP`` each). The
schedule is [test] then, per epoch, [train (shuffled) | test]: the test
presentations evaluate the network with learning off, so a run's record
holds the learning curve. The training order of block b comes from stream
("sample order", epoch) of its seed: every method sees a seed's samples in
the same order and starts from the same weights (``network.initial_weights``).
"""

from dataclasses import dataclass, replace

import numpy as np
from brian2 import Network, StateMonitor, TimedArray, ms

from ... import streams
from ...backends import Session
from ...parameters import ParameterError
from ..validation import positive_int
from .network import METHODS, Stack, block_matrices, check_sizes, initial_weights, method, per_block

#: One phase of a presentation (the discrete-time step; its length has no effect on the dynamics).
STEP = 1 * ms
PRESENTATION = 2 * STEP

#: The protocol's code, run first in every step (see ``network``).
SCHEDULE = {
    "input": "r = images(order(t, i // n_units) * image_dt, i % n_units)",
    "layers": "nudged = t_in_timesteps % 2\nlearning = learning_of(t)",
    "output": "target = int(labels(order(t, i // n_classes) * image_dt) == i % n_classes)",
    "context": "r = int(task_of(order(t, i // n_contexts) * image_dt) == i % n_contexts)",
}

#: Parameters that may differ per block: of the rules, and of the hidden neurons.
RULE_PARAMETERS = ("eta", "decay", "eta_plateau")
NEURON_PARAMETERS = ("theta_plateau", "plateau_width", "g_a", "inhibition", "theta_context")


@dataclass(frozen=True)
class Schedule:
    """Presentation p shows image ``order[p, block]`` (train images first, then test) with ``learning[p]``.

    ``epoch[p]``: 0 for the first test, e for epoch e's training and the test after it;
    ``part[p]``: "train" or "test".
    """

    order: np.ndarray
    learning: np.ndarray
    epoch: np.ndarray
    part: np.ndarray
    n_train: int
    n_test: int

    @property
    def epoch_length(self):
        return self.n_train + self.n_test

    def block(self, index):
        """The schedule of block ``index`` alone (for a one-network loop such as ``reference.train``)."""
        return replace(self, order=self.order[:, index:index + 1])

    @property
    def test_starts(self):
        """Presentations at which a test block starts (where weight snapshots are taken)."""
        test = self.part == "test"
        return np.flatnonzero(test & np.r_[True, ~test[:-1]])

    @property
    def regular(self):
        """Whether test blocks start every ``epoch_length`` presentations (compiled snapshots need it)."""
        starts = self.test_starts
        return bool(np.array_equal(starts, np.arange(len(starts)) * self.epoch_length))


def schedule(n_train, n_test, seeds, epochs):
    """The :class:`Schedule` of ``epochs`` epochs for blocks with the given ``seeds``."""
    epochs = positive_int("epochs", epochs, "multi-layer training")
    test = np.arange(n_train, n_train + n_test)
    parts = [np.repeat(test[:, None], len(seeds), 1)]
    for epoch in range(epochs):
        shuffled = [streams.generator(seed, "sample order", epoch).permutation(n_train) for seed in seeds]
        parts += [np.stack(shuffled, 1), np.repeat(test[:, None], len(seeds), 1)]
    sizes = [n_test] + [n_train, n_test] * epochs
    labels = ["test"] + ["train", "test"] * epochs
    return Schedule(order=np.concatenate(parts), learning=np.repeat([float(p == "train") for p in labels], sizes),
                    epoch=np.repeat([0] + [e + 1 for e in range(epochs) for _ in (0, 1)], sizes),
                    part=np.repeat(labels, sizes), n_train=n_train, n_test=n_test)


@dataclass
class TrainingRecord:
    """Forward-phase outputs ``outputs[method]`` (presentations, blocks, classes), the schedule and the labels
    (``labels[image]``), and weights at the start of every test (after 0, 1, ... epochs):
    ``forward[method][layer]`` (snapshots, blocks, n_post, n_pre), ``feedback[method][layer]``
    (snapshots, blocks, n_lower, n_upper), as ``network.initial_weights`` lays them out (none for an
    irregular schedule); ``plateaus[method][layer]``: each hidden neuron's plateau count at the end of
    every presentation (presentations, blocks, n_hidden), when recorded."""

    sizes: tuple
    seeds: tuple
    schedule: Schedule
    labels: np.ndarray
    outputs: dict
    forward: dict
    feedback: dict
    wall_time: float
    plateaus: dict = None


def check_block_values(values, n_blocks, allowed):
    for name, value in values.items():
        if name not in allowed:
            raise ParameterError(name, f"multi-layer training: {name!r} is not a per-block parameter; "
                                       f"choose from {', '.join(allowed)}")
        per_block(value, n_blocks, name)


def train(dataset, sizes, methods, seeds, epochs=None, *, parameters=None, backend="standalone", name=None,
          progress=False, beta=1.0, plan=None, contexts=None, record_plateaus=False, method_parameters=None,
          initial=None):
    """Train every method of ``methods`` (keys of ``network.METHODS``) on ``dataset``, one block per seed.

    ``sizes``: (inputs, hidden..., classes), checked against the dataset;
    ``parameters``: per-block values (scalar or one per block) of
    RULE_PARAMETERS and NEURON_PARAMETERS, for every method;
    ``method_parameters``: {method: such values} that override them for
    one method (e.g. each rule's own step size). ``plan``: a :class:`Schedule`
    (e.g. ``continual.sequential_schedule``) instead of ``epochs`` epochs;
    ``contexts``: a ``continual.Contexts`` (needed by context-gated
    methods); ``record_plateaus``: record the hidden plateau counts;
    ``initial``: per block (forward, feedback) weights to start from
    (e.g. a pre-trained network; default ``network.initial_weights``).
    Returns a :class:`TrainingRecord`.
    """
    sizes = check_sizes(sizes)
    if sizes[0] != dataset.n_inputs or sizes[-1] != dataset.n_classes:
        raise ParameterError("sizes", f"layer sizes {sizes} do not fit dataset '{dataset.name}' "
                                      f"({dataset.n_inputs} inputs, {dataset.n_classes} classes)")
    if isinstance(methods, str) or not methods:
        raise ParameterError("methods", f"'methods' must be a non-empty list of names from {', '.join(METHODS)}")
    specs = {key: method(key) for key in methods}
    seeds = tuple(streams.check_seed(seed, "multi-layer training") for seed in seeds)
    if not seeds:
        raise ParameterError("seeds", "multi-layer training needs at least one seed")
    parameters = dict(parameters or {})
    check_block_values(parameters, len(seeds), RULE_PARAMETERS + NEURON_PARAMETERS)
    method_parameters = dict(method_parameters or {})
    for key, values in method_parameters.items():
        if key not in specs:
            raise ParameterError("method_parameters", f"method_parameters names {key!r}, which is not trained here")
        check_block_values(values, len(seeds), RULE_PARAMETERS + NEURON_PARAMETERS)
    if (plan is None) == (epochs is None):
        raise ParameterError("epochs", "multi-layer training: give either 'epochs' or a schedule 'plan'")
    plan = plan or schedule(len(dataset.train_y), len(dataset.test_y), seeds, epochs)
    if plan.order.shape[1] != len(seeds):
        raise ParameterError("plan", f"the schedule has {plan.order.shape[1]} blocks for {len(seeds)} seeds")
    images, labels = dataset.images, dataset.labels
    weights = initial or [initial_weights(sizes, seed) for seed in seeds]
    if len(weights) != len(seeds):
        raise ParameterError("initial", f"'initial' holds {len(weights)} networks for {len(seeds)} seeds")
    context_weights = None if contexts is None else [
        [contexts.weights(seed, width, layer) for layer, width in enumerate(sizes[1:-1])] for seed in seeds]
    # Named TimedArrays: automatic names count up while earlier ones live, which would change the
    # generated code and force a recompilation of a standalone build that could be reused.
    functions = {"images": TimedArray(np.hstack([images, np.ones((len(images), 1))]), dt=STEP, name="ml_images"),
                 "labels": TimedArray(labels.astype(float), dt=STEP, name="ml_labels"),
                 "order": TimedArray(plan.order.astype(float), dt=PRESENTATION, name="ml_order"),
                 "learning_of": TimedArray(plan.learning, dt=PRESENTATION, name="ml_learning"),
                 "image_dt": STEP, "n_units": sizes[0] + 1, "n_classes": sizes[-1]}
    if contexts is not None:
        functions.update(task_of=TimedArray(contexts.task_of.astype(float), dt=STEP, name="ml_task_of"),
                         n_contexts=contexts.n_contexts)
    project = name or f"multilayer-{'-'.join(map(str, sizes))}-{len(seeds)}x{'-'.join(specs)}"
    snapshot_every = plan.epoch_length * PRESENTATION
    own = lambda key, names: {n: v for n, v in {**parameters, **method_parameters.get(key, {})}.items() if n in names}
    with Session(backend, seed=seeds[0], name=project, dt=STEP, progress=progress) as session:
        stacks, monitors = {}, {}
        for key, spec in specs.items():
            stacks[key] = Stack(key, sizes, spec, weights, rule_values=own(key, RULE_PARAMETERS),
                                neuron_values=own(key, NEURON_PARAMETERS),
                                functions=functions, schedule=SCHEDULE, gate_duration=STEP / 2, beta=beta,
                                context_weights=context_weights if spec.context else None)
            snapshot = lambda group, variable: StateMonitor(group, variable, record=True, dt=snapshot_every,
                                                            when="start", order=-1, name=f"{group.name}_snapshots")
            monitors[key] = {
                "outputs": StateMonitor(stacks[key].layers[-1], "r", record=True, dt=PRESENTATION, when="end",
                                        name=f"{key}_outputs"),
                "forward": [snapshot(s, "w") for s in stacks[key].bottom_up] if plan.regular else [],
                "feedback": [snapshot(s, "b") for s in stacks[key].top_down] if plan.regular else [],
                "plateaus": [StateMonitor(g, "plateaus", record=True, dt=PRESENTATION, when="end",
                                          name=f"{g.name}_plateaus") for g in stacks[key].layers[:-1]]
                if record_plateaus else []}
        objects = [obj for stack in stacks.values() for obj in stack.objects]
        objects += [m for parts in monitors.values() for m in (parts["outputs"], *parts["forward"], *parts["feedback"],
                                                               *parts["plateaus"])]
        wall_time = session.run(len(plan.order) * PRESENTATION, Network(objects), description="multi-layer training")
        record = TrainingRecord(sizes=sizes, seeds=seeds, schedule=plan, labels=labels, outputs={}, forward={},
                                feedback={}, wall_time=wall_time, plateaus={})
        for key, parts in monitors.items():
            record.outputs[key] = np.asarray(parts["outputs"].r).T.reshape(len(plan.order), len(seeds), sizes[-1])
            record.forward[key] = [snapshots(m, s, "w", len(seeds)) for m, s in zip(parts["forward"], stacks[key].bottom_up)]
            record.feedback[key] = [snapshots(m, s, "b", len(seeds))
                                    for m, s in zip(parts["feedback"], stacks[key].top_down)]
            if record_plateaus:
                record.plateaus[key] = [np.asarray(m.plateaus).T.reshape(len(plan.order), len(seeds), -1)
                                        for m in parts["plateaus"]]
    return record


def snapshots(monitor, synapses, variable, n_blocks):
    """Monitor values (time, synapses) as (time, blocks, n_post, n_pre): W[l] and B[l] of ``initial_weights``."""
    return block_matrices(synapses, np.asarray(getattr(monitor, variable)).T, n_blocks)
