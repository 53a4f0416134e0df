"""Continual-learning metrics from an accuracy matrix (reads results, runs nothing).

``accuracy[i, j]``: accuracy (fraction in [0, 1]) on task j's test samples
after training on tasks 0..i, one task after another (T x T; entries for
tasks not yet seen, j > i, are allowed and ignored by the forgetting).

- :func:`average_accuracy`: mean over all tasks after the last one.
- :func:`forgetting`: per earlier task j < T - 1, its best accuracy after
  any task from j to T - 2 minus its final accuracy (Chaudhry et al. 2018,
  ECCV, "Riemannian walk"); :func:`mean_forgetting` averages them.
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
