"""Rao et al. 2021, Fig 4 / Table 2: multiple interacting branches learn OR, AND and XOR distributions.

Inputs [x1, x2, 20 Hz bias] as Poisson trains (400 ms), the same to every
branch; weights unconstrained in sign [P]. Five configurations [P]:
2 branches saturating theta = 0.6 (OR), 2 saturating theta = 1.2 (AND),
2 soft-XOR (theta = 0.5, dtheta = 1, alpha = 8), 4 saturating theta = 1.4,
6 saturating theta = 2.1; saturating alpha = 12. Saturating configurations
learn with the gated rule (Eq 8, q+ = 0.9, q- = 0.1), soft-XOR with the
coarse rule (Eq 9) [P].

Datasets [R] (``parameters.TABLE``, ``datasets``): four isotropic clusters,
SD 25.2 Hz, at 78 / 162 Hz on each axis, equal priors; labels OR 0,1,1,1;
AND 0,0,0,1; XOR 0,1,1,0. The scale (round 2 of the reconstruction,
docs/rao2021-fig4-datasets.md) keeps the noise of a 400-ms presentation from
costing the ideal learner more than 0.02 nats; round 1's clusters (SD 12 Hz
at 100 / 140 Hz) were narrower than that noise.

Initial weights [P]: per branch a hyperplane w . xbar = u0 through a point
drawn from U[110, 130]^2 Hz with a random unit normal h, w_x = c h with
c = INIT_SLOPE [R: the paper gives no scale].

Training [R]: online, one spiking presentation per sample, eta0 = 1.8 mV ->
eta0 / 6 harmonic over PRESENTATIONS. Online training from random
hyperplanes often ends with a dead branch (f ~ 0 on all data, so
f (1 - f) ~ 0 stops its learning) or a branch turned the wrong way. We
therefore train INITIALISATIONS independent initialisations per
configuration and dataset (batched: one learner neuron each, all in one
compiled network per configuration) and report both the median over
initialisations and the initialisation selected by NLL on a validation
sample, evaluated on a separate test sample (expected PSP averages,
rates x 8 ms), next to the Bayes-optimal NLL.

``--quick``: fewer configurations, never fewer initialisations or
presentations per learner: the three 2-branch configurations (the paper's
Fig 4B) on all three datasets, and the rows about them.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from brian2 import Hz

from ... import streams
from ...analysis import dlr as metrics
from ...results import Result
from ..figure import check_bound, comparison, style
from .parameters import (
    BETA,
    CONFIGURATIONS,
    DATASETS,
    DT,
    PRESENTATION,
    U0,
    VALUES,
    mixture,
)
from .training import train_branches

PAPER = "Rao, Legenstein, Subramoney & Maass 2021, bioRxiv 10.1101/2021.03.04.433822"
DESCRIPTION = "Several interacting branches (saturating, soft-XOR) learn OR, AND and XOR distributions (Fig 4, Table 2)"
BACKENDS = ('standalone', 'runtime')
QUICK = True
EVALUATION_SAMPLES = 4000
BIAS = VALUES["fig4_bias"]


#: The configurations of the quick form: the 2-branch ones (Fig 4B).
QUICK_CONFIGURATIONS = tuple(name for name, (branches, *_) in CONFIGURATIONS.items() if branches == 2)


def setup(quick):
    """Presentations and initialisations per learner (the same in both forms) and the configurations run."""
    return {"presentations": VALUES["fig4_presentations"], "initialisations": VALUES["fig4_initialisations"],
            "configurations_run": list(QUICK_CONFIGURATIONS if quick else CONFIGURATIONS)}


def evaluate(name, weights, seed, tasks=None):
    """Per dataset and initialisation: NLL on a validation and a test sample, and the Bayes NLL.

    ``tasks``: {dataset: GaussianMixture} (default: the figure's datasets)."""
    branches, interaction, _, psi, _ = CONFIGURATIONS[name]
    tasks = tasks or {dataset: mixture(dataset) for dataset in DATASETS}
    rows = []
    for d, (dataset, task) in enumerate(tasks.items()):
        for split in ("validation", "test"):
            x, z = task.sample(EVALUATION_SAMPLES, streams.generator(seed, f"{split} sample", d))
            features = metrics.expected_xbar(np.column_stack([x, np.full(len(x), float(BIAS / Hz))]))
            q = metrics.multi_branch_predictions(weights[d], features, BETA, U0, interaction, **psi)
            for init, value in enumerate(metrics.nll(q, z)):
                rows.append({"configuration": name, "dataset": dataset, "initialisation": init, "split": split,
                             "nll": float(value), "bayes_nll": float(metrics.nll(task.posterior(x), z))})
    return pd.DataFrame(rows)


def summary(data):
    """Per configuration and dataset: median test NLL, the test NLL of the validation-selected initialisation, Bayes NLL."""
    table = data.tables["nll"].pivot_table(index=["configuration", "dataset", "initialisation"], columns="split",
                                           values=["nll", "bayes_nll"])
    rows = []
    for (name, dataset), group in table.groupby(level=[0, 1], sort=False):
        selected = group[("nll", "validation")].idxmin()
        rows.append({"configuration": name, "dataset": dataset, "median_nll": group[("nll", "test")].median(),
                     "selected_nll": group.loc[selected, ("nll", "test")],
                     "bayes_nll": group[("bayes_nll", "test")].iloc[0]})
    return pd.DataFrame(rows)


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Train every configuration on OR, AND and XOR; evaluate NLL against Bayes-optimal."""
    config = setup(quick)
    tables, arrays = [], {}
    for index, name in enumerate(CONFIGURATIONS):
        if name not in config["configurations_run"]:
            continue
        weights = train_branches(name, config["presentations"], config["initialisations"],
                                 streams.integer(seed, "configuration", index), backend, progress)
        tables.append(evaluate(name, weights, seed))
        arrays[f"weights_{index}"] = weights
    return Result(
        name="rao2021-fig4", tables={"nll": pd.concat(tables, ignore_index=True)}, arrays=arrays,
        params={**config, "eta0": VALUES["fig4_eta0"], "eta_final": VALUES["fig4_eta0"] / 6, "bias": BIAS,
                "presentation": PRESENTATION, "dt": DT, "init_slope_mV": VALUES["fig4_init_slope"], "beta_per_mV": BETA, "u0_mV": U0, "evaluation_samples": EVALUATION_SAMPLES,
                "configurations": {name: [b, i, r, p, m] for name, (b, i, r, p, m) in CONFIGURATIONS.items()},
                "scale": VALUES["fig4_scale"], "cluster_means_Hz": mixture("OR").means, "cluster_sd_Hz": mixture("OR").sds[0, 0],
                "labels": DATASETS},
    )


def compare(data):
    """The qualitative pattern of Table 2 and each matched configuration within 0.05 nats of Bayes (selected
    initialisation); rows about the configurations that ran (``--quick``: the 2-branch ones)."""
    results = summary(data).set_index(["configuration", "dataset"])
    table, bayes = results["selected_nll"], results["bayes_nll"]
    names = list(CONFIGURATIONS)
    ran = set(results.index.get_level_values(0))
    rows = []
    for name, (*_, matched) in CONFIGURATIONS.items():
        if name not in ran:
            continue
        for dataset in [matched] if matched else DATASETS:
            gap = table[name, dataset] - bayes[name, dataset]
            rows.append(check_bound(f"{name} on {dataset}: NLL minus Bayes (nats; pass if <= 0.05)", float("nan"), gap, 0.05))
    two_branch = names[:3]
    for dataset, best in (("OR", names[0]), ("AND", names[1]), ("XOR", names[2])):
        others = min(table[n, dataset] for n in two_branch if n != best)
        rows.append(check_bound(f"{best} beats the other 2-branch configurations on {dataset} (NLL difference; pass if < 0)",
                                float("nan"), table[best, dataset] - others, 0.0))
    xor_margin = table[names[2], "XOR"] - min(table[names[0], "XOR"], table[names[1], "XOR"])
    rows.append(check_bound("soft-XOR much better than saturating on XOR (NLL difference; pass if <= -0.1)",
                            float("nan"), xor_margin, -0.1))
    return comparison(rows)


def plot(data):
    """A: selected-initialisation NLL per configuration and dataset vs Bayes; B-D: q maps of the matched 2-branch configurations."""
    table = summary(data)
    names = list(CONFIGURATIONS)
    task = mixture("OR")
    low, high = max(0.0, task.means.min() - 3 * task.sds.max()), task.means.max() + 3 * task.sds.max()  # Hz
    grid = np.linspace(low, high, 121)
    g1, g2 = np.meshgrid(grid, grid)
    features = metrics.expected_xbar(np.column_stack([g1.ravel(), g2.ravel(), np.full(g1.size, float(BIAS / Hz))]))
    beta, u0 = data.params["beta_per_mV"], data.params["u0_mV"]
    with style():
        figure, axes = plt.subplots(1, 4, figsize=(15, 3.4))
        ax = axes[0]
        width = 0.15
        for k, name in enumerate(n for n in names if n in set(table["configuration"])):
            values = table[table["configuration"] == name].set_index("dataset").loc[list(DATASETS), "selected_nll"]
            ax.bar(np.arange(3) + (k - 2) * width, values, width, label=name)
        bayes = table.drop_duplicates("dataset").set_index("dataset").loc[list(DATASETS), "bayes_nll"]
        ax.plot(np.arange(3), bayes, "k_", ms=30, mew=2, label="Bayes-optimal")
        ax.set(xticks=range(3), xticklabels=list(DATASETS), ylabel="test NLL (nats)", title="A  NLL per configuration")
        ax.set_ylim(0, 1.45 * ax.get_ylim()[1])  # room for the legend above the bars
        ax.legend(fontsize=6, ncol=2, loc="upper center", markerscale=0.4)
        for ax, (k, dataset) in zip(axes[1:], enumerate(DATASETS)):
            name = names[k]
            branches, interaction, _, psi, _ = CONFIGURATIONS[name]
            nll = data.tables["nll"]
            validation = nll[(nll["configuration"] == name) & (nll["dataset"] == dataset) & (nll["split"] == "validation")]
            selected = int(validation.loc[validation["nll"].idxmin(), "initialisation"])
            weights = data.arrays[f"weights_{k}"][k, selected]
            q = metrics.multi_branch_predictions(weights, features, beta, u0, interaction, **psi).reshape(g1.shape)
            image = ax.imshow(q, origin="lower", extent=(low, high, low, high), vmin=0, vmax=1, cmap="viridis")
            x, z = mixture(dataset).sample(300, np.random.default_rng(5))
            ax.scatter(*x.T, c=np.where(z > 0, "w", "k"), s=3)
            ax.set(title=f"{'BCD'[k]}  {name} on {dataset}: q", xlabel="x1 (Hz)", ylabel="x2 (Hz)")
        figure.colorbar(image, ax=axes[3], fraction=0.046)
        figure.tight_layout()
    return figure
