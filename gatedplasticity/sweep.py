"""Parameter sweeps: compile once, run every point, resume after an interruption.

A sweep is a registered :class:`Experiment` plus :class:`Point` s (parameter
values with units and a seed). The runner

- groups points by the experiment's *structure* and calls its ``prepare``
  once per structure (for Brian2 experiments: one standalone build); local
  workers are forked after that by a single-threaded runner process
  (``gatedplasticity.workers``), so they share the build and only rerun the
  binary (``device.run(run_args=...)``, one results directory per point);
- runs points in parallel on local processes (default) or on a Dask
  ``distributed.Client`` (an address or a client; each Dask worker prepares a
  structure once, in its own build folder); points of a worker that dies are
  retried (a new local pool; Dask's own retries);
- writes every finished point atomically to ``DIR/done/<key>.json`` (the
  key hashes experiment, values, seed and the package's source,
  ``results.source_hash``: an edit of the package, committed or not, starts
  the points again; a commit that leaves it unchanged resumes them) and every failing
  point, with its traceback, to ``DIR/failed/<key>.json``; a rerun skips the
  done points, so an interruption loses at most the points in flight;
- gathers one row per point into ``DIR/table.parquet`` (parameters as
  columns named ``"name [unit]"``) with ``DIR/provenance.json`` beside it;
- given a ``finished`` table (rows of an earlier sweep kept elsewhere, e.g.
  committed with a paper's record when the folder is gone), runs only the
  points it lacks, matched by what a point is (``Point.identity``:
  experiment, values, seed; not the code), and returns its rows with the new.

Standalone seeds: Brian2 compiles a seed into the program, so
``backends.seeded`` adds a ``run_seed`` variable that a ``run_args`` value
sets and a compiled ``reseed`` call that re-seeds the random generators at
t = 0: every seed of a point reuses the same binary and is reproducible.
Repeats of a point get independent seeds (``streams.repeat_seed``).

Every experiment is found by name through one registry (:func:`get`):
the package's own are entered by ``gatedplasticity.papers`` (loaded when
first asked for), and :func:`register` adds a user's. A :class:`Point` carries its :class:`Experiment` itself, so
worker processes need no registry.
"""

import hashlib
import importlib
import json
import os
from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd
from brian2 import Quantity
from tqdm import tqdm

from .batches import run_batches
from .parameters import ParameterError, check_unit, to_json, unit_name
from .results import code_version, package_versions
from .store import PROVENANCE, TABLE, Store, point_identity  # noqa: F401 (re-exported)
from .streams import check_seed, repeat_seed
from .workers import PREPARE_COUNT, RETRIES, execute, prepared, release, run_local  # noqa: F401 (re-exported)



@dataclass(frozen=True)
class Experiment:
    """A named experiment a sweep can run.

    parameters: name -> default value (a Quantity fixes the parameter's unit).
    run(values, seed, prepared) -> dict of numbers: the point's table row.
    structure(values) -> hashable: points with equal structure share what
    ``prepare(structure)`` made (e.g. a standalone build); an object it
    returns may have ``close()``, called before another structure is prepared
    in the same process. All must be module-level functions or classes
    (local worker processes receive them pickled).
    ``run_batch(group, record, copies, directory)`` (optional): run a group
    [(point, key)] of one structure as copies of one program, calling
    ``record(index, row)`` as each point ends (``run_sweep(copies=B)``).
    choices: word parameter -> its valid words, checked before anything runs
    (a word parameter not listed here takes any word, e.g. a file name).
    """

    name: str
    parameters: dict
    run: object
    structure: object = field(default=None)
    prepare: object = None
    description: str = ""
    run_batch: object = None
    choices: dict = field(default_factory=dict)

    def structure_of(self, values):
        return self.structure(values) if self.structure else ()


#: The one registry of sweep experiments: name -> Experiment, or the module that defines it (``EXPERIMENTS`` of
#: that module, imported when first asked for). The package's own are entered by ``gatedplasticity.papers``.
EXPERIMENTS = {}


def register(experiment):
    """Make ``experiment`` available by its name (``points("name", ...)``); returns it."""
    EXPERIMENTS[experiment.name] = experiment
    return experiment


def register_module(name, module):
    """Make experiment ``name`` of ``module`` (its ``EXPERIMENTS``) available, imported when first asked for."""
    EXPERIMENTS[name] = module


def get(name):
    """A registered experiment by name (an Experiment passes through)."""
    if isinstance(name, Experiment):
        return name
    if name not in EXPERIMENTS:
        raise ParameterError("experiment", f"unknown sweep experiment {name!r}; available: {', '.join(sorted(EXPERIMENTS)) or 'none'}")
    if isinstance(EXPERIMENTS[name], str):
        EXPERIMENTS[name] = importlib.import_module(EXPERIMENTS[name]).EXPERIMENTS[name]
    return EXPERIMENTS[name]


