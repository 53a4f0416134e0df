"""Classification metrics of trained networks: accuracy per epoch and alignment of top-down with forward weights.

Reads recorded outputs and weights (arrays), runs nothing.
"""

import numpy as np
import pandas as pd

from ..parameters import ParameterError


def accuracy(outputs, images, labels):
    """Fraction of presentations whose largest output is the label: outputs (..., classes), images (...) indices."""
    outputs, images = np.asarray(outputs), np.asarray(images)
    if outputs.shape[:-1] != images.shape:
        raise ParameterError("outputs", f"'outputs' {outputs.shape} do not match the presentations {images.shape}")
    return (np.argmax(outputs, axis=-1) == np.asarray(labels)[images]).mean(axis=0)


def learning_curves(outputs, order, epoch, part, labels, seeds, method):
    """Table method, seed, epoch, part ("train": online, before each update; "test"), accuracy.

    ``outputs`` (presentations, blocks, classes), ``order`` (presentations,
    blocks) image indices, ``epoch`` and ``part`` per presentation.
    """
    rows = []
    epoch, part = np.asarray(epoch), np.asarray(part)
    for e in np.unique(epoch):
        for name in ("train", "test"):
            mask = (epoch == e) & (part == name)
            if mask.any():
                for seed, value in zip(seeds, accuracy(outputs[mask], order[mask], labels)):
                    rows.append({"method": method, "seed": int(seed), "epoch": int(e), "part": name,
                                 "accuracy": float(value)})
    return pd.DataFrame(rows)


def alignment_angle(forward, feedback):
    """Angle (deg) between the forward weights W (..., n_upper, n_lower) and the top-down B^T (B: ..., n_lower, n_upper)."""
    forward, feedback = np.asarray(forward), np.swapaxes(np.asarray(feedback), -1, -2)
    if forward.shape != feedback.shape:
        raise ParameterError("feedback", f"'feedback': top-down weights {feedback.shape} (transposed) do not match the forward "
                                         f"weights {forward.shape}")
    flat_w, flat_b = forward.reshape(*forward.shape[:-2], -1), feedback.reshape(*feedback.shape[:-2], -1)
    cosine = np.sum(flat_w * flat_b, -1) / (np.linalg.norm(flat_w, axis=-1) * np.linalg.norm(flat_b, axis=-1))
    return np.degrees(np.arccos(np.clip(cosine, -1, 1)))


def summary(curves, part="test"):
    """Mean, SD and n over seeds of the final epoch's accuracy per method (percent)."""
    final = curves[(curves["part"] == part) & (curves["epoch"] == curves["epoch"].max())]
    table = final.groupby("method", sort=False)["accuracy"].agg(["mean", "std", "count"]) * [100, 100, 1]
    return table.rename(columns={"mean": "accuracy_%", "std": "sd_%", "count": "seeds"}).reset_index()
