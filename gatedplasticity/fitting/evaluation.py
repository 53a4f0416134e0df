"""Evaluate a population of candidates: batches of one compiled run each, through the sweep executors.

A *problem* (objective, fitted names, batch size, backend) is pickled to a
file; each batch of candidates is one point of the ``btsp-fit-batch`` sweep
experiment, whose structure is that file: a worker process loads it once,
builds the batched network once (``protocols.inductions.InductionRuns``)
and reruns it for every batch it gets. Local processes share the sweep
runner's build (forked by it); Dask workers build their own and need the problem file on a
shared file system. A short last batch is padded with copies of its first
candidate. Every evaluated candidate is kept (:class:`History`), so a
resumed fit never evaluates it again and the bootstrap can reuse it.
"""

import hashlib
import json
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from brian2 import Quantity

from .. import sweep
from ..protocols.inductions import InductionRuns
from ..results import atomic_write


@dataclass
class Problem:
    """What every batch needs: the objective, the fitted names with their SI units, batch size and backend."""

    objective: object
    names: tuple
    units: tuple
    batch: int
    backend: str = "standalone"

    def values(self, matrix):
        """{name: Quantity per candidate} from an (candidates x parameters) matrix of SI magnitudes."""
        return {name: Quantity(matrix[:, k], dim=unit) for k, (name, unit) in enumerate(zip(self.names, self.units))}


class Prepared:
    """A worker's batched network for one problem file (built when prepared, rerun for every batch)."""

    def __init__(self, path):
        self.problem = pickle.loads(Path(path).read_bytes())
        objective = self.problem.objective
        self.runs = InductionRuns(objective.inductions, self.problem.batch, fitted=self.problem.names,
                                  record_every=objective.record_every, backend=self.problem.backend)
        self.runs.compile()  # before local workers are forked, so that they share one build

    def details(self, matrix):
        return self.problem.objective.details(self.runs.run(self.problem.values(matrix)))

    def weights(self, row):
        """The simulated weights of one candidate (a batch of copies of it)."""
        return self.runs.run(self.problem.values(np.repeat(np.asarray(row, float)[None], self.problem.batch, axis=0)))[0]

    def close(self):
        self.runs.close()


def prepare_batch(structure):
    return Prepared(structure)


def structure_of_batch(values):
    return values["problem"]


def details_path(problem_path, candidates):
    """Where a batch's details are written (beside the problem file, named by the batch's hash)."""
    return Path(problem_path).parent / "details" / f"{hashlib.sha256(candidates.encode()).hexdigest()[:20]}.npy"


def run_batch(values, seed, prepared):
    """One batch: candidates (JSON rows of SI magnitudes) -> details saved as .npy; the row holds their size."""
    details = prepared.details(np.array(json.loads(values["candidates"]), float))
    path = details_path(values["problem"], values["candidates"])
    atomic_write(path, lambda tmp: np.save(open(tmp, "wb"), details))
    return {"candidates_run": details.shape[0], "details_per_candidate": details[0].size}


BATCH = sweep.Experiment(name="btsp-fit-batch", parameters={"problem": "", "candidates": ""}, run=run_batch,
                         structure=structure_of_batch, prepare=prepare_batch,
                         description="one batch of BTSP fit candidates: one compiled run")


def candidate_weights(problem_path, row):
    """One candidate's simulated weights, from this process's prepared network (built now only if it has none:
    with ``workers=1`` the fit prepared it here; with more local workers or Dask it was prepared elsewhere)."""
    weights = sweep.prepared(BATCH, str(problem_path)).weights(row)
    sweep.release()
    return weights


def write_problem(problem, directory):
    """Pickle ``problem`` into ``directory`` (atomically); returns the file's path."""
    path = Path(directory) / "problem.pkl"
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(pickle.dumps(problem)))
    return path


def evaluate(matrix, problem, problem_path, directory, executor="local", workers=1):
    """Details of every candidate (rows of ``matrix``), one batched run per ``problem.batch`` candidates."""
    batches, shapes = [], []
    for start in range(0, len(matrix), problem.batch):
        rows = matrix[start:start + problem.batch]
        shapes.append(len(rows))
        padded = np.vstack([rows, np.repeat(rows[:1], problem.batch - len(rows), axis=0)])
        batches.append(json.dumps(padded.tolist()))
    folder = Path(directory) / "batches" / hashlib.sha256("".join(batches).encode()).hexdigest()[:16]
    points = [sweep.Point(BATCH, {"problem": str(problem_path), "candidates": text}, 0) for text in batches]
    sweep.run_sweep(points, folder, executor=executor, workers=workers, progress=False)
    failed = sweep.Store(folder).entries("failed")
    if failed:
        raise RuntimeError(f"a batch of fit candidates failed:\n{failed[0]['traceback']}")
    details = []
    for text, count in zip(batches, shapes):
        path = details_path(problem_path, text)
        details.append(np.load(path)[:count])
        path.unlink()
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