@dataclass(frozen=True)
class Point:
    """One run of an experiment: parameter values (name -> value) and a seed."""

    experiment: Experiment
    values: dict
    seed: int

    def key(self, source):
        """Hash of experiment name, values, seed and the package's ``source`` hash (the file name of its result)."""
        text = json.dumps({"experiment": self.experiment.name, "values": to_json(self.values), "seed": self.seed,
                           "source": source}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def identity(self):
        """What the point is, whatever code runs it (``store.point_identity``): a finished table's ``point``."""
        return point_identity(self.experiment.name, to_json(self.values), self.seed)


#: The most points a sweep makes unless ``max_points`` says more (the CLI's ``--max-points``).
MAX_POINTS = 100_000


def check_value(spec, name, value):
    """One parameter value of ``spec``: a known name, the default's kind and unit, finite, a valid word."""
    owner = f"sweep '{spec.name}'"
    if name not in spec.parameters:
        raise ParameterError(name, f"{owner}: unknown parameter '{name}'; parameters: {', '.join(spec.parameters)}")
    default = spec.parameters[name]
    word = isinstance(default, str) or default is None  # None: an optional word, unset by default
    if word or isinstance(value, str):
        if not (word and (isinstance(value, str) or (value is None and default is None))):
            raise ParameterError(name, f"{owner}: parameter '{name}' takes {'a word' if word else 'a number or quantity'}, "
                                       f"got {value!r}")
        if value is not None and name in spec.choices and value not in spec.choices[name]:
            raise ParameterError(name, f"{owner}: '{name}' must be one of {', '.join(spec.choices[name])}, got {value!r}")
        return
    check_unit(name, value, default, owner)
    magnitude = np.asarray(value / value.get_best_unit() if isinstance(value, Quantity) else value, dtype=float)
    if not np.all(np.isfinite(magnitude)):
        raise ParameterError(name, f"{owner}: '{name}' must be finite, got {value!r}")


def points(experiment, grid=None, rows=None, repeats=1, seed=0, max_points=MAX_POINTS):
    """Points of ``experiment`` (an Experiment, or a registered name) from a ``grid`` {name: [values]}
    (all combinations) or explicit ``rows`` [{name: value}], each repeated ``repeats`` times with
    independent seeds (``streams.repeat_seed(seed, r)``); unset parameters take defaults.

    Raises ParameterError before anything runs: unknown parameter, wrong unit, a value that is not finite,
    a word outside the experiment's choices, an empty grid, more than ``max_points`` points, bad seed.
    """
    spec = get(experiment)
    experiment = spec.name
    seed = check_seed(seed, f"sweep '{experiment}'")
    if (grid is None) == (rows is None):
        raise ParameterError("grid", "give either a grid or explicit rows")
    if isinstance(repeats, bool) or not isinstance(repeats, (int, float)) or int(repeats) != repeats or repeats < 1:
        raise ParameterError("repeats", f"sweep '{experiment}': repeats must be a positive integer, got {repeats!r}")
    if grid is not None:
        if not grid:
            raise ParameterError("grid", f"sweep '{experiment}': the grid names no parameter (to run the defaults, "
                                         "give no grid)")
        for name, values in grid.items():
            if len(values) == 0:
                raise ParameterError(name, f"sweep '{experiment}': parameter '{name}' has no values")
            for value in values:  # each value once, before the combinations are made
                check_value(spec, name, value)
        count = int(np.prod([len(values) for values in grid.values()], dtype=float)) * int(repeats)
    else:
        count = len(rows) * int(repeats)
    if count > max_points:
        raise ParameterError("max_points", f"sweep '{experiment}': {count:,} points, more than max_points = "
                                           f"{max_points:,} (raise it to run them all)")
    if grid is not None:
        rows = [dict(zip(grid, combination)) for combination in product(*grid.values())]
    if not rows:
        raise ParameterError("grid", f"sweep '{experiment}': the grid is empty")
    result = []
    for row in rows:
        if grid is None:
            for name, value in row.items():
                check_value(spec, name, value)
        values = {**spec.parameters, **row}
        result += [Point(spec, values, repeat_seed(seed, repeat)) for repeat in range(int(repeats))]
    return result


def column(table, name):
    """The column of parameter ``name`` in a sweep table, whatever its unit label ("name [unit]")."""
    matches = [c for c in table.columns if c == name or c.startswith(f"{name} [")]
    if not matches:
        raise ParameterError(name, f"the sweep table has no parameter '{name}'")
    return table[matches[0]]


def run_dask(todo, client, record):
    """Submit every point to a Dask cluster (workers that die are retried by Dask)."""
    from distributed import Client, as_completed as dask_completed

    client = client if isinstance(client, Client) else Client(client)
    futures = {client.submit(execute, point, key=f"point-{key}", pure=False, retries=RETRIES): (point, key)
               for point, key in todo}
    for future in dask_completed(futures):
        point, key = futures[future]
        record(point, key, *future.result())


def run_sweep(sweep_points, directory, executor="local", workers=None, progress=True, copies=None, finished=None):
    """Run the points not finished yet in ``directory``; returns the table of all finished points in it, where
    a point that this package source has run shows that run only (:func:`current_runs`; the folder keeps the
    older runs, and ``Store.table()`` has them all).

    ``executor``: "local" (processes on this machine, ``workers`` of them,
    default all cores) or a Dask scheduler address / ``distributed.Client``.
    ``copies``: run the points of an experiment with ``run_batch`` as up to
    that many copies per program, on ``workers`` local processes (``batches.run_batches``).
    ``finished``: a table of points run before (with :meth:`Point.identity` as its ``point`` column, as
    ``Store.table()`` writes it): its points are not run, and its rows of ``sweep_points`` come first in
    the table returned (a point in both keeps the ``finished`` row).
    """
    if not sweep_points:
        raise ParameterError("points", "the sweep has no points")
    held = finished_rows(sweep_points, finished)
    store = Store(directory)
    store.clean()
    version = code_version()
    done = store.keys("done")
    todo = [(point, point.key(version["source"])) for point in sweep_points]
    read = set(held["point"])
    todo = [(point, key) for point, key in todo if key not in done and point.identity() not in read]
    counts = {"done": 0, "failed": 0, "skipped": len(sweep_points) - len(todo), "read": len(read)}
    bar = tqdm(total=len(sweep_points), initial=counts["skipped"], unit="point", disable=not progress,
               desc=f"sweep {sweep_points[0].experiment.name}")

    def record(point, key, outcome, payload, wall_time, write=True):
        if write:
            store.record(point, key, outcome, payload, wall_time, version["source"])
        counts[outcome] += 1
        bar.update()
        bar.set_postfix(counts)

    if copies is not None:
        if sweep_points[0].experiment.run_batch is None or executor != "local":
            raise ParameterError("copies", f"sweep '{sweep_points[0].experiment.name}': copies need an experiment "
                                           "with run_batch and the local executor")
        run_batches(todo, store, copies, workers or os.cpu_count(), record, version["source"])
    elif executor == "local":
        run_local(todo, workers or os.cpu_count(), record)
    else:
        run_dask(todo, executor, record)
    bar.close()
    provenance = {"experiment": sweep_points[0].experiment.name, "points": len(sweep_points), **counts,
                  "code_version": version, "packages": package_versions(),
                  "executor": executor if isinstance(executor, str) else repr(executor)}
    return with_finished(current_runs(store.save_table(provenance), version["source"]), held)


def current_runs(table, source):
    """A sweep folder's ``table`` without the older runs of the points that ``source`` has run again (an
    edited package reruns every point under new keys; its table would hold each of them twice)."""
    if table.empty:
        return table
    rerun = table["source"] == source
    return table[rerun | ~table["point"].isin(set(table.loc[rerun, "point"]))].reset_index(drop=True)


def with_finished(table, held):
    """A sweep folder's ``table`` after ``held``, the :func:`finished_rows` of the sweep's points (what
    :func:`run_sweep` returns; with ``Store(folder).table()``, the same without running anything)."""
    return table if held.empty else pd.concat([held, table], ignore_index=True).drop_duplicates("point",
                                                                                               ignore_index=True)


def finished_rows(sweep_points, finished):
    """The rows of a ``finished`` table that are runs of ``sweep_points`` (an empty table for None)."""
    if finished is None:
        return pd.DataFrame({"point": []})
    if "point" not in finished.columns:
        raise ParameterError("finished", "a finished table needs the 'point' column of Store.table (what each "
                                         "row's point is); an older table lacks it")
    wanted = {point.identity() for point in sweep_points}
    return finished[finished["point"].isin(wanted)].reset_index(drop=True)


def describe(experiment):
    """One line per parameter: name, default with unit."""
    spec = get(experiment)
    return "\n".join(f"{name} = {value} [{unit_name(value) if isinstance(value, Quantity) else '1'}]"
                     for name, value in spec.parameters.items())

