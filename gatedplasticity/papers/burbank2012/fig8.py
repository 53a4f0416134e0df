"""Burbank & Kreiman 2012, Fig 8: trained top-down weights reconstruct the input.

The integrate-and-fire network with the weaker bottom-up weights Q' = 2Q -
mean(2Q) + 0.5 (the Methods' steps in sequence; Q as in Fig 3) is trained with dep-rSTDP (alpha 1.2, Table 1's
last column). At several points of training the top-down weights are
frozen and probed with 100 early-burst stimuli (input zero after 50 ms):
per stimulus, the correlation between late activity (80-160 ms) minus its
no-feedback baseline and early activity (0-50 ms)
(``reconstruction.evaluate_reconstruction``). ``--quick``: training
capped at 150,000 presentations, 30 stimuli per probe. Held-out
validation of the calibration (``docs/burbank2012-calibration.md``).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...protocols import top_down
from ...results import Result
from ..figure import check_bound, comparison, style
from . import reconstruction
from . import training
from .parameters import network_parameters

PAPER = training.PAPER
DESCRIPTION = "Reconstruction: corr(late feedback-driven activity, early activity) rises with training (Fig 8)"
BACKENDS = ('standalone',)  # standalone only: training runs as one compiled program rerun per chunk (runtime would hold every chunk's inputs at once)
QUICK = True
STIMULI = {False: 100, True: 30}


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    q, c = training.q_and_c()
    q = reconstruction.reconstruction_q(q)
    trained = training.run(seed, quick, q, c, progress=progress, rule="reverse", alpha=1.2)
    probes = {0: top_down.weight_matrix(top_down.initial_state(q, seed)["w"], *q.shape), **trained.snapshots}
    stimuli = STIMULI[quick]
    structure = reconstruction.probe_structure(q.shape, stimuli, network_parameters())
    with top_down.program(structure) as program:
        rows = [reconstruction.evaluate_reconstruction(q, w, c, seed, stimuli, program=program).assign(presentation=n)
                for n, w in sorted(probes.items())]
    return Result(name="burbank2012-fig8", tables={"reconstruction": pd.concat(rows, ignore_index=True),
                                                     "history": trained.history},
                  params={"stimuli": stimuli, "cap": training.cap(quick), "q": "2Q - mean(Q) + 0.5"})


def summary(data):
    table = data.tables["reconstruction"]
    return table.groupby("presentation")["correlation"].agg(["mean", "std", "count"]).reset_index()


def compare(data):
    """The mean reconstruction correlation rises with training."""
    means = summary(data)
    first, last = means["mean"].iloc[0], means["mean"].iloc[-1]
    return comparison([
        check_bound("mean corr(late - baseline, early), trained minus untrained (pass if > 0: rises)", float("nan"),
                    last - first, 0, upper=False),
    ])


def plot(data):
    means = summary(data)
    with style():
        figure, ax = plt.subplots(figsize=(6, 4))
        ax.errorbar(means["presentation"], means["mean"], yerr=means["std"], marker="o", capsize=3)
        ax.set(xlabel="training presentations", ylabel="corr(late - baseline, early)",
               title="B  reconstruction vs training")
        ax.set_xscale("symlog", linthresh=1000)  # linear below the first probe, logarithmic above
        decades = range(3, int(np.floor(np.log10(max(means["presentation"].max(), 1000)))) + 1)
        ax.set_xticks([0] + [10 ** k for k in decades])
        undefined = means["mean"].isna()
        if undefined.any():  # late minus baseline counts constant over neurons: no correlation to show
            table = data.tables["reconstruction"]
            ax.text(0.5, 0.5, f"corr undefined at {int(undefined.sum())} of {len(means)} probes\n"
                              f"(late spikes with feedback: {int(table['late_spikes'].sum())}, "
                              f"without: {int(table['baseline_late_spikes'].sum())})",
                    transform=ax.transAxes, ha="center", va="center")
        figure.tight_layout()
    return figure
