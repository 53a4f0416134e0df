"""Sweep points run as batches: the points of one structure as copies of one compiled program per process.

``run_sweep(points, folder, copies=B)`` comes here for an experiment with
``run_batch`` (e.g. ``burbank-if``): the points of each structure are split
round robin into one group per worker, each group runs in a spawned process
(``run_batch(group, record, copies, folder)``) and writes every point to the
folder as it ends, so an interruption loses only the points in flight (they
resume from their own checkpoints if the experiment keeps them).
"""

import json
import multiprocessing
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed

from .store import Store
from .workers import structure_groups


def run_batches(todo, store, copies, workers, record, source):
    """Run ``todo`` as batches: the points of each structure split into ``workers`` groups (round robin), each
    group one process running ``run_batch`` on ``copies`` copies and writing each point as it ends (with the
    package ``source`` hash of its key)."""
    groups = [part for group in structure_groups(todo).values()
              for part in (group[k::workers] for k in range(min(workers, len(group))))]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(execute_batch, group, str(store.directory), copies, source): group for group in groups}
        for future in as_completed(futures):
            future.result()
            for point, key in futures[future]:
                outcome = "done" if key in store.keys("done") else "failed"
                entry = json.loads((store.directory / outcome / f"{key}.json").read_text())
                record(point, key, outcome, entry.get("row", entry.get("traceback")), entry["wall_time"], write=False)


def execute_batch(group, directory, copies, source):
    """Run one batch [(point, key)] in this process; each point is written to ``directory`` as it ends
    (a batch that raises records its unfinished points as failed)."""
    store, started = Store(directory), time.perf_counter()

    def record(index, row):
        point, key = group[index]
        store.record(point, key, "done", {name: float(value) for name, value in row.items()},
                     time.perf_counter() - started, source)

    try:
        group[0][0].experiment.run_batch(group, record, copies, directory)
    except Exception:  # the sweep goes on; what finished is kept
        failure, done = traceback.format_exc(), store.keys("done")
        for point, key in group:
            if key not in done:
                store.record(point, key, "failed", failure, time.perf_counter() - started, source)
