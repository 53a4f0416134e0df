"""Fig 4's training as rates (NumPy), with or without the noise of a presentation: the diagnosis of
docs/rao2021-fig4-datasets.md.

The same branches, initialisation (``training.initial_branch_weights``),
learning-rate schedule (eta0 -> eta0 / 6, harmonic), presentations,
initialisations, validation selection and test evaluation (``fig4.evaluate``)
as the spiking figure, with x-bar_j either the expected PSP average
(8 ms x rate_j: no noise) or 8 ms x count_j / 400 ms with count_j ~
Poisson(rate_j x 400 ms) (a presentation's noise), and the paper's update
(gated Eq 8, coarse Eq 9) or the plain D = z - q (the exact gradient, Eq 7,
for the saturating interaction). A diagnostic, not a figure: ``python -m
gatedplasticity.papers.rao2021.rate_model [--scale S]`` prints the table.
"""

import argparse

import numpy as np
import pandas as pd
from brian2 import Hz, mV, second
from scipy.special import expit

from ... import streams
from ...analysis import dlr as metrics
from ...results import Result
from . import datasets, fig4
from .parameters import BETA, CONFIGURATIONS, DATASETS, PRESENTATION, U0, VALUES
from .training import initial_branch_weights

PRESENTATION_S = float(PRESENTATION / second)  # the figure's presentation [P], in s
VARIANTS = {"poisson, paper's rule": (True, None), "rates, paper's rule": (False, None),
            "poisson, exact gradient": (True, "exact"), "rates, exact gradient": (False, "exact")}


def direction(update, z, q, f_total):
    """D of the multi-branch rules (``rules.dlr.DIRECTIONS``) for one presentation per run."""
    if update == "exact":
        return z - q
    if update == "gated":
        return ((z > 0.5) & (q < 0.9)).astype(float) - ((z < 0.5) & (q > 0.1))
    return (z * ((f_total < 0.5).astype(float) - (f_total > 1.5))
            + (1 - z) * (((f_total > 1.0) & (f_total <= 1.5)).astype(float) - ((f_total >= 0.5) & (f_total < 1.0))))


def train(name, task, presentations, initialisations, seed, noise=True, update=None):
    """Weights (initialisations, branches, 3) in mV after online training on ``task`` (a GaussianMixture)."""
    branches, interaction, rule, psi, _ = CONFIGURATIONS[name]
    update = update or rule
    weights = initial_branch_weights(initialisations, branches, U0, streams.generator(seed, "initial weights"))
    rng = streams.generator(seed, "presentations")
    x, z = task.sample(presentations * initialisations, rng)
    x, z = x.reshape(presentations, initialisations, 2), z.reshape(presentations, initialisations)
    eta0, bias = float(VALUES["fig4_eta0"] / mV), float(VALUES["fig4_bias"] / Hz)
    for step in range(presentations):
        rates = np.column_stack([np.clip(x[step], 0, None), np.full(initialisations, bias)])
        if noise:
            rates = rng.poisson(rates * PRESENTATION_S) / PRESENTATION_S
        xbar = metrics.expected_xbar(rates)
        f = expit(BETA * (np.einsum("rbd,rd->rb", weights, xbar) - U0))
        f_total = f.sum(1)
        q = metrics.branch_interaction(f_total, interaction, **psi)
        eta = eta0 / (1 + 5 * step / presentations)
        weights += eta * (direction(update, z[step], q, f_total)[:, None] * f * (1 - f))[..., None] * xbar[:, None]
    return weights


def diagnosis(scale, presentations=None, initialisations=None, seed=0):
    """Test NLL minus Bayes of the validation-selected and the median initialisation, per variant and cell."""
    presentations = presentations or VALUES["fig4_presentations"]
    initialisations = initialisations or VALUES["fig4_initialisations"]
    tasks = {dataset: datasets.mixture(dataset, scale) for dataset in DATASETS}
    rows = []
    for variant, (noise, update) in VARIANTS.items():
        for index, (name, (*_, matched)) in enumerate(CONFIGURATIONS.items()):
            cells = {d: tasks[d] for d in ([matched] if matched else DATASETS)}
            weights = np.stack([train(name, task, presentations, initialisations, streams.integer(seed, "cell", index, d),
                                      noise, update) for d, task in enumerate(cells.values())])
            table = fig4.summary(Result(name="rate model", tables={"nll": fig4.evaluate(name, weights, seed, cells)}))
            rows += [{"variant": variant, "configuration": name, "dataset": r.dataset,
                      "selected_gap": r.selected_nll - r.bayes_nll, "median_gap": r.median_nll - r.bayes_nll}
                     for r in table.itertuples()]
    return pd.DataFrame(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="the layout's scale (1: round 1's datasets)")
    args = parser.parse_args()
    table = diagnosis(args.scale)
    print(table.pivot_table(index=["configuration", "dataset"], columns="variant", values="selected_gap", sort=False)
          .to_string(float_format=lambda v: f"{v:.3f}"))
