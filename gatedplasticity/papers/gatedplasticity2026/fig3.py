"""Study: learning across two hidden layers on digits, top-down feedback onto both (64-64-64-10).

The output projects onto the apical dendrites of hidden layer 2 and hidden
layer 2 onto those of hidden layer 1, so hidden layer 1 learns from a signal
that has passed two dendrites. Same methods, seeds, epochs and selected
values as fig1 (nothing re-selected for depth), the same targets; the
alignment of both top-down projections is reported. Registered in
docs/multilayer-study.md after the one-layer results, before this ran.
``--quick``: seeds 0 and 1, 10 epochs.
"""

from ...protocols.multilayer import tasks
from . import study
from .fig1 import compare
from .parameters import VALUES

PAPER = "gatedplasticity study (after Sacramento et al. 2018, Galloni et al. 2025, Akrout et al. 2019)"
DESCRIPTION = "Digits with two hidden layers: dendritic credit assignment across layers vs backprop"
BACKENDS = ("standalone", "runtime")
QUICK = True

__all__ = ["PAPER", "DESCRIPTION", "BACKENDS", "QUICK", "simulate", "plot", "compare"]


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Train every method on digits with two hidden layers, with the study's seeds of ``seed``."""
    seeds, epochs = study.settings(seed, quick)
    return study.run("gatedplasticity2026-fig3", tasks.digits(), VALUES["deep_sizes"], seeds, epochs, backend)


def plot(data):
    return study.plot(data, "digits, two hidden layers (64-64-64-10)")
