"""Choose where Brian2 code runs: ``"runtime"`` (Cython, interactive) or
``"standalone"`` (one compiled C++ program, for long runs).

A :class:`Session` hides the difference. Build the network inside the
session, call :meth:`Session.run`, read monitors, and under standalone call
:meth:`Session.rerun` with new ``run_args`` (initial values of variables,
e.g. a rule's tunable parameters) to run the same binary again without
recompiling.

Standalone programs skip ``network_operation`` silently; a session rejects
them before building instead. Closed loops that must run compiled use
``run_regularly``, summed variables, custom events or ``@implementation``
functions.
"""

import gc
import itertools
import os
import time
from pathlib import Path
from typing import Literal, get_args

import brian2
import numpy as np
from brian2 import Network, NetworkOperation, defaultclock, device, set_device
from tqdm import tqdm

try:
    import fcntl
except ImportError:  # not POSIX: no locks, so each process builds in a folder of its own
    fcntl = None

from .. import precompiled, streams
from ..parameters import ParameterError

#: Where Brian2 code runs: Cython/NumPy in this process, or one compiled C++ program.
Backend = Literal["runtime", "standalone"]
BACKENDS = get_args(Backend)
CACHE_ENV = "GATEDPLASTICITY_CACHE"
LOCK = ".gatedplasticity-lock"  # held by the session that builds or runs in the folder


class StandaloneUnsupportedError(RuntimeError):
    """A runtime-only feature was used in a standalone session."""


def check_backend(backend, supported=BACKENDS):
    """Raise ParameterError naming 'backend' unless it is one of ``supported``."""
    if backend not in supported:
        raise ParameterError("backend", f"unknown or unsupported backend {backend!r}; choose one of {', '.join(supported)}")
    return backend


