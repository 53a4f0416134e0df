"""Study: dendrite-gated credit assignment against backprop on real handwritten digits (load_digits).

64-64-10 networks, 20 online epochs, 5 seeds; every compiled method in one
Brian2 network, backprop as a NumPy MLP with the same architecture,
initialisation, sample order and weight decay. Learning rate and plateau
parameters were selected on a validation part of the training set
(docs/multilayer-study.md), never on the test set. The "published" column
holds the reference each target is relative to (backprop's accuracy, or
the better dendritic rule's); the tolerance column holds the bound.
``--quick``: seeds 0 and 1, 10 epochs, same targets. ``--seed`` N > 0 draws the
study's seeds from N's streams (seed 0: the registered seeds 0-4).
"""

from ...protocols.multilayer import tasks
from ..figure import check_bound, comparison, row
from . import study
from .parameters import VALUES

PAPER = "gatedplasticity study (after Sacramento et al. 2018, Galloni et al. 2025, Lillicrap et al. 2016, Milstein et al. 2021)"
DESCRIPTION = "Digits: dendritic target propagation and plateau-gated learning vs backprop, feedback alignment, output-only"
BACKENDS = ("standalone", "runtime")
QUICK = True


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Train every method on digits with the study's seeds of ``seed`` (``study.settings``)."""
    seeds, epochs = study.settings(seed, quick)
    return study.run("gatedplasticity2026-fig1", tasks.digits(), VALUES["digits_sizes"], seeds, epochs, backend)


def compare(data):
    """The study's registered digits targets (docs/multilayer-study.md; also used by fig3, two hidden layers)."""
    backprop, target, plateau = (study.accuracy_of(data, m) for m in ("backprop", "target", "plateau"))
    output_only, ungated = study.accuracy_of(data, "output_only"), study.accuracy_of(data, "plateau_ungated")
    best = min(target, plateau)
    return comparison([
        check_bound("target propagation test accuracy (%) >= backprop - 2", backprop, target, backprop - 2, upper=False),
        check_bound("plateau-gated test accuracy (%) >= backprop - 5", backprop, plateau, backprop - 5, upper=False),
        check_bound("output-only test accuracy (%) <= min(target propagation, plateau-gated) - 3", best, output_only,
                    best - 3),
        row("plateau rule: gated minus ungated accuracy (points), pass if > 0", float("nan"), plateau - ungated, 0,
            plateau - ungated > 0),
    ])


def plot(data):
    return study.plot(data, "digits (64-64-10)")
