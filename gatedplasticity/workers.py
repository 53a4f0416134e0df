"""Run sweep points on this machine's cores without forking a multi-threaded process.

A sweep process usually holds threads (BLAS, tqdm's monitor, Dask, Jupyter),
and ``fork()`` from a multi-threaded process may deadlock the child (Python
3.12 warns; 3.14 no longer forks by default). So the sweep process never
forks: it starts one *runner* with ``spawn`` (a fresh interpreter, BLAS
limited to one thread), kept for the rest of the session. The runner

- prepares each structure once (e.g. one standalone build) and keeps it for
  later sweeps, until :func:`gatedplasticity.sweep.release`;
- checks that it is single-threaded (``/proc/self/status``; its environment
  limits BLAS and jemalloc to the calling thread), then forks the
  worker processes, which share what it prepared and only rerun the binary;
  were it not single-threaded it would run the points itself instead, and say
  so with a warning;
- streams every outcome back, so the sweep process records each point as it
  finishes; a worker that dies is retried on a new pool, a runner that dies
  is replaced, and after RETRIES + 1 attempts in a row that finish nothing
  the points left are recorded as failed.

Experiments must be importable by the runner: module-level functions of a
module or of a script with an ``if __name__ == "__main__":`` guard (not of a
notebook cell; there use ``workers=1`` or Dask).
"""

import atexit
import multiprocessing
import os
import time
import traceback
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

RETRIES = 2
#: Environment of the runner, so that it is single-threaded when it forks: one BLAS/OpenMP thread, and
#: no background thread of pyarrow's jemalloc (which pandas loads).
SINGLE_THREADED = {**{name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
                   "JE_ARROW_MALLOC_CONF": "background_thread:false"}

_PREPARED = {}
#: How many times each (experiment, structure) was prepared, here or in the runner: tests count builds with it.
PREPARE_COUNT = {}
#: The runner's thread count at each fork of a worker pool (1 = safe): tests check it.
FORK_THREADS = []
_RUNNER = {}


def release():
    """Close what was prepared (here and in the runner), e.g. leave a standalone build before other Brian2 work."""
    close_prepared()
    stop_runner()


def close_prepared():
    """Close what this process prepared."""
    for key in list(_PREPARED):
        close = getattr(_PREPARED.pop(key), "close", None)
        if close:
            close()


def prepared(spec, structure):
    """What ``spec.prepare(structure)`` made in this process, preparing it (once) if needed."""
    key = (spec.name, structure)
    if key not in _PREPARED:
        close_prepared()
        _PREPARED[key] = spec.prepare(structure) if spec.prepare else None
        PREPARE_COUNT[key] = PREPARE_COUNT.get(key, 0) + 1
    return _PREPARED[key]


def execute(point):
    """Run one point; returns ("done", row, wall time) or ("failed", traceback, wall time)."""
    started = time.perf_counter()
    try:
        spec = point.experiment
        row = spec.run(point.values, point.seed, prepared(spec, spec.structure_of(point.values)))
        return "done", {name: float(value) for name, value in row.items()}, time.perf_counter() - started
    except Exception:  # a failing point is recorded, the sweep goes on
        return "failed", traceback.format_exc(), time.perf_counter() - started


def thread_count():
    """Threads of this process (Linux: every OS thread; elsewhere: Python's threads)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))
    except (OSError, StopIteration):
        import threading

        return threading.active_count()


def threads_before_fork(wait=10.0):
    """This process's thread count, once it is 1 or after ``wait`` s (helper threads of a broken pool
    take a moment to exit)."""
    deadline = time.monotonic() + wait
    while (count := thread_count()) > 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    return count


def structure_groups(todo):
    """Points grouped by (experiment name, structure), in order of first appearance."""
    groups = {}
    for point, key in todo:
        spec = point.experiment
        groups.setdefault((spec.name, spec.structure_of(point.values)), []).append((point, key))
    return groups


def run_local(todo, workers, record):
    """Run ``todo`` [(point, key)] here (``workers`` = 1) or on ``workers`` processes forked by the runner."""
    if workers == 1:
        for (_, structure), group in structure_groups(todo).items():
            prepared(group[0][0].experiment, structure)
            for point, key in group:
                record(point, key, *execute(point))
        return
    left = retried({key: point for point, key in todo}, lambda left: run_on_runner(left, workers, record))
    for key, point in left.items():
        record(point, key, "failed", "the sweep runner died on this point", 0.0)


def retried(left, attempt):
    """Call ``attempt(left)`` (it drops the points it finishes from ``left``) until none are left or
    RETRIES + 1 attempts in a row finished nothing; returns the points left."""
    fruitless = 0
    while left and fruitless <= RETRIES:
        before = len(left)
        attempt(left)
        fruitless = fruitless + 1 if len(left) == before else 0
    return left


def run_on_runner(left, workers, record):
    """Send the points ``left`` {key: point} to the runner; record (and drop from ``left``) each one it finishes."""
    from brian2 import prefs

    connection = runner()
    connection.send(("run", [(point, key) for key, point in left.items()], workers, dict(prefs)))
    try:
        finish_run(connection, left, record)
    except BaseException:  # interrupted: the runner must not go on with points nobody records
        stop_runner(wait=0)
        raise


def finish_run(connection, left, record):
    """Record the runner's outcomes until it reports the end of the run (or dies)."""
    while True:
        if not connection.poll(1.0):
            if not _RUNNER["process"].is_alive():  # the caller starts a new runner for the points left
                stop_runner(wait=0)
                return
            continue
        try:
            message = connection.recv()
        except (EOFError, OSError):
            stop_runner(wait=0)
            return
        if message[0] == "record":
            key, outcome = message[1], message[2:]
            record(left.pop(key), key, *outcome)
        elif message[0] == "error":
            raise RuntimeError(f"the sweep runner failed:\n{message[1]}")
        else:  # "end"
            _, counts, threads, caught = message
            for key, count in counts.items():
                PREPARE_COUNT[key] = PREPARE_COUNT.get(key, 0) + count
            FORK_THREADS.extend(threads)
            for warning in caught:
                warnings.warn(f"in the sweep runner: {warning}", RuntimeWarning, stacklevel=3)
            return


