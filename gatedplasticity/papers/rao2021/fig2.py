"""Rao et al. 2021, Fig 2: DLR learns p(z | x) on overlapping Gaussian clusters.

Two labelled 2-D Gaussian clusters of input rates (+ a 40 Hz bias input),
400 ms Poisson presentations, Ca2+ spike (z = 1) enabled by an instructive
kick to the apical branch. All runs are batched in one network (one learner
neuron per run) and compiled as one C++ program. Weights are recorded every
``RECORD_EVERY`` presentations; NLL and 0/1 error are evaluated on the
expected branch potential (rates x 8 ms) of a fixed sample of the task,
against exact logistic regression fitted to that sample (the gold standard),
the Bayes-optimal posterior, and the perceptron (Eq 24) on the same stream of
tasks. The paper evaluates on its training data; samples here are drawn
fresh every presentation, so a large sample of the same distribution stands
in for it.

Values: ``parameters.TABLE`` (the clusters are [R], calibrated so that
exact logistic regression reaches 0.361 nats, as in the paper).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.special import expit

from ... import streams
from ...analysis import dlr as metrics
from ...protocols import GaussianMixture
from ...results import Result
from ...rules import dlr
from ..figure import check, check_bound, comparison, style
from .parameters import BETA, DT, MIXTURE, PRESENTATION, U0, VALUES
from .training import features, initial_weights, train_single_branch, with_bias

PAPER = "Rao, Legenstein, Subramoney & Maass 2021, bioRxiv 10.1101/2021.03.04.433822"
DESCRIPTION = "DLR vs logistic regression vs perceptron on overlapping 2-D Gaussian clusters (Fig 2)"
BACKENDS = ('standalone', 'runtime')
QUICK = True
RECORD_EVERY = 100
EVALUATION_SAMPLES = 10_000
BIAS, PERCEPTRON_ETA0 = VALUES["fig2_bias"], VALUES["perceptron_eta0"]


def setup(quick):
    """``quick``: 20 instead of 100 runs; the same 30,000 presentations and schedule."""
    return {"runs": VALUES["fig2_quick_runs" if quick else "fig2_runs"], "presentations": VALUES["fig2_presentations"],
            "record_every": RECORD_EVERY}


def simulate(seed=0, quick=False, backend="standalone", progress=True, task=None):
    """Train DLR (spiking) and the perceptron; evaluate against logistic regression. ``task``: another
    ``protocols.GaussianMixture`` of two labelled classes (default: the paper's clusters, ``MIXTURE``)."""
    task = task or MIXTURE
    config = setup(quick)
    history = train_single_branch(config["runs"], config["presentations"], config["record_every"], seed, backend,
                                  progress, task=task)
    x_eval, z_eval = task.sample(EVALUATION_SAMPLES, streams.generator(seed, "evaluation sample"))
    eval_features = features(x_eval)
    coefficients, intercept, nll_lr = metrics.fit_logistic_regression(eval_features[:, :2], z_eval)
    posterior = task.posterior(x_eval)

    runs, n = config["runs"], config["presentations"]
    stream, labels = task.sample(runs * n, streams.generator(seed, "perceptron stream"))
    patterns = with_bias(stream).reshape(runs, n, 3)
    perceptron = metrics.perceptron(patterns, labels.reshape(runs, n), PERCEPTRON_ETA0, PERCEPTRON_ETA0 / 6,
                                    initial_weights(runs, seed), config["record_every"])
    rates_eval = with_bias(x_eval)

    curves = []
    for record, (w_dlr, w_perceptron) in enumerate(zip(history, perceptron)):
        q = metrics.dlr_predictions(w_dlr, eval_features, BETA, U0)
        curves.append(pd.DataFrame({
            "presentation": record * config["record_every"] if record < len(history) - 1 else n,
            "run": np.arange(runs),
            "nll_dlr": metrics.nll(q, z_eval),
            "error_dlr": metrics.error_rate(q > 0.5, z_eval),
            "error_perceptron": metrics.error_rate(w_perceptron @ rates_eval.T > 0, z_eval),
        }))
    lr_prediction = expit(eval_features[:, :2] @ coefficients + intercept)
    references = pd.DataFrame({
        "method": ["logistic regression", "Bayes-optimal"],
        "nll": [nll_lr, float(metrics.nll(posterior, z_eval))],
        "error": [float(metrics.error_rate(lr_prediction > 0.5, z_eval)), float(metrics.error_rate(posterior > 0.5, z_eval))],
    })
    final = pd.DataFrame(history[-1], columns=["w_x1_mV", "w_x2_mV", "w_bias_mV"]).assign(run=np.arange(runs))
    logistic = pd.DataFrame({"coefficient": ["x1", "x2", "intercept"], "value": [*coefficients, intercept]})
    return Result(
        name="rao2021-fig2",
        tables={"learning_curves": pd.concat(curves, ignore_index=True), "references": references,
                "final_weights": final, "logistic_regression": logistic},
        params={**config, "beta_per_mV": BETA, "u0_mV": U0, "rule": dict(dlr.DEFAULTS),
                "perceptron_eta0": PERCEPTRON_ETA0, "bias": BIAS, "presentation": PRESENTATION, "dt": DT,
                "evaluation_samples": EVALUATION_SAMPLES,
                "mixture": {"means_Hz": task.means, "sds_Hz": task.sds, "angles_rad": task.angles, "priors": task.priors,
                            "labels": task.labels}},
    )


def task_of(data):
    """The mixture a result was trained on (its params; results saved before they held the labels: ``MIXTURE``)."""
    stored = data.params.get("mixture", {})
    if "labels" not in stored:
        return MIXTURE
    return GaussianMixture(means=stored["means_Hz"], sds=stored["sds_Hz"], angles=stored["angles_rad"],
                           priors=stored["priors"], labels=stored["labels"])


def final_summary(data):
    """Mean and SD over runs of the final NLL / errors, next to the references."""
    curves = data.tables["learning_curves"]
    final = curves[curves["presentation"] == curves["presentation"].max()]
    return final, data.tables["references"].set_index("method")


def compare(data):
    """NLL of DLR vs logistic regression (paper: 0.378 vs 0.361); the perceptron's excess error."""
    final, references = final_summary(data)
    nll_dlr, nll_lr = final["nll_dlr"].mean(), references.loc["logistic regression", "nll"]
    excess = final["error_perceptron"].mean() - references.loc["logistic regression", "error"]
    return comparison([
        check("DLR NLL, mean over runs (nats)", 0.378, nll_dlr, 0.03),
        check("exact logistic regression NLL (nats)", 0.361, nll_lr, 0.01),
        check_bound("DLR NLL minus logistic regression (nats; pass if <= 0.03)", 0.378 - 0.361, nll_dlr - nll_lr, 0.03),
        check_bound("perceptron 0/1 error minus logistic regression (pass if >= 0.02; paper: fails to converge)",
                    float("nan"), excess, 0.02, upper=False),
    ])


def plot(data):
    """A: data and learnt q = 0.5, 0.2, 0.8 contours; B: NLL vs presentations; C: 0/1 error."""
    final, references = final_summary(data)
    curves = data.tables["learning_curves"].groupby("presentation")
    weights = data.tables["final_weights"][["w_x1_mV", "w_x2_mV", "w_bias_mV"]].to_numpy()
    logistic = data.tables["logistic_regression"].set_index("coefficient")["value"]
    grid = np.linspace(0, 220, 221)
    g1, g2 = np.meshgrid(grid, grid)
    patterns = np.column_stack([g1.ravel(), g2.ravel()])
    q_dlr = metrics.dlr_predictions(weights.mean(0), features(patterns), BETA, U0).reshape(g1.shape)
    q_lr = expit(features(patterns)[:, :2] @ logistic[["x1", "x2"]].to_numpy() + logistic["intercept"]).reshape(g1.shape)
    x, z = task_of(data).sample(600, streams.generator(data.seed or 0, "plotted sample"))
    with style():
        figure, axes = plt.subplots(1, 3, figsize=(11, 3.3))
        ax = axes[0]
        ax.scatter(*x[z == 0].T, s=4, color="#8fbf8f", label="z = 0")
        ax.scatter(*x[z == 1].T, s=4, color="#2f6f2f", label="z = 1")
        ax.contour(g1, g2, q_dlr, levels=[0.2, 0.5, 0.8], colors="#c44e52")
        ax.contour(g1, g2, q_lr, levels=[0.2, 0.5, 0.8], colors="0.2", linestyles="--")
        ax.set(title="A  q = 0.2, 0.5, 0.8: DLR (red), LR (dashed)", xlabel="x1 (Hz)", ylabel="x2 (Hz)", xlim=(0, 220), ylim=(0, 220))
        ax.legend(loc="upper left", markerscale=3)
        for ax, column, title in ((axes[1], "nll_dlr", "B  NLL (nats)"), (axes[2], "error_dlr", "C  0/1 error")):
            mean, sd = curves[column].mean(), curves[column].std()
            ax.plot(mean.index, mean, color="#c44e52", label="DLR (spiking)")
            ax.fill_between(mean.index, mean - sd, mean + sd, color="#c44e52", alpha=0.2, lw=0)
            reference = "nll" if column == "nll_dlr" else "error"
            ax.axhline(references.loc["logistic regression", reference], color="0.2", ls="--", label="logistic regression")
            ax.axhline(references.loc["Bayes-optimal", reference], color="0.6", ls=":", label="Bayes-optimal")
            ax.set(title=title, xlabel="presentations")
        perceptron_mean, perceptron_sd = curves["error_perceptron"].mean(), curves["error_perceptron"].std()
        axes[2].plot(perceptron_mean.index, perceptron_mean, color="#4c72b0", label="perceptron")
        axes[2].fill_between(perceptron_mean.index, perceptron_mean - perceptron_sd, perceptron_mean + perceptron_sd, color="#4c72b0", alpha=0.2, lw=0)
        axes[1].set_ylim(0.3, 0.7)
        axes[2].legend(loc="upper right")
        figure.tight_layout()
    return figure
