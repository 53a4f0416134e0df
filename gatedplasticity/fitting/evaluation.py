"""Evaluate a population of candidates: batches of one compiled run each, through the sweep executors.

The simulation of a batch depends only on its :class:`Batches` (the
inductions and fitted names, ``protocols.inductions.InductionSetup``; the
batch size; the backend): that is the structure of the ``btsp-fit-batch``
sweep experiment, so a worker process builds one program of ``batch``
copies (one per candidate) and reruns it for every batch it gets. Local
processes share the sweep runner's build (forked by it); Dask workers build
their own. Candidates travel as arrays of SI magnitudes in the points; each
batch's simulated weights come back as a ``.npy`` array (read without
pickle), and the objective turns them into details in the fitting process.
A short last batch is padded with copies of its first candidate. Every
evaluated candidate is kept (:class:`History`), so a resumed fit never
evaluates it again and the bootstrap can reuse it.

Backend ``"closed-form"`` (lap integration, weights after only): no network
run at all; the whole population goes through ``protocols.btsp_closed_form`` in
this process (the same weights as the compiled network to 1e-9).
"""

import hashlib
import shutil
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
from brian2 import Quantity, get_dimensions

from .. import sweep
from ..protocols import inductions, btsp_closed_form
from ..results import atomic_write
from ..rules.btsp import FITTABLE


@dataclass(frozen=True)
class Batches:
    """What a batch's compiled program depends on: the induction setup, candidates per run, backend."""

    setup: inductions.InductionSetup
    batch: int
    backend: str = "standalone"  # or "runtime", or "closed-form" (protocols.btsp_closed_form, no network)

    def values(self, matrix):
        """{name: Quantity per candidate} from a (candidates x fitted) matrix of SI magnitudes."""
        return {name: Quantity(matrix[:, k], dim=get_dimensions(FITTABLE[name][0]))
                for k, name in enumerate(self.setup.fitted)}


class CandidateRuns:
    """A worker's program for one :class:`Batches` (built when prepared, rerun for every batch)."""

    def __init__(self, batches):
        self.batches = batches
        # Built here, before local workers are forked: they share it.
        self.program = inductions.program(batches.setup, batches.batch, batches.backend).open()

    def weights(self, matrix):
        """Simulated weights of the candidates (rows of ``matrix``, exactly ``batch`` of them)."""
        return inductions.weights(self.batches.setup, self.program.run(self.batches.values(matrix)))

    def close(self):
        self.program.close()


def same_structure(batches, values):
    return batches


def run_batch(values, seed, prepared):
    """One batch: the candidates' weights saved atomically to ``values["out"]``; the row holds their count."""
    weights = prepared.weights(np.asarray(values["candidates"], float))
    atomic_write(Path(values["out"]), lambda tmp: np.save(open(tmp, "wb"), weights))
    return {"candidates_run": weights.shape[0]}


def experiment(batches):
    """The sweep experiment of one batch of ``batches``' candidates."""
    return sweep.Experiment(name="btsp-fit-batch", parameters={"candidates": 0.0, "out": ""}, run=run_batch,
                            structure=partial(same_structure, batches), prepare=CandidateRuns,
                            description="one batch of BTSP fit candidates: one compiled run")


@lru_cache(maxsize=4)
def closed_form(setup):
    """The closed-form evaluator of ``setup`` (its traces computed once per process)."""
    return btsp_closed_form.ClosedForm(setup)


def closed_form_weights(batches, matrix):
    return closed_form(batches.setup).weights(batches.values(matrix), len(matrix))


def candidate_weights(batches, row):
    """One candidate's simulated weights, from this process's program (built now only if it has none: with
    ``workers=1`` the fit built it here; with more local workers or Dask it was built elsewhere)."""
    if batches.backend == "closed-form":
        return closed_form_weights(batches, np.asarray(row, float)[None])[0]
    runs = sweep.prepared(experiment(batches), batches)
    weights = runs.weights(np.repeat(np.asarray(row, float)[None], batches.batch, axis=0))[0]
    sweep.release()
    return weights


def evaluate(matrix, batches, objective, directory, executor="local", workers=1):
    """Details of every candidate (rows of ``matrix``), one run per ``batches.batch`` candidates."""
    matrix = np.asarray(matrix, float)
    if batches.backend == "closed-form":
        return objective.details(closed_form_weights(batches, matrix))
    folder = Path(directory) / "batches" / hashlib.sha256(matrix.tobytes()).hexdigest()[:16]
    spec, points, counts = experiment(batches), [], []
    for start in range(0, len(matrix), batches.batch):
        rows = matrix[start:start + batches.batch]
        counts.append(len(rows))
        padded = np.vstack([rows, np.repeat(rows[:1], batches.batch - len(rows), axis=0)])
        points.append(sweep.Point(spec, {"candidates": padded, "out": str(folder / f"weights-{len(points)}.npy")}, 0))
    sweep.run_sweep(points, folder, executor=executor, workers=workers, progress=False)
    failed = sweep.Store(folder).entries("failed")
    if failed:
        raise RuntimeError(f"a batch of fit candidates failed:\n{failed[0]['traceback']}")
    details = [objective.details(np.load(point.values["out"])[:count]) for point, count in zip(points, counts)]
    shutil.rmtree(folder, ignore_errors=True)  # kept in the History instead
    return np.concatenate(details)


class History:
    """Every evaluated candidate: parameters (SI), loss and details; saved atomically as one .npz."""

    def __init__(self, path):
        self.path = Path(path)
        self.params, self.losses, self.details = [], [], []
        if self.path.exists():
            saved = np.load(self.path)
            self.params, self.losses, self.details = list(saved["params"]), list(saved["losses"]), list(saved["details"])
        self.index = {row.tobytes(): k for k, row in enumerate(np.asarray(self.params, float))}

    def lookup(self, row):
        return self.index.get(np.asarray(row, float).tobytes())

    def add(self, rows, losses, details):
        for row, loss, detail in zip(rows, losses, details):
            self.index[np.asarray(row, float).tobytes()] = len(self.params)
            self.params.append(np.asarray(row, float))
            self.losses.append(float(loss))
            self.details.append(detail)

    def arrays(self):
        return np.array(self.params), np.array(self.losses), np.array(self.details)

    def save(self):
        params, losses, details = self.arrays()
        atomic_write(self.path, lambda tmp: np.savez(open(tmp, "wb"), params=params, losses=losses, details=details))
