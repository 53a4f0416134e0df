"""Fitting the BTSP rule to recorded inductions: recovery of known parameters from the shipped synthetic recordings.

The 12 shipped inductions (``recordings``: real-style paths with variable
speed and pauses, 1-8 plateaus of 100-1,000 ms, noisy smoothed ramps with
baseline offsets) were made by the model with :data:`recordings.TRUTH`.
``fitting.fit.fit`` fits k_plus, k_minus, th_plus and th_minus (differential
evolution, population 64, 30 generations, each generation one batched
compiled run). The "published" column of the comparison holds the truth of
the synthetic data; tolerances are those of docs/btsp-fitting.md, stated
before the first fit. ``--quick``: the first 6 inductions, population 32,
the full form's 30 generations (same tolerances; 12 generations stopped the
search before it converged: th_plus 0.422, see docs/btsp-fitting.md). Not a figure of the paper: the package's
fitting tool checked on data with a known answer.
"""

import tempfile

import numpy as np

from ...fitting import fit, report
from ...results import Result
from ..figure import check, check_bound, comparison
from . import recordings

PAPER = "Milstein et al. 2021, eLife 10:e73046 (the BTSP model); fitted as their recordings were, to synthetic data"
DESCRIPTION = "Fit BTSP to 12 synthetic inductions: recovery of the known parameters, loss vs published parameters"
BACKENDS = ('standalone', 'runtime')
QUICK = True
SETTINGS = {False: {"inductions": None, "population": 64, "generations": 30},
            True: {"inductions": 6, "population": 32, "generations": 30}}
#: Recovery tolerances (docs/btsp-fitting.md): relative for the rates, absolute for the thresholds.
TOLERANCES = {"k_plus": ("relative", 0.20), "k_minus": ("relative", 0.25), "th_plus": ("absolute", 0.05),
              "th_minus": ("absolute", 0.02)}


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    settings = SETTINGS[quick]
    data = recordings.load(inductions=settings["inductions"])
    with tempfile.TemporaryDirectory() as folder:
        result = fit.fit(data, folder, fitted=fit.parameters(tuple(recordings.TRUTH)), population=settings["population"],
                         generations=settings["generations"], seed=seed, backend=backend, progress=progress)
    best = {name: float(value) for name, value in result.best.items()}
    parameters = result.uncertainty.assign(fitted=[best[n] for n in result.uncertainty["parameter"]],
                                           truth=[float(recordings.TRUTH[n]) for n in result.uncertainty["parameter"]])
    return Result(name="milstein2021-fig4", tables={"parameters": parameters, "history": result.history,
                                                     "inductions": result.comparison},
                  arrays={"loss": np.array([result.loss, result.published_loss])},
                  params={**settings, "truth": recordings.TRUTH, "evaluations": result.evaluations})


def compare(data):
    rows = []
    for record in data.tables["parameters"].itertuples():
        kind, size = TOLERANCES[record.parameter]
        tolerance = size * record.truth if kind == "relative" else size
        rows.append(check(f"{record.parameter} recovered (truth of the synthetic data; +-{size:g}"
                          f"{' x truth' if kind == 'relative' else ''})", record.truth, record.fitted, tolerance))
    fitted_loss, published_loss = data.arrays["loss"]
    rows.append(check_bound("loss of the fit / loss of the published parameters (pass if < 1)", float("nan"),
                            fitted_loss / published_loss, 1.0))
    return comparison(rows)


class Fitted:
    """The parts of a FitResult the report's figure reads, rebuilt from saved tables."""

    def __init__(self, data):
        self.comparison, self.history = data.tables["inductions"], data.tables["history"]
        self.published_loss = float(data.arrays["loss"][1])


def plot(data):
    return report.plot(Fitted(data))
