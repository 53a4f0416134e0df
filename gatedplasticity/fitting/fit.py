"""Fit BTSP parameters to recorded inductions: differential evolution, one batched compiled run per batch.

``fit(data, folder)``: ``scipy.optimize.differential_evolution`` with
``vectorized=True`` proposes a population per generation; the population is
evaluated in batches (``fitting.evaluation``), each batch one rerun of one
standalone build holding every candidate x induction. Loss: the
objective's (mV^2, ``fitting.objective``) plus, for parameters with a prior
N(mean, sd), ``prior_weight`` x z^2. Bounds per parameter
(``rules.btsp.FITTABLE``). After each generation the population, its
losses and every evaluated candidate are written atomically to the folder;
calling ``fit`` again with the same folder resumes from there (the
differential evolution restarts from the saved population with a seed
derived from the generation reached, so a resumed fit is reproducible but
not the same path as an uninterrupted one); a fit that converged (``tol``)
before its generations is finished, and calling it again with as many
generations evaluates nothing.

Uncertainty: a bootstrap over inductions (pooled data: over its
``induction`` groups, or rows), re-optimised on a local quadratic surrogate
of the resampled loss through the candidates evaluated near the optimum,
or by re-selection among all candidates where that surrogate does not fit
(:func:`bootstrap_table`; no new simulations). Reported: s.d. and
2.5-97.5 percentiles.
"""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import Quantity, get_dimensions
from scipy.optimize import differential_evolution
from tqdm import tqdm

from .. import streams
from ..parameters import ParameterError, to_json, unit_name
from ..results import atomic_write
from ..rules.btsp import FITTABLE, PUBLISHED
from .evaluation import Batches, History, candidate_weights, evaluate
from .objective import InductionObjective
from .pooled import PooledObjective
from .variants import Variant

#: The parameters a fit frees by default.
DEFAULT_FITTED = ("k_plus", "k_minus", "th_plus", "th_minus")


@dataclass(frozen=True)
class FitParameter:
    """One fitted parameter: bounds (Quantities) and an optional Gaussian prior (mean, sd)."""

    name: str
    low: object
    high: object
    prior: tuple = None

    @property
    def unit(self):
        return get_dimensions(self.low)

    def check(self):
        if self.name not in FITTABLE:
            raise ParameterError(self.name, f"cannot fit '{self.name}'; fittable: {', '.join(FITTABLE)}")
        for value in (self.high, *(self.prior or ())):
            if get_dimensions(value) != self.unit or get_dimensions(PUBLISHED[self.name]) != self.unit:
                raise ParameterError(self.name, f"bounds and prior of '{self.name}' must be in "
                                                f"{unit_name(PUBLISHED[self.name])}")
        if not float(self.low) < float(self.high):
            raise ParameterError(self.name, f"'{self.name}': the lower bound must be below the upper one")
        return self


def parameters(names=DEFAULT_FITTED, priors=None):
    """FitParameters of ``names`` with the default bounds; ``priors`` {name: (mean, sd)}."""
    priors = priors or {}
    for name in names:
        if name not in FITTABLE:
            raise ParameterError(name, f"cannot fit '{name}'; fittable: {', '.join(FITTABLE)}")
    return [FitParameter(name, *FITTABLE[name], prior=priors.get(name)).check() for name in names]


@dataclass
class FitResult:
    """Best parameters (Quantities), loss, its history, bootstrap uncertainty and model-vs-data tables."""

    best: dict
    loss: float
    published_loss: float
    history: pd.DataFrame
    uncertainty: pd.DataFrame
    comparison: pd.DataFrame
    evaluations: int
    wall_time: float
    settings: dict = field(default_factory=dict)

    def to_json(self):
        table = self.uncertainty.set_index("parameter")
        return {"best": {name: {**with_unit(value), "sd": float(table.loc[name, "sd"]),
                                "p2.5": float(table.loc[name, "p2.5"]), "p97.5": float(table.loc[name, "p97.5"]),
                                "uncertainty_method": str(table.loc[name, "method"])}
                         for name, value in self.best.items()},
                "loss_mV2": self.loss, "published_parameters_loss_mV2": self.published_loss,
                "evaluations": self.evaluations, "wall_time_s": self.wall_time, "settings": to_json(self.settings)}


def with_unit(value):
    """{'value', 'unit'} of a fitted value; a dimensionless one (a plain number) has unit '1'."""
    converted = to_json(value)
    return converted if isinstance(converted, dict) else {"value": float(converted), "unit": "1"}


