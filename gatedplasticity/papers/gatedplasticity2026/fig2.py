"""Study: a 2-D task no linear read-out solves (XOR clouds), dendrite-gated credit assignment vs backprop.

20-32-2 networks (each coordinate coded by 10 Gaussian tuning curves), 20
online epochs, 5 seeds, the parameters selected on the
digits' validation data (this task was never used for selection). The
linear limit is a logistic-regression read-out of the same input rates
(scikit-learn), fitted on the training set and scored on the test set. A
first design with two input rates was learned by no method, backprop
included (docs/multilayer-study.md, XOR round 1).
``--quick``: seeds 0 and 1, 10 epochs, same targets.
"""

from sklearn.linear_model import LogisticRegression

from ...protocols.multilayer import tasks
from ..figure import check_bound, comparison
from . import study
from .parameters import VALUES

PAPER = "gatedplasticity study (after Sacramento et al. 2018, Galloni et al. 2025, Lillicrap et al. 2016)"
DESCRIPTION = "XOR clouds: gated dendritic rules vs backprop and output-only learning near the linear limit"
BACKENDS = ("standalone", "runtime")
QUICK = True


def linear_limit(dataset):
    """Test accuracy of a logistic-regression read-out of the inputs."""
    model = LogisticRegression().fit(dataset.train_x, dataset.train_y)
    return float(model.score(dataset.test_x, dataset.test_y))


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Train every method on the XOR clouds (data seed 0, as designed) with the study's seeds of ``seed``."""
    seeds, epochs = study.settings(seed, quick)
    dataset = tasks.xor_clouds(spread=VALUES["xor_spread"], seed=0, tuning=VALUES["xor_tuning"])
    return study.run("gatedplasticity2026-fig2", dataset, VALUES["xor_sizes"], seeds, epochs, backend,
                     linear=linear_limit(dataset))


def compare(data):
    linear = 100 * float(data.arrays["linear_accuracy"][0])
    target, plateau, output_only = (study.accuracy_of(data, m) for m in ("target", "plateau", "output_only"))
    return comparison([
        check_bound("target propagation test accuracy (%) >= 95", 95, target, 95, upper=False),
        check_bound("plateau-gated test accuracy (%) >= 95", 95, plateau, 95, upper=False),
        check_bound("output-only test accuracy (%) <= linear read-out + 10", linear, output_only, linear + 10),
    ])


def plot(data):
    return study.plot(data, "XOR clouds (20-32-2, population code)")
