"""Continual-learning metrics from an accuracy matrix (reads results, runs nothing).

``accuracy[i, j]``: accuracy (fraction in [0, 1]) on task j's test samples
after training on tasks 0..i, one task after another (T x T; entries for
tasks not yet seen, j > i, are allowed and ignored by the forgetting).

- :func:`average_accuracy`: mean over all tasks after the last one.
- :func:`forgetting`: per earlier task j < T - 1, its best accuracy after
  any task from j to T - 2 minus its final accuracy (Chaudhry et al. 2018,
  ECCV, "Riemannian walk"); :func:`mean_forgetting` averages them.

From a recorded sequential run (``protocols.multilayer.continual``):

- :func:`accuracy_matrices`: one matrix per block, task-incremental (the
  larger of the task's own outputs) or class-incremental (all outputs);
- :func:`open_fraction`: the share of hidden neuron-presentations with a
  plateau while each task is learnt.
"""

import numpy as np

from ..parameters import ParameterError


def checked(accuracy):
    """The accuracy matrix as a float array, or ParameterError naming what is wrong."""
    matrix = np.asarray(accuracy, float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ParameterError("accuracy", f"the accuracy matrix must be tasks x tasks, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)) or matrix.min() < 0 or matrix.max() > 1:
        raise ParameterError("accuracy", "accuracies must be finite fractions in [0, 1]")
    return matrix


def average_accuracy(accuracy):
    """Mean accuracy over every task after the last one."""
    return float(checked(accuracy)[-1].mean())


def forgetting(accuracy):
    """Per earlier task (T - 1 values): best accuracy after learning it (before the last task) minus the final one."""
    matrix = checked(accuracy)
    tasks = len(matrix)
    return np.array([matrix[j:tasks - 1, j].max() - matrix[-1, j] for j in range(tasks - 1)])


def mean_forgetting(accuracy):
    """Mean of :func:`forgetting` (0 for a single task)."""
    values = forgetting(accuracy)
    return float(values.mean()) if len(values) else 0.0


SCENARIOS = ("task", "class")


def accuracy_matrices(outputs, order, epoch, part, labels, groups, scenario="task"):
    """(blocks, T, T): accuracy on task j's test images in the test after task i (``epoch`` i + 1).

    ``outputs`` (presentations, blocks, classes), ``order`` (presentations,
    blocks) image indices, ``epoch`` / ``part`` per presentation, ``groups``
    the classes of each task; ``scenario`` "task": a prediction is the
    largest of the task's own outputs, "class": the largest of all.
    """
    if scenario not in SCENARIOS:
        raise ParameterError("scenario", f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    outputs, order, labels = np.asarray(outputs), np.asarray(order), np.asarray(labels)
    epoch, part = np.asarray(epoch), np.asarray(part)
    matrices = np.full((outputs.shape[1], len(groups), len(groups)), np.nan)
    for after in range(len(groups)):
        rows = np.flatnonzero((epoch == after + 1) & (part == "test"))
        if not len(rows):
            raise ParameterError("epoch", f"no test after task {after} in the recorded schedule")
        for task, group in enumerate(groups):
            classes = np.atleast_1d(group)
            scored = np.zeros(outputs.shape[-1], bool)
            scored[classes if scenario == "task" else slice(None)] = True
            values = np.where(scored, outputs[rows], -np.inf)
            images = order[rows]
            mine = np.isin(labels[images], classes)
            correct = (np.argmax(values, axis=-1) == labels[images]) & mine
            matrices[:, after, task] = correct.sum(0) / mine.sum(0)
    return matrices


def open_fraction(counts, epoch, part):
    """(tasks, blocks): plateaus per hidden neuron and training presentation while task t is learnt.

    ``counts`` (presentations, blocks, neurons): cumulative plateau counts at the end of each presentation.
    """
    counts, epoch, part = np.asarray(counts, float), np.asarray(epoch), np.asarray(part)
    fractions = []
    for task in np.unique(epoch[part == "train"]):
        rows = np.flatnonzero((epoch == task) & (part == "train"))
        before = counts[rows[0] - 1] if rows[0] > 0 else np.zeros(counts.shape[1:])
        fractions.append((counts[rows[-1]] - before).mean(-1) / len(rows))
    return np.array(fractions)