def objective_for(data, **options):
    """The objective matching the data's format."""
    return PooledObjective(data, **options) if hasattr(data, "rows") else InductionObjective(data, **options)


def penalties(matrix, fitted, prior_weight):
    """Prior penalty of each candidate (mV^2)."""
    total = np.zeros(len(matrix))
    for k, parameter in enumerate(fitted):
        if parameter.prior:
            mean, sd = (float(value) for value in parameter.prior)
            total += prior_weight * ((matrix[:, k] - mean) / sd) ** 2
    return total


#: How a fit evaluates candidates: "auto" (the closed form unless weights are recorded during the run),
#: "closed-form" (``protocols.btsp_closed_form``), "standalone" or "runtime" (one network run per batch).
FIT_BACKENDS = ("auto", "closed-form", "standalone", "runtime")


def resolve_backend(backend, objective):
    """The backend a fit uses: "auto" is the closed form unless the objective records weights during the run."""
    if backend not in FIT_BACKENDS:
        raise ParameterError("backend", f"unknown fit backend {backend!r}; choose one of {', '.join(FIT_BACKENDS)}")
    if backend == "auto":
        return "closed-form" if objective.record_every is None else "standalone"
    if backend == "closed-form" and objective.record_every is not None:
        raise ParameterError("backend", f"the closed form gives the weights after only; {type(objective).__name__} "
                                        "needs them during the run: use 'standalone'")
    return backend


