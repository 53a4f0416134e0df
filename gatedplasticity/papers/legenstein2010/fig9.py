"""Legenstein et al. 2010, Fig 9: the EH rule over exploration level nu and learning rate eta.

50% Perturbation sessions with weight-norm homeostasis (as in the paper's
Fig 9), 10 runs per (nu, eta) cell. The landscape is a sweep
(``gatedplasticity.sweep``) of the ``bci-perturbation`` experiment: one
point per cell, all cells on the same 10 circuits (the figure's seed), run
in parallel on all cores and stored as they finish under the sweep cache
(``$GATEDPLASTICITY_CACHE/sweeps`` or ``~/.cache/gatedplasticity/sweeps``),
so an interrupted reproduction resumes with the cells it has. The step
budget allows a 3-s timeout on every target, so failing cells finish too.
Per cell: performance late in the session (mean R_ang, steps per target
and deviation half-way over the last 32 targets), PD shifts of rotated and
non-rotated units. R_ang is the performance measure compared: steps per
target also track cursor speed, which exploration raises (rectified noise
adds to the mean rate). ``--quick``: a 3 x 3 grid with 3 runs per cell.
"""

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from brian2 import Hz

from ... import sweep
from ...backends import cache_root
from ...results import Result
from ..figure import check_bound, comparison, style
from . import experiment
from .sweeps import BCI_PERTURBATION

PAPER = experiment.PAPER
DESCRIPTION = "Landscape over exploration level nu and learning rate eta, 50% perturbation (Fig 9)"
BACKENDS = ('standalone', 'runtime')
QUICK = True
GRID = {"nu_Hz": [2.5, 5.0, 10.0, 20.0, 40.0, 80.0], "eta_factor": [1 / 16, 1 / 4, 1.0, 4.0, 16.0]}
QUICK_GRID = {"nu_Hz": [2.5, 10.0, 40.0], "eta_factor": [1 / 8, 1.0, 8.0]}
RUNS = {False: 10, True: 3}  # per cell [P: 10]
PAPER_NU = 10.0
HIGH_NU = 40.0  # "good performance up to nu ~ 60 Hz" [P]
#: Pass if the late mean R_ang at HIGH_NU is at least that at nu = 10 Hz minus this [R].
PERFORMANCE_MARGIN = 0.05


def sweep_folder(quick, seed, backend):
    return cache_root() / "sweeps" / f"legenstein2010-fig9-{'quick' if quick else 'full'}-seed{seed}-{backend}"


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """One sweep point per (nu, eta) cell; returns one row per cell."""
    grid, runs = (QUICK_GRID if quick else GRID), RUNS[quick]
    eta = float(experiment.ETA * Hz**2)
    cells = [{"nu": nu * Hz, "eta": factor * experiment.ETA, "fraction": 0.5, "runs": runs, "targets": experiment.TARGETS,
              "control": False, "normalise": True, "steps_per_target": 90, "backend": backend}
             for nu in grid["nu_Hz"] for factor in grid["eta_factor"]]
    table = sweep.run_sweep(sweep.points(BCI_PERTURBATION, rows=cells, seed=seed), sweep_folder(quick, seed, backend),
                            progress=progress)
    landscape = table.assign(nu_Hz=sweep.column(table, "nu"), eta_factor=np.round(sweep.column(table, "eta") / eta, 9))
    return Result(
        name="legenstein2010-fig9",
        tables={"landscape": landscape},
        params={"grid": grid, "runs_per_cell": runs, "eta": experiment.ETA, "kappa": experiment.KAPPA, "fraction": 0.5,
                "normalise": True, "targets_per_session": experiment.TARGETS},
    )


def cell(table, nu, factor=1.0):
    return table[(table["nu_Hz"] == nu) & (table["eta_factor"] == factor)].iloc[0]


def compare(data):
    """Credit assignment at the paper's parameters; performance kept at high exploration; shifts grow with nu."""
    table = data.tables["landscape"]
    paper, high = cell(table, PAPER_NU), cell(table, HIGH_NU)
    lowest, highest = cell(table, table["nu_Hz"].min()), cell(table, table["nu_Hz"].max())
    return comparison([
        check_bound("nu = 10 Hz, paper eta: rotated minus non-rotated shift (deg; pass if > 0)", 18.1 - 12.1,
                    paper["shift_difference"], 0, upper=False),
        check_bound(f"late mean R_ang, nu = {HIGH_NU:g} Hz minus nu = 10 Hz (pass if >= -{PERFORMANCE_MARGIN})",
                    float("nan"), high["late_R"] - paper["late_R"], -PERFORMANCE_MARGIN, upper=False),
        check_bound("rotated-unit shift, highest minus lowest nu at paper eta (deg; pass if > 0)", float("nan"),
                    highest["shift_rotated_mean"] - lowest["shift_rotated_mean"], 0, upper=False),
    ])


def plot(data):
    """Heat maps over log2 nu and log2 eta: A late mean R_ang, B/C PD shift of rotated / non-rotated units."""
    table = data.tables["landscape"]
    nus, factors = sorted(table["nu_Hz"].unique()), sorted(table["eta_factor"].unique())
    panels = (("late_R", "A  mean R_ang (last 32 targets)"), ("shift_rotated_mean", "B  PD shift rotated (deg)"),
              ("shift_non_rotated_mean", "C  PD shift non-rotated (deg)"))
    with style():
        figure, axes = plt.subplots(1, 3, figsize=(13, 3.6))
        for ax, (column, title) in zip(axes, panels):
            values = table.pivot(index="eta_factor", columns="nu_Hz", values=column).loc[factors, nus]
            image = ax.imshow(values.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
            ax.set(xticks=range(len(nus)), xticklabels=[f"{n:.3g}" for n in nus],
                   yticks=range(len(factors)), yticklabels=[f"{Fraction(f).limit_denominator(1024)}" for f in factors],
                   xlabel="exploration level nu (Hz, log scale)", ylabel="eta / paper's eta (log scale)", title=title)
            ax.plot(nus.index(PAPER_NU), factors.index(1.0), "o", mfc="none", mec="w", ms=12)
            figure.colorbar(image, ax=ax)
        figure.text(0.5, 0.01, "circle: the paper's nu and eta", ha="center", fontsize=8)
        figure.tight_layout(rect=(0, 0.04, 1, 1))
    return figure
