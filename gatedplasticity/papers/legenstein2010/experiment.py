"""Shared set-up of the Legenstein et al. 2010 figures: one batched BCI experiment.

Calibration (cosine fits of the initial, noiseless tuning give the decoder)
-> Control (320 targets, correct dPDs, learning on) -> Perturbation (320
targets, dPDs of a fraction of the recorded units rotated by 90 deg about
x, y or z, one axis per run) [-> Washout (correct dPDs again)]. Every run
of every condition is one independent circuit; all of them share one
compiled network. PD shifts compare the fits at the end of the Perturbation
session with those at its start (= end of Control), as in Jarosiewicz et
al. 2008.

Parameters: ``parameters.TABLE`` (nu, kappa, eta, ... with their tags).
Random streams of the seed: "circuit", ("rotation", condition k) and
("targets", session k); the Brian2 noise from the session's "brian2" stream.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from brian2 import Hz

from ... import streams
from ...analysis import bci as metrics
from ...protocols import bci
from ...rules import eh
from ..figure import check
from .parameters import (  # noqa: F401
    EARLY_LATE,
    ETA,
    KAPPA,
    NU,
    QUICK_RUNS,
    RUNS,
    STEPS_PER_TARGET,
    TARGETS,
)

PAPER = "Legenstein, Chase, Schwartz & Maass 2010, J Neurosci 30:8400 (doi:10.1523/JNEUROSCI.4284-09.2010)"


@dataclass
class Experiment:
    """A finished batched experiment: runs are grouped into conditions (one label per run)."""

    circuit: bci.Circuit
    perturbation: bci.Perturbation
    record: bci.LoopRecord
    condition: np.ndarray
    session_names: tuple

    def session(self, name):
        return self.session_names.index(name)

    def fits(self, weights):
        """Cosine fits (baseline, PD, depth) of the recorded units for weights (runs, n, m)."""
        return metrics.fit_tuning(weights[:, : self.circuit.n_decoded], self.circuit.input_map)

    def start_of(self, name):
        """Weights at the start of session ``name``."""
        index = self.session(name)
        return self.record.initial_weights if index == 0 else self.record.weights[index - 1]

    def shifts(self, session="perturbation", reference=None):
        """Tuning change over ``session`` (or from the start of ``reference`` to its end): one row per unit."""
        before = self.fits(self.start_of(reference or session))
        table = metrics.pd_shift_table(before, self.fits(self.record.weights[self.session(session)]),
                                       self.perturbation.axes, self.perturbation.rotated)
        return table.assign(condition=self.condition[table["run"]])

    def trials(self, session="perturbation"):
        """Per-trial table of ``session`` (deviation in the frame of each run's rotation axis)."""
        table = metrics.trial_table(self.record.trajectories[self.session(session)], self.perturbation.axes)
        return table.assign(condition=self.condition[table["run"]])


def runs_per_condition(quick):
    return QUICK_RUNS if quick else RUNS


def sd_check(label, published, sd, reproduced, runs, unit="deg"):
    """A row: our mean over ``runs`` runs within the paper's SD of its mean (20 runs).

    With fewer runs than the paper's the tolerance widens so that the row
    keeps the coverage it has at 20 runs: the difference of two means has
    SD sd sqrt(1/runs + 1/20), so tol = sd sqrt((1/runs + 1/20) / (2/20)),
    which is the paper's SD at 20 runs (x 1.47 at 6 runs). The row says so.
    """
    factor = float(np.sqrt((1 / runs + 1 / RUNS) / (2 / RUNS)))
    rule = "tol = paper SD" if runs >= RUNS else f"tol = paper SD x {factor:.2f}: {runs} runs keep the coverage of {RUNS}"
    return check(f"{label} ({unit}, {rule})", published, reproduced, sd * max(factor, 1.0))


def experiment(conditions, seed, backend="standalone", progress=True, rule="eh", eta=ETA, nu=NU,
               sessions=("control", "perturbation"), targets=None, washout_eta=None, target_corners=None,
               record_every=None, normalise=False, steps_per_target=None, require_complete=True, project=None,
               filter_reset="session", kappa=KAPPA, angle_deg=90.0, circuit_options=None):
    """Run ``conditions`` {label: (runs, rotated fraction)} through ``sessions`` in one network.

    The task's values default to the paper's and are all arguments: ``nu``, ``kappa`` (noise),
    ``eta``, ``targets`` per session, ``angle_deg`` (the dPD rotation, 90 deg [P]) and
    ``circuit_options`` (``protocols.bci.circuit``'s n_inputs, n_total, n_decoded, max_rate).

    ``eta``/``nu`` may be per-run arrays (landscapes); ``target_corners`` restricts
    the Control and Perturbation targets (generalisation); ``washout_eta`` gives the
    Washout session its own learning rate. With ``require_complete`` a run that
    does not present all targets within ``steps_per_target`` steps per target
    on average raises; otherwise ``record.completed`` reports it. ``project``
    names the standalone build folder (parallel processes need their own).
    ``filter_reset``: "session" or "target" (``protocols.bci.run_blocks``).
    """
    targets = targets or TARGETS
    labels = np.concatenate([[label] * runs for label, (runs, _) in conditions.items()])
    runs = len(labels)
    circuit = bci.circuit(runs, seed=streams.integer(seed, "circuit"), **(circuit_options or {}))
    decoder = bci.calibrate(circuit)
    parts = [bci.rotation(count, circuit.n_decoded, fraction, seed=streams.integer(seed, "rotation", k), angle_deg=angle_deg)
             for k, (count, fraction) in enumerate(conditions.values())]
    perturbation = bci.Perturbation(np.concatenate([p.rotated for p in parts]), np.concatenate([p.axes for p in parts]))
    decoders = {"control": decoder, "perturbation": perturbation.apply(decoder), "washout": decoder}
    blocks = []
    for index, name in enumerate(sessions):
        corners = None if name == "washout" else target_corners
        block_eta = washout_eta if name == "washout" and washout_eta is not None else eta
        blocks.append(bci.Block(name, decoders[name], bci.random_targets(runs, targets, streams.integer(seed, "targets", index), corners),
                                eta=block_eta))
    record = bci.run_blocks(circuit, blocks, eh.rule(rule, normalise=normalise), seed=seed, backend=backend, nu=nu,
                            kappa=kappa, record_every=record_every, progress=progress, steps_per_target=steps_per_target or STEPS_PER_TARGET,
                            filter_reset=filter_reset,
                            name=project or (f"legenstein2010-{runs}runs-{len(sessions)}sessions-{rule}"
                                             f"{'-normalised' if normalise else ''}{'-target-reset' if filter_reset == 'target' else ''}"))
    incomplete = [name for name, done in zip(sessions, record.completed) if np.any(done < targets)]
    if incomplete and require_complete:
        raise RuntimeError(f"runs did not present all {targets} targets in sessions {incomplete}; raise steps_per_target")
    return Experiment(circuit, perturbation, record, labels, tuple(sessions))


def summary(shifts, trials, column="condition", targets=None):
    """Per condition: PD shift and depth change of rotated vs non-rotated units (mean +- SD over runs,
    paired t-test over runs) and the deviation half-way early vs late (mean +- SD over trials;
    the first and last EARLY_LATE of ``targets`` per session)."""
    targets = targets or TARGETS
    rows = []
    for condition, table in shifts.groupby(column):
        shift = metrics.credit_assignment(table, "shift_deg")
        depth = metrics.credit_assignment(table, "depth_change_Hz")
        session_trials = trials[trials[column] == condition]
        early = session_trials[session_trials["trial"] < EARLY_LATE]["deviation_mm"]
        late = session_trials[session_trials["trial"] >= targets - EARLY_LATE]["deviation_mm"]
        rows.append({column: condition, **{f"shift_{k}": v for k, v in shift.items()},
                     **{f"depth_{k}": v for k, v in depth.items()},
                     "deviation_early_mm": early.mean(), "deviation_early_sd": early.std(),
                     "deviation_late_mm": late.mean(), "deviation_late_sd": late.std(),
                     "runs": table["run"].nunique()})
    return pd.DataFrame(rows).set_index(column)


def shift_scatter(ax, shifts, title):
    """PD shift of each unit, rotated (red) vs non-rotated (blue), with group means +- SD over runs."""
    rng = np.random.default_rng(0)
    for offset, (rotated, color, label) in enumerate(((True, "#c44e52", "rotated"), (False, "#4c72b0", "non-rotated"))):
        values = shifts[shifts["rotated"] == rotated]
        ax.scatter(offset + rng.uniform(-0.15, 0.15, len(values)), values["shift_deg"], s=4, color=color, alpha=0.4)
        means = metrics.group_means(shifts, "shift_deg")[rotated]
        ax.errorbar(offset, means.mean(), means.std(ddof=1) if len(means) > 1 else 0, color="k", marker="o", capsize=4)
    ax.axhline(0, color="0.7", lw=0.8)
    low, high = np.percentile(shifts["shift_deg"], [1, 99])
    ax.set(xticks=[0, 1], xticklabels=["rotated", "non-rotated"], xlim=(-0.5, 1.6), ylim=(min(low, -10), max(high, 40)),
           ylabel="PD shift in rotation direction (deg)", title=title)


def eta_calibration(etas, seed=11, runs=RUNS, backend="standalone", progress=True):
    """Late deviation (mm, last EARLY_LATE targets) of the 25% condition for each learning rate (1/Hz^2).

    This is how ETA was chosen (the paper's criterion: ~3.2 mm after 320 targets).
    """
    etas = np.asarray(etas, float)
    conditions = {f"{value:.3g}": (runs, 0.25) for value in etas}
    result = experiment(conditions, seed, backend, progress, eta=np.repeat(etas, runs) / Hz**2)
    table = summary(result.shifts(), result.trials())
    return table.assign(eta=[float(label) for label in table.index]).sort_values("eta")
