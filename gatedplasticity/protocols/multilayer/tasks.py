"""Classification tasks for multi-layer networks: real digits and a 2-D task no linear read-out solves.

Inputs are rates in [0, 1] (normalised); every task adds no bias: the
network appends a constant input of rate 1 (``network``).

- :func:`digits`: scikit-learn's ``load_digits`` (1,797 real 8 x 8
  handwritten digits, shipped with scikit-learn, no download), pixels / 16,
  a fixed stratified 80/20 train/test split (``SPLIT_SEED``).
- :func:`xor_clouds`: four Gaussian clouds at (+-1, +-1) labelled by
  [x y < 0], each coordinate coded by a population of Gaussian tuning curves
  (``tuning`` per coordinate; ``tuning=None``: the two rates (x + 2) / 4).
  The code is additive in x and y and the class is not, so a linear
  read-out stays near chance.
- :func:`validation_split`: a stratified part of the training set held out
  for selecting hyperparameters (the test set is never used for that).
- :func:`class_tasks`: a dataset split into tasks by groups of classes, for
  learning one task after another (continual learning); any grouping.
"""

from dataclasses import dataclass

import numpy as np

from ... import streams
from ...parameters import ParameterError
from ..validation import positive_int

#: The fixed seed of the digits' train/test split (the same split in every run).
SPLIT_SEED = 2025


@dataclass(frozen=True)
class Dataset:
    """Train and test samples: rates (n, n_inputs) in [0, 1] and integer labels (n,) in [0, n_classes)."""

    name: str
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    n_classes: int

    def __post_init__(self):
        owner = f"dataset '{self.name}'"
        for part in ("train", "test"):
            x, y = getattr(self, f"{part}_x"), getattr(self, f"{part}_y")
            if np.ndim(x) != 2 or np.ndim(y) != 1 or len(x) != len(y) or len(y) == 0:
                raise ParameterError(f"{part}_x", f"{owner}: {part}_x must be (samples, inputs) and {part}_y "
                                                  f"(samples,) of the same length, got {np.shape(x)} and {np.shape(y)}")
            if not np.all(np.isfinite(x)):
                raise ParameterError(f"{part}_x", f"{owner}: {part}_x must be finite")
            labels = np.asarray(y)
            if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() >= self.n_classes:
                raise ParameterError(f"{part}_y", f"{owner}: {part}_y must be integers in [0, {self.n_classes})")
        if np.shape(self.train_x)[1] != np.shape(self.test_x)[1]:
            raise ParameterError("test_x", f"{owner}: train_x has {np.shape(self.train_x)[1]} inputs, "
                                           f"test_x {np.shape(self.test_x)[1]}")

    @property
    def n_inputs(self):
        return int(np.shape(self.train_x)[1])

    @property
    def images(self):
        """All samples, training then test: the image indices of ``training.schedule``."""
        return np.vstack([self.train_x, self.test_x])

    @property
    def labels(self):
        """Labels of :attr:`images`."""
        return np.concatenate([self.train_y, self.test_y])


def stratified_split(labels, fraction, generator):
    """(first, second) index arrays: ``fraction`` of every class goes to the second, the rest to the first."""
    first, second = [], []
    for label in np.unique(labels):
        members = generator.permutation(np.flatnonzero(labels == label))
        cut = int(round(fraction * len(members)))
        second.append(members[:cut])
        first.append(members[cut:])
    return np.sort(np.concatenate(first)), np.sort(np.concatenate(second))


def digits(test_fraction=0.2):
    """load_digits with pixels / 16 and a fixed stratified train/test split."""
    from sklearn.datasets import load_digits

    data = load_digits()
    train, test = stratified_split(data.target, test_fraction, streams.generator(SPLIT_SEED, "digits split"))
    x, y = data.data / 16.0, data.target.astype(int)
    return Dataset("digits", x[train], y[train], x[test], y[test], 10)


