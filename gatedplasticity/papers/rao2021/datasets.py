"""Fig 4's datasets: the scale of the four-cluster layout, chosen by the rule stated in docs/rao2021-fig4-datasets.md.

The datasets are lost [R]. Round 1 put four isotropic clusters at 100 / 140 Hz
with SD 12 Hz, narrower than the noise of one 400-ms Poisson presentation, so
no learner of presentations could approach the Bayes NLL of the rates.
Round 2 scales that layout about (120, 120) Hz (means 120 +- 20 s Hz, SD 12 s
Hz; the rate tasks' Bayes NLLs do not depend on s) and takes the smallest s
of :data:`SCALES` (round 2, then round 2b's finer grid) whose *presentation cost* (the rate NLL of the ideal
learner of presentations, p(z | rates seen through Poisson counts), minus the
Bayes NLL) is at most :data:`MAX_COST` nats on every dataset, with fewer than
:data:`MAX_NEGATIVE` of the rates below 0. ``python -m
gatedplasticity.papers.rao2021.datasets`` prints every candidate.
"""

import numpy as np
import pandas as pd

from ... import streams
from ...analysis import dlr as metrics
from ...protocols import GaussianMixture

#: [P] labels of the four clusters (low-low, low-high, high-low, high-high) per dataset.
DATASETS = {"OR": [0, 1, 1, 1], "AND": [0, 0, 0, 1], "XOR": [0, 1, 1, 0]}
CENTRE, HALF_SEPARATION, SD = 120.0, 20.0, 12.0  # Hz at scale 1 (round 1's layout)
#: Round 2's grid, then round 2b's finer grid between 2 and 2.5 (round 2 admitted none).
SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 2.05, 2.1, 2.15, 2.2, 2.25, 2.3, 2.35, 2.4, 2.45)
MAX_COST = 0.02  # nats
MAX_NEGATIVE = 0.001  # fraction of sampled rates below 0
PRESENTATION_S = 0.4  # [P] 400 ms
SAMPLES = 20_000


def layout(scale):
    """(cluster means (4, 2) Hz, SD Hz) of the layout at ``scale``."""
    low, high = CENTRE - HALF_SEPARATION * scale, CENTRE + HALF_SEPARATION * scale
    return np.array([[low, low], [low, high], [high, low], [high, high]]), SD * scale


def mixture(dataset, scale):
    """The task ``dataset`` (OR, AND, XOR) at ``scale``: equal priors, isotropic clusters."""
    means, sd = layout(scale)
    return GaussianMixture(means=means, sds=np.full((4, 2), sd), angles=np.zeros(4), priors=np.full(4, 0.25),
                           labels=DATASETS[dataset])


def candidate(scale, seed=0):
    """One row per dataset: Bayes NLL of the rates, the ideal presentation learner's NLL, their difference."""
    rows = []
    for index, dataset in enumerate(DATASETS):
        task = mixture(dataset, scale)
        x, z = task.sample(SAMPLES, streams.generator(seed, "dataset calibration", index))
        bayes = float(metrics.nll(task.posterior(x), z))
        presented = float(metrics.nll(task.presented_posterior(np.clip(x, 0, None), PRESENTATION_S), z))
        rows.append({"scale": scale, "dataset": dataset, "bayes_nll": bayes, "presented_nll": presented,
                     "presentation_cost": presented - bayes, "negative_fraction": float(np.mean(x < 0))})
    return rows


def calibration(seed=0):
    """Every candidate scale, with its admissibility."""
    table = pd.DataFrame([row for scale in sorted(SCALES) for row in candidate(scale, seed)])
    worst = table.groupby("scale").agg(cost=("presentation_cost", "max"), negative=("negative_fraction", "max"))
    table["admissible"] = table["scale"].map((worst["cost"] <= MAX_COST) & (worst["negative"] < MAX_NEGATIVE))
    return table


def choose(table):
    """The smallest admissible scale; if none is, the smallest worst-case cost among the scales that meet the
    negative-rate filter (round 2b's fallback)."""
    admissible = table.loc[table["admissible"], "scale"]
    if len(admissible):
        return float(admissible.min())
    worst = table.groupby("scale").agg(cost=("presentation_cost", "max"), negative=("negative_fraction", "max"))
    return float(worst[worst["negative"] < MAX_NEGATIVE]["cost"].idxmin())


if __name__ == "__main__":
    table = calibration()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(f"chosen scale: {choose(table)}")