def fit(data, folder, fitted=None, population=64, generations=30, batch=None, seed=0, backend="auto",
        executor="local", workers=1, prior_weight=0.1, bootstrap=200, tol=0.01, progress=True, objective=None):
    """Fit ``fitted`` (FitParameters; default :data:`DEFAULT_FITTED`) to ``data``; resumes from ``folder``."""
    started = time.perf_counter()
    fitted = fitted or parameters()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    objective = objective or objective_for(data)
    backend = resolve_backend(backend, objective)
    n = len(fitted)
    popsize = max(1, population // n)
    batch = batch or popsize * n
    setup = objective.setup(p.name for p in fitted)
    batches = Batches(setup, batch, backend)
    history = History(folder / "evaluations.npz")
    checkpoint = folder / "checkpoint.json"
    state = json.loads(checkpoint.read_text()) if checkpoint.exists() else {"generation": 0, "best": [], "mean": []}

    def losses_of(matrix):
        todo = [k for k, row in enumerate(matrix) if history.lookup(row) is None]
        if todo:
            details = evaluate(matrix[todo], batches, objective, folder, executor, workers)
            history.add(matrix[todo], objective.loss(details) + penalties(matrix[todo], fitted, prior_weight), details)
        return np.array([history.losses[history.lookup(row)] for row in matrix])

    bar = tqdm(total=generations, initial=state["generation"], desc="fit generations", unit="gen", disable=not progress)

    def callback(intermediate_result):
        state["generation"] += 1
        state["best"].append(float(intermediate_result.fun))
        state["mean"].append(float(np.mean(intermediate_result.population_energies)))
        state["population"] = intermediate_result.population.tolist()
        history.save()
        atomic_write(checkpoint, lambda tmp: Path(tmp).write_text(json.dumps(state)))
        bar.update()
        bar.set_postfix(best=f"{intermediate_result.fun:.3g} mV2")

    left = generations - state["generation"]
    bounds = [(float(p.low), float(p.high)) for p in fitted]
    if left > 0 and state.get("converged_for", 0) < generations:  # a fit that converged early is finished
        init = np.array(state["population"]) if "population" in state else "latinhypercube"
        differential_evolution(lambda x: losses_of(np.atleast_2d(x.T)), bounds, popsize=popsize, maxiter=left,
                               init=init, tol=tol, polish=False, vectorized=True, updating="deferred",
                               rng=streams.integer(seed, "fit-de", state["generation"]), callback=callback)
        if state["generation"] < generations:  # stopped by tol before the generations asked for
            state["converged_for"] = generations
            atomic_write(checkpoint, lambda tmp: Path(tmp).write_text(json.dumps(state)))
    bar.close()
    published = np.array([[float(PUBLISHED[p.name]) for p in fitted]])
    published_loss = float(losses_of(published)[0])
    history.save()
    params, losses, details = history.arrays()
    best_row = params[np.argmin(losses)]
    uncertainty = bootstrap_table(objective, fitted, params, details, prior_weight, bootstrap, seed)
    best_weights = candidate_weights(batches, best_row)
    return FitResult(best={name: value[0] for name, value in batches.values(best_row[None]).items()}, loss=float(losses.min()), published_loss=published_loss,
                     history=pd.DataFrame({"generation": np.arange(1, len(state["best"]) + 1), "best_mV2": state["best"],
                                           "mean_mV2": state["mean"]}),
                     uncertainty=uncertainty, comparison=objective.comparison(best_weights), evaluations=len(losses),
                     wall_time=time.perf_counter() - started,
                     settings={"fitted": [p.name for p in fitted], "population": popsize * n, "generations": generations,
                               "batch": batch, "seed": seed, "backend": backend, "prior_weight": prior_weight,
                               "bounds": {p.name: [p.low, p.high] for p in fitted}, "bootstrap": bootstrap,
                               "objective": type(objective).__name__,
                               "variant": getattr(objective, "variant", Variant()).to_json()})


def quadratic_fit(points, losses):
    """(minimum in [0, 1]^n or None if not convex, R^2) of the least-squares quadratic through (points, losses)."""
    n = points.shape[1]
    pairs = [(a, b) for a in range(n) for b in range(a, n)]
    features = np.column_stack([np.ones(len(points)), points, *[points[:, a] * points[:, b] for a, b in pairs]])
    coefficients = np.linalg.lstsq(features, losses, rcond=None)[0]
    residual = losses - features @ coefficients
    r_squared = 1 - residual @ residual / max(((losses - losses.mean()) ** 2).sum(), 1e-300)
    gradient, hessian = coefficients[1:n + 1], np.zeros((n, n))
    for (a, b), value in zip(pairs, coefficients[n + 1:]):
        hessian[a, b] += value
        hessian[b, a] += value
    if np.any(np.linalg.eigvalsh(hessian) <= 0):
        return None, r_squared
    return np.clip(np.linalg.solve(hessian, -gradient), 0, 1), r_squared


def bootstrap_table(objective, fitted, params, details, prior_weight, resamples, seed, min_r_squared=0.9):
    """Per parameter: s.d. and 2.5/97.5 percentiles of the bootstrap optimum, and the method used.

    Each resample (of inductions or pooled groups, with replacement)
    re-evaluates the loss of the evaluated candidates nearest the best one in
    bound-scaled coordinates (3 x the number of quadratic terms, at least
    40), fits a quadratic and takes its minimum ("quadratic"). Where the
    quadratic does not describe the full-data loss there (R^2 <
    ``min_r_squared`` or not convex: too few or too scattered candidates),
    each resample instead re-selects the best of all evaluated candidates
    ("reselect", as fine as the fit's own sampling). No new simulations.
    """
    rng = streams.generator(seed, "fit-bootstrap")
    n = len(fitted)
    low, high = (np.array([float(getattr(p, side)) for p in fitted]) for side in ("low", "high"))
    scaled_all = (params - low) / (high - low)
    penalty_all = penalties(params, fitted, prior_weight)
    full = objective.loss(details) + penalty_all
    terms = (n + 1) * (n + 2) // 2
    nearest = np.argsort(np.linalg.norm(scaled_all - scaled_all[np.argmin(full)], axis=1))[:max(40, 3 * terms)]
    minimum, r_squared = quadratic_fit(scaled_all[nearest], full[nearest]) if len(nearest) > terms else (None, 0.0)
    method = "quadratic" if r_squared >= min_r_squared and minimum is not None else "reselect"
    optima = []
    for _ in range(resamples):
        sample = rng.integers(objective.units, size=objective.units)
        if method == "quadratic":
            losses = objective.loss(details[nearest], sample) + penalty_all[nearest]
            optimum = quadratic_fit(scaled_all[nearest], losses)[0]
            optima.append(scaled_all[nearest][np.argmin(losses)] if optimum is None else optimum)
        else:
            optima.append(scaled_all[np.argmin(objective.loss(details, sample) + penalty_all)])
    chosen = low + np.array(optima).reshape(-1, n) * (high - low)
    spread = ((chosen.std(axis=0), *np.percentile(chosen, [2.5, 97.5], axis=0)) if resamples
              else (np.full(n, np.nan),) * 3)  # no resamples: no uncertainty
    return pd.DataFrame({"parameter": [p.name for p in fitted], "unit": [unit_name(Quantity(1, dim=p.unit)) for p in fitted],
                         "sd": spread[0], "p2.5": spread[1], "p97.5": spread[2], "method": method,
                         "surrogate_r_squared": r_squared})