def population_code(values, tuning, low=-2.0, high=2.0, width=0.4):
    """Rates exp(-(v - c)^2 / (2 width^2)) of ``tuning`` cells per column of ``values``, centres c evenly over [low, high]."""
    centres = np.linspace(low, high, tuning)
    rates = np.exp(-(np.asarray(values)[:, :, None] - centres) ** 2 / (2 * width**2))
    return rates.reshape(len(values), -1)


def xor_clouds(n_train=800, n_test=400, spread=0.35, seed=0, tuning=10):
    """Four Gaussian clouds (SD ``spread``) at (+-1, +-1), class 1 where x y < 0, population-coded (module docstring)."""
    n_train, n_test = positive_int("n_train", n_train, "xor_clouds"), positive_int("n_test", n_test, "xor_clouds")
    if tuning is not None:
        positive_int("tuning", tuning, "xor_clouds")
    if not spread > 0:
        raise ParameterError("spread", f"xor_clouds: 'spread' must be positive, got {spread!r}")

    def sample(n, part):
        generator = streams.generator(seed, "xor clouds", part)
        corners = generator.integers(0, 4, n)
        centres = np.stack([np.where(corners % 2, 1.0, -1.0), np.where(corners // 2, 1.0, -1.0)], axis=1)
        points = centres + spread * generator.standard_normal((n, 2))
        rates = np.clip((points + 2) / 4, 0, 1) if tuning is None else population_code(points, tuning)
        return rates, (np.prod(centres, axis=1) < 0).astype(int)

    return Dataset("xor clouds", *sample(n_train, 0), *sample(n_test, 1), 2)


def validation_split(dataset, fraction=0.2, seed=0):
    """The dataset with a stratified ``fraction`` of its training set as the test set (for model selection)."""
    if not 0 < fraction < 1:
        raise ParameterError("fraction", f"validation_split: 'fraction' must be in (0, 1), got {fraction!r}")
    train, held = stratified_split(dataset.train_y, fraction, streams.generator(seed, "validation split"))
    return Dataset(f"{dataset.name} (validation)", dataset.train_x[train], dataset.train_y[train],
                   dataset.train_x[held], dataset.train_y[held], dataset.n_classes)


def class_tasks(dataset, groups):
    """One Dataset per group of classes (e.g. ``[(0, 1), (2, 3), ...]``), in the order given: the samples of those
    classes, labels unchanged (one output per class of the whole dataset: class-incremental learning).

    Refuses by name: no groups, an empty group, a class that is not an integer in [0, n_classes), a class in two
    groups, a class without training or test samples.
    """
    owner = f"class_tasks of '{dataset.name}'"
    groups = [tuple(group) if np.ndim(group) else (group,) for group in groups]
    if not groups:
        raise ParameterError("groups", f"{owner}: give at least one group of classes")
    seen = {}
    for index, group in enumerate(groups):
        if not group:
            raise ParameterError("groups", f"{owner}: group {index} is empty")
        for label in group:
            if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < dataset.n_classes:
                raise ParameterError("groups", f"{owner}: group {index} holds {label!r}; classes are integers in "
                                               f"[0, {dataset.n_classes})")
            if int(label) in seen:
                raise ParameterError("groups", f"{owner}: class {int(label)} is in groups {seen[int(label)]} and {index}")
            seen[int(label)] = index
    tasks = []
    for index, group in enumerate(groups):
        chosen = [int(label) for label in group]
        for part in ("train", "test"):
            labels = getattr(dataset, f"{part}_y")
            empty = [label for label in chosen if not np.any(labels == label)]
            if empty:
                raise ParameterError("groups", f"{owner}: class {empty[0]} has no {part} samples")
        pick = lambda part: np.isin(getattr(dataset, f"{part}_y"), chosen)
        train, test = pick("train"), pick("test")
        tasks.append(Dataset(f"{dataset.name} task {index} (classes {', '.join(map(str, chosen))})",
                             dataset.train_x[train], dataset.train_y[train], dataset.test_x[test],
                             dataset.test_y[test], dataset.n_classes))
    return tasks