def cache_root():
    """The package's cache folder: ``$GATEDPLASTICITY_CACHE`` or ``~/.cache/gatedplasticity``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "gatedplasticity")


def cache_directory(name):
    """Folder where standalone project ``name`` is built and kept for reuse (``name``: one plain folder name)."""
    if not isinstance(name, str) or not name or name.startswith(".") or any(c in name for c in "/\\\0"):
        raise ParameterError("name", f"a project name is one folder name (no '/', no leading '.'), got {name!r}")
    return cache_root() / "standalone" / name


def claim_folder(folder, named=True):
    """Make ``folder`` and lock it for this session; returns (folder, open lock file).

    A named project whose folder another session holds (another process, or another open session here)
    gets the first free ``<name>@2``, ``<name>@3``, ... (kept for reuse like the first); an explicit
    ``directory`` in use raises ParameterError. Without file locks (not POSIX, or a file system that
    refuses them) a named project builds in ``<name>@pid<process id>`` instead.
    """
    for attempt in itertools.count(1):
        candidate = folder if attempt == 1 else folder.with_name(f"{folder.name}@{attempt}")
        candidate.mkdir(parents=True, exist_ok=True)
        lock = open(candidate / LOCK, "w")
        try:
            if fcntl is None:
                raise OSError("no file locks here")
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return candidate, lock
        except BlockingIOError:
            lock.close()
            if not named:
                raise ParameterError("directory", f"Session: {folder} is in use by another session") from None
        except OSError:
            if not named:
                return candidate, lock
            lock.close()
            own = folder.with_name(f"{folder.name}@pid{os.getpid()}")
            own.mkdir(parents=True, exist_ok=True)
            return own, open(own / LOCK, "w")


def in_use(folder):
    """True while a session holds ``folder`` (see ``claim_folder``)."""
    if fcntl is None or not (Path(folder) / LOCK).exists():
        return False
    with open(Path(folder) / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:  # no locks on this file system: folders there are per process (claim_folder)
            return False
        fcntl.flock(lock, fcntl.LOCK_UN)
    return False


def check_standalone(network):
    """Raise StandaloneUnsupportedError if ``network`` holds runtime-only objects."""
    operations = [obj.name for obj in network.objects if isinstance(obj, NetworkOperation)]
    if operations:
        raise StandaloneUnsupportedError(
            "network_operation objects are skipped by the C++ standalone backend: "
            f"{', '.join(operations)}. Use run_regularly, summed variables, custom "
            "events or @implementation('cpp', ...) functions, or backend='runtime'."
        )


def progress_report(description):
    """A Brian2 ``report=`` callback that drives a tqdm bar (runtime mode)."""
    bar = tqdm(total=100, desc=description, unit="%", leave=False)

    def report(elapsed, completed, start, duration):
        bar.n = round(100 * float(completed))
        bar.refresh()
        if completed >= 1:
            bar.close()

    return report


class Session:
    """One Brian2 simulation context on a chosen backend.

    Parameters
    ----------
    backend : "runtime" or "standalone"
    seed : int or None
        The experiment's seed: Brian2's random numbers are seeded with its
        ``"brian2"`` stream (``streams.integer(seed, "brian2")``), so they
        share no draws with the NumPy streams of other roles.
    name : str
        Standalone project name; the build is kept in ``cache_directory(name)``
        (or ``directory``) so later runs of the same network reuse compiled code.
        While the session is open it holds the folder: a concurrent session of
        the same name builds in ``<name>@2`` (see ``claim_folder``).
    dt : Quantity
        Simulation time step.
    progress : bool
        Show a progress bar (runtime) or Brian2's text report (standalone).
    """

    def __init__(self, backend="runtime", seed=None, name="simulation", directory=None,
                 dt=0.1 * brian2.ms, progress=True):
        self.backend = check_backend(backend)
        self.seed = None if seed is None else streams.check_seed(seed, "Session")
        self.directory = Path(directory) if directory else cache_directory(name)
        self.named = not directory
        if not (isinstance(dt, brian2.Quantity) and dt.dim == brian2.second.dim and np.isfinite(float(dt)) and dt > 0):
            raise ParameterError("dt", f"Session: dt must be a positive time step such as 0.1*ms, got {dt!r}")
        self.dt = dt
        self.progress = progress

    @property
    def standalone(self):
        return self.backend == "standalone"

    def __enter__(self):
        # Objects of earlier sessions must be gone so that automatic names
        # ("synapses", not "synapses_1") and hence generated code repeat exactly:
        # that is what lets a standalone build be reused.
        gc.collect()
        if self.standalone:
            self.directory, self._lock = claim_folder(self.directory, self.named)
            set_device("cpp_standalone", directory=str(self.directory), build_on_run=False)
            self.device = brian2.get_device()
            self.device.reinit()  # a session never closed left its code and flags on this one device object
            set_device(self.device, directory=str(self.directory), build_on_run=False)
            self.device.extra_compile_args += precompiled.include_args(cache_root(), self.device.extra_compile_args)
        else:
            set_device("runtime")
        brian2.start_scope()
        defaultclock.dt = self.dt
        if self.seed is not None:
            brian2.seed(streams.integer(self.seed, "brian2"))
        return self

    def __exit__(self, *exc):
        if self.standalone:
            device.reinit()
            set_device("runtime")
            self._lock.close()  # releases the folder
        return False

    def run(self, duration, objects, description="simulating"):
        """Run ``objects`` (Brian2 objects or a Network) for ``duration``; returns wall time in s.

        The run namespace is empty: identifiers resolve only in each group's
        own ``namespace=`` (and Brian2's units and functions), never in the
        caller's globals or locals.
        """
        network = objects if isinstance(objects, Network) else Network(objects)
        self.run_stage(duration, network, description)
        return self.finish()

    def run_stage(self, duration, network, description="simulating", profile=False):
        """One of several consecutive runs of ``network`` (e.g. sessions of an experiment).

        Between stages, set variables as usual (standalone records the
        assignments). Under standalone nothing executes before :meth:`finish`.
        ``profile``: time every code object (Brian2's profiling).
        """
        if not hasattr(self, "_started"):
            self._started = time.perf_counter()
        if self.standalone:
            check_standalone(network)
            network.run(duration, report="text" if self.progress else None, namespace={}, profile=profile)
        else:
            report = progress_report(description) if self.progress else None
            network.run(duration, report=report, namespace={})

    def finish(self, run=True):
        """Build and (unless ``run=False``: only compile, for later reruns) execute the standalone program
        (no-op in runtime); returns wall time since the first stage."""
        if self.standalone:
            sort_clock_resets(device)
            device.build(directory=str(self.directory), compile=True, run=run, with_output=self.progress)
        return time.perf_counter() - self.__dict__.pop("_started")

    def rerun(self, run_args, results_directory=None):
        """Run the built standalone binary again with new initial values.

        ``run_args`` maps variables (e.g. ``synapses.mu``) to values; nothing is
        regenerated or recompiled. ``results_directory`` (relative to the
        project) keeps concurrent reruns apart; results are read from it
        afterwards. Returns wall time in s.
        """
        for target, value in run_args.items():  # Brian2 reads a non-finite scalar as a file name, then keeps
            magnitude = np.asarray(value)  # the built value without a word
            if magnitude.ndim == 0 and magnitude.dtype.kind in "fc" and not np.isfinite(magnitude):
                name = getattr(target, "name", str(target))
                raise ParameterError(name, f"Session.rerun: the value of '{name}' must be finite, got {value!r}")
        if not self.standalone:
            raise StandaloneUnsupportedError(
                "rerun(run_args) reuses a compiled binary and needs backend='standalone'; "
                "in runtime mode set the variables and call run() again"
            )
        started = time.perf_counter()
        if brian2.get_device() is not self.device:  # runtime work since the build switched devices: switch back
            set_device(self.device, build_on_run=False, directory=str(self.directory))
        self.device.run(directory=str(self.directory), with_output=self.progress, run_args=run_args,
                        results_directory=results_directory)
        return time.perf_counter() - started

    def binary(self):
        """Path of the compiled standalone program."""
        return self.directory / "main"


def sort_clock_resets(standalone_device):
    """Write the clock resets at the start of each run in name order, so that the same network always
    generates the same ``main.cpp`` (and a kept build is not recompiled).

    Brian2 resets each clock's ``t`` and ``timestep`` by iterating over a set of clocks, whose order
    changes from process to process; the assignments are independent, so sorting each consecutive
    run of them changes nothing but the text.
    """
    clock_arrays = {standalone_device.get_array_name(clock.variables[name])
                    for clock in standalone_device.clocks for name in ("t", "timestep")}
    queue = standalone_device.main_queue

    def is_reset(entry):
        return entry[0] == "set_by_single_value" and entry[1][0] in clock_arrays

    start = 0
    while start < len(queue):
        end = start
        while end < len(queue) and is_reset(queue[end]):
            end += 1
        if end > start:
            queue[start:end] = sorted(queue[start:end], key=lambda entry: entry[1][0])
        start = end + 1