def runner():
    """This session's runner (started with ``spawn`` on first use); returns the connection to it."""
    if _RUNNER and _RUNNER["process"].is_alive():
        return _RUNNER["connection"]
    stop_runner()
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    saved = {name: os.environ.get(name) for name in SINGLE_THREADED}
    os.environ.update(SINGLE_THREADED)
    try:
        process = context.Process(target=serve, args=(theirs,), name="gatedplasticity-sweep-runner")
        process.start()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    theirs.close()
    _RUNNER.update(process=process, connection=ours)
    return ours


def stop_runner(wait=30):
    """Ask the runner to close what it prepared and exit (kill it if it has not after ``wait`` s)."""
    if not _RUNNER:
        return
    process, connection = _RUNNER.pop("process"), _RUNNER.pop("connection")
    try:
        connection.send(("stop",))
    except (OSError, ValueError):
        pass
    process.join(wait)
    if process.is_alive():
        process.kill()
        process.join()
    connection.close()


atexit.register(stop_runner)


def serve(connection):
    """The runner's loop: run the points of each "run" message, until "stop"."""
    while True:
        message = connection.recv()
        if message[0] == "stop":
            close_prepared()
            return
        _, todo, workers, brian_prefs = message
        counts_before = dict(PREPARE_COUNT)
        threads = []
        try:
            with warnings.catch_warnings(record=True) as caught:  # Python's default filters, plus every fork warning
                warnings.filterwarnings("always", message=".*fork", category=DeprecationWarning)
                apply_prefs(brian_prefs)
                for (_, structure), group in structure_groups(todo).items():
                    prepared(group[0][0].experiment, structure)
                    run_structure(group, workers, connection, threads)
        except Exception:
            connection.send(("error", traceback.format_exc()))
            continue
        counts = {key: count - counts_before.get(key, 0) for key, count in PREPARE_COUNT.items()
                  if count != counts_before.get(key, 0)}
        connection.send(("end", counts, threads, [str(warning.message) for warning in caught]))


def apply_prefs(brian_prefs):
    """Use the sweep process's Brian2 preferences (e.g. the code generation target) in the runner."""
    from brian2 import prefs

    for name, value in brian_prefs.items():
        if prefs[name] != value:
            prefs[name] = value


def run_structure(group, workers, connection, threads):
    """Run one structure's points on forked workers (rebuilding the pool when one dies)."""
    def attempt(left):
        threads.append(threads_before_fork())
        if threads[-1] == 1:
            run_pool(left, workers, connection)
            return
        warnings.warn(f"the runner has {threads[-1]} threads; it runs the points itself instead of forking")
        for key in list(left):
            connection.send(("record", key, *execute(left.pop(key))))

    for key in retried({key: point for point, key in group}, attempt):
        connection.send(("record", key, "failed", "worker processes died on this point", 0.0))


def run_pool(left, workers, connection):
    """Run the points ``left`` on ``workers`` forked processes; those of a worker that died stay in ``left``."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(execute, point): key for key, point in left.items()}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool:
                continue
            key = futures[future]
            left.pop(key)
            connection.send(("record", key, *outcome))


def exit_with_parent(parent):
    """In a worker: exit when the runner (pid ``parent``) has died, instead of waiting for work forever."""
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
