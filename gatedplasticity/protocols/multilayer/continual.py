"""Learning tasks one after another, or from a few examples: schedules and the top-down context of each task.

- :func:`sequential_schedule`: one pass over each task's training samples
  in turn (shuffled per task and seed), the whole test set before the first
  task and after each one; ``epoch`` of the schedule is the number of tasks
  learnt (0 before the first).
- :func:`few_shot_schedule`: ``shots`` training samples per class (of
  ``classes``, default all), drawn
  per seed (stream "few-shot", shots), presented once in shuffled order,
  the whole test set before and after (``epoch`` 0 and 1).
- :class:`Contexts`: the context (task identity) of every image, as one-hot
  context units, and the fixed binary context projection onto the apical
  dendrites of context-gated hidden neurons: each (neuron, context) weight
  is 1 with probability ``fraction`` (stream "context projection" of the
  block's seed, index: hidden layer).
"""

from dataclasses import dataclass

import numpy as np

from ... import streams
from ...parameters import ParameterError
from ..validation import positive_int
from .tasks import class_tasks
from .training import Schedule


def group_indices(dataset, groups, part):
    """Per group, the indices of ``part`` ("train" or "test") samples whose class is in it (groups checked by
    ``tasks.class_tasks``)."""
    class_tasks(dataset, groups)
    labels = getattr(dataset, f"{part}_y")
    return [np.flatnonzero(np.isin(labels, np.atleast_1d(group))) for group in groups]


def sequential_schedule(dataset, groups, seeds):
    """The :class:`~gatedplasticity.protocols.multilayer.training.Schedule` that learns the tasks of ``groups`` one after another (module docstring)."""
    n_train, n_test = len(dataset.train_y), len(dataset.test_y)
    test = np.arange(n_train, n_train + n_test)
    parts, sizes, labels = [np.repeat(test[:, None], len(seeds), 1)], [n_test], ["test"]
    for task, members in enumerate(group_indices(dataset, groups, "train")):
        shuffled = [members[streams.generator(seed, "sample order", task).permutation(len(members))] for seed in seeds]
        parts += [np.stack(shuffled, 1), np.repeat(test[:, None], len(seeds), 1)]
        sizes += [len(members), n_test]
        labels += ["train", "test"]
    return Schedule(order=np.concatenate(parts), learning=np.repeat([float(p == "train") for p in labels], sizes),
                    epoch=np.repeat([0] + [t + 1 for t in range(len(groups)) for _ in (0, 1)], sizes),
                    part=np.repeat(labels, sizes), n_train=n_train, n_test=n_test)


def few_shot_schedule(dataset, shots, seeds, classes=None):
    """The :class:`~gatedplasticity.protocols.multilayer.training.Schedule` of one pass over ``shots`` samples per class (module docstring)."""
    shots = positive_int("shots", shots, "few_shot_schedule")
    n_train, n_test = len(dataset.train_y), len(dataset.test_y)
    if classes is not None:
        class_tasks(dataset, [classes])  # refuses bad classes by name
    labels = range(dataset.n_classes) if classes is None else classes
    members_of = {label: np.flatnonzero(dataset.train_y == label) for label in labels}
    short = [label for label, members in members_of.items() if len(members) < shots]
    if short:
        raise ParameterError("shots", f"few_shot_schedule: class {short[0]} has fewer than {shots} training samples")
    classes = list(members_of.values())
    chosen = []
    for seed in seeds:
        generator = streams.generator(seed, "few-shot", shots)
        picked = np.concatenate([generator.choice(members, shots, replace=False) for members in classes])
        chosen.append(generator.permutation(picked))
    test = np.repeat(np.arange(n_train, n_train + n_test)[:, None], len(seeds), 1)
    sizes, labels = [n_test, len(chosen[0]), n_test], ["test", "train", "test"]
    return Schedule(order=np.concatenate([test, np.stack(chosen, 1), test]),
                    learning=np.repeat([0.0, 1.0, 0.0], sizes), epoch=np.repeat([0, 1, 1], sizes),
                    part=np.repeat(labels, sizes), n_train=n_train, n_test=n_test)


@dataclass(frozen=True)
class Contexts:
    """Context ``task_of[image]`` (-1: none) of every image of ``dataset.images``, ``n_contexts`` context units,
    and the probability ``fraction`` that a hidden neuron receives a given context."""

    task_of: np.ndarray
    n_contexts: int
    fraction: float

    def __post_init__(self):
        if not 0 < self.fraction <= 1:
            raise ParameterError("fraction", f"contexts: 'fraction' must be in (0, 1], got {self.fraction!r}")

    def weights(self, seed, width, layer=0):
        """The (width, n_contexts) 0/1 context projection onto hidden layer ``layer + 1`` of block ``seed``."""
        draws = streams.generator(seed, "context projection", layer).random((width, self.n_contexts))
        return (draws < self.fraction).astype(float)

    def one_hot(self, image):
        """The context units' rates for ``image`` (zeros for an image without context)."""
        rates = np.zeros(self.n_contexts)
        if self.task_of[image] >= 0:
            rates[self.task_of[image]] = 1.0
        return rates


def contexts(dataset, groups, fraction=0.2):
    """:class:`Contexts` in which every image's context is the index of its class's group (task identity)."""
    task_of = np.full(len(dataset.labels), -1)
    for task, group in enumerate(groups):
        task_of[np.isin(dataset.labels, np.atleast_1d(group))] = task
    class_tasks(dataset, groups)
    return Contexts(task_of=task_of, n_contexts=len(groups), fraction=float(fraction))
