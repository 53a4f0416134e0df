"""Build a network once, run it many times with new values, on either backend, as one or many copies.

A :class:`Program` is made from a *build function* and a hashable *structure*
(the compile-time choices: sizes, rule variants, options). ``build(structure,
copies)`` creates the Brian2 objects inside the program's session and
returns a :class:`Built`: the objects, the duration of one run, the named
run-time *values* a run may set (variables or TimedArrays), the named
*outputs* read after it, and optionally the value that switches learning.

``program.run(values, seed)`` sets the values (quantities are checked for
their unit), seeds Brian2 with the ``"brian2"`` stream of ``seed``, runs and
returns the outputs. Under ``"standalone"`` the C++ program is built once
(on entering) and every run is a rerun with ``run_args``: nothing is
regenerated or recompiled. Under ``"runtime"`` the network is stored after
the build and restored before every run.

Copies: with ``copies=B`` the build function lays out B independent copies
of its network copy-major in every group (copy k owns elements
``k * n .. (k + 1) * n - 1``; synapses connect within a copy, created in
copy order). A value may then be one number, one per copy, one per element
of a copy (the same for every copy) or one per element; every output comes
back split per copy (first axis B). ``run(..., frozen=[k])`` switches the
learning of copy k off.
"""

import hashlib
import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy as np
from brian2 import Network, NeuronGroup, Quantity, TimedArray, get_dimensions, ms
from brian2 import seed as brian2_seed

from .. import streams
from ..parameters import ParameterError
from . import copy_random
from .seeding import SEEDER, seeded
from .session import Session, check_backend

OWNER = "Program"


@dataclass
class Built:
    """What a build function returns.

    - ``objects``: the Brian2 objects of one run.
    - ``duration``: the length of one run (a Quantity).
    - ``values``: name -> variable (``group.var``) or TimedArray that :meth:`Program.run` may set.
    - ``outputs``: name -> variable, or a function of no argument returning an array, read after each run.
    - ``sizes``: name -> number of elements of a value or output whose group Brian2 cannot size before a
      standalone run (synapses); other sizes are read from their groups.
    - ``learning``: name of a value (1 per element: learning on, 0: off) that ``frozen`` copies get 0 for.
    - ``copy_streams``: the network draws with ``copy_rand(copy)`` (``backends.copy_random``); each copy's
      generator is seeded at t = 0 of every run (:meth:`Program.copy_seeds`).
    """

    objects: list
    duration: Quantity
    values: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    learning: str = None
    copy_streams: bool = False


def structure_digest(structure):
    """Eight hex digits that name ``structure`` the same in every process (its ``key()`` where it has one:
    Python's ``hash`` of strings changes from process to process)."""
    text = repr(structure.key() if callable(getattr(structure, "key", None)) else structure)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


class Program:
    """One network built once and run many times with new values (see the module docstring).

    Parameters
    ----------
    build : callable(structure, copies) -> Built
    structure : hashable
        The compile-time choices, passed to ``build``; part of the build folder's name.
    backend : "standalone" or "runtime"
    copies : int
        Independent copies of the network in one program.
    name : str
        Name of the standalone project (default: the build function's); the copies and a digest of the
        structure are appended, so a later program of the same structure reuses the compiled build (a
        concurrent one builds in a folder of its own: ``Session``).
    dt : Quantity
        The default clock's time step.
    profile : bool
        Time every code object of each run (``profile_times()``).
    """

    def __init__(self, build, structure=(), *, backend="standalone", copies=1, name=None, dt=0.1 * ms,
                 progress=False, profile=False):
        try:
            hash(structure)
        except TypeError:
            raise ParameterError("structure", f"{OWNER}: the structure must be hashable (frozen), "
                                              f"got {type(structure).__name__}") from None
        if isinstance(copies, bool) or not isinstance(copies, (int, np.integer)) or copies < 1:
            raise ParameterError("copies", f"{OWNER}: copies must be a positive integer, got {copies!r}")
        self.build, self.structure, self.copies = build, structure, int(copies)
        self.backend = check_backend(backend)
        base = name or getattr(build, "__name__", "program").strip("_")
        self.name = f"{base}-{self.copies}x-{structure_digest(structure)}"
        self.dt, self.progress, self.profile = dt, progress, profile
        self.built, self._stack = None, None

    @property
    def standalone(self):
        return self.backend == "standalone"

    def open(self):
        """Build the network (and under standalone compile it); returns the program. ``with`` does this."""
        if self.built is not None:
            return self
        self._stack = ExitStack()
        try:
            self._open()
        except BaseException:  # a build that fails must not leave Brian2's device holding its half-made program
            self.close()
            raise
        return self

    def _open(self):
        self.session = self._stack.enter_context(Session(self.backend, name=self.name, dt=self.dt,
                                                         progress=self.progress))
        self.built = self.build(self.structure, self.copies)
        objects = list(self.built.objects)
        if self.standalone:
            self.seeder = NeuronGroup(1, SEEDER, name="program_seeder")
            objects += [self.seeder, seeded(self.seeder)]
        if self.built.copy_streams:
            self.copy_seeder, reseed_copies = copy_random.copy_seeder(self.copies, self.built.duration)
            objects += [self.copy_seeder, reseed_copies]
        self.network = Network(objects)
        if self.standalone:
            for stale in self.session.directory.glob("results-*"):  # of earlier holders of the folder
                shutil.rmtree(stale, ignore_errors=True)
            self.session.run_stage(self.built.duration, self.network, profile=self.profile)
            self.session.finish(run=False)
        else:
            self.network.store("program")

    def close(self):
        """Leave the program's session and let its Brian2 objects go (the next build's automatic names, and
        hence its code, then repeat)."""
        if self._stack is not None:
            self._stack.close()
        self.built = self.network = self.seeder = self.copy_seeder = self._stack = None

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()
        return False

    def run(self, values=None, seed=0, frozen=(), generator_seed=None):
        """Run once from the built state with ``values`` {name: value}; returns {output name: array}.

        Outputs have the copies on their first axis. ``seed``: one, or one per copy (see
        :meth:`copy_seeds`; Brian2's own generator gets the first). ``frozen``: copies whose learning is off
        (needs the build's ``learning`` value). ``generator_seed``: the integer Brian2's generators get, instead of
        the ``"brian2"`` stream of ``seed`` (for runs whose seeds were derived otherwise before).
        """
        if self.built is None:
            raise RuntimeError(f"{OWNER}: build it first: 'with Program(...) as program:' (or program.open())")
        copy_seeds = self.copy_seeds(seed)
        seed = streams.check_seed(seed if np.ndim(seed) == 0 else seed[0], OWNER)
        generator_seed = streams.integer(seed, "brian2") if generator_seed is None else int(generator_seed)
        assignments = self.assignments({**self.learning_values(frozen), **(values or {})})
        if self.built.copy_streams:
            assignments[self.copy_seeder.copy_seed] = copy_seeds
        if self.standalone:
            run_args = {**assignments, self.seeder.run_seed: generator_seed}
            self.session.rerun(run_args, results_directory=self.results_directory)
        else:
            self.network.restore("program")
            for target, value in assignments.items():
                if isinstance(target, TimedArray):
                    target.values[...] = value  # the compiled code reads this array
                else:
                    target[:] = value
            brian2_seed(generator_seed)
            self.network.run(self.built.duration, namespace={}, profile=self.profile)
        return {name: self.per_copy(name, self.read(output)) for name, output in self.built.outputs.items()}

    @property
    def results_directory(self):
        """Where this process's standalone runs write their results (relative to the project): sweep workers
        forked after the build rerun the same binary at once."""
        return f"results-{os.getpid()}"

    def profile_times(self):
        """{code object: seconds} of the last run, longest first (needs ``profile=True``)."""
        if not self.profile:
            raise ParameterError("profile", f"{OWNER}: build with profile=True to time the code objects")
        if self.standalone:
            lines = (self.session.directory / self.results_directory / "profiling_info.txt").read_text().splitlines()
            times = {name: float(seconds) for name, seconds in (line.split()[:2] for line in lines if line.strip())}
        else:
            times = {name: float(seconds) for name, seconds in self.network.profiling_info}
        return dict(sorted(times.items(), key=lambda item: -item[1]))

    def copy_seeds(self, seed):
        """The seed of each copy's generator: the ``("copy", k)`` stream of one ``seed``, or the ``("copy", 0)``
        stream of each copy's own seed (a sequence of one per copy: copy k then draws as a one-copy program run
        with seed[k] does)."""
        if np.ndim(seed) == 0:
            return np.array([streams.integer(streams.check_seed(seed, OWNER), "copy", k) for k in range(self.copies)], float)
        if len(seed) != self.copies:
            raise ParameterError("seed", f"{OWNER}: give one seed, or one per copy ({self.copies}), got {len(seed)}")
        return np.array([streams.integer(streams.check_seed(int(s), OWNER), "copy", 0) for s in seed], float)

    def with_units(self, magnitudes):
        """{name: Quantity} from plain SI magnitudes (e.g. outputs of an earlier run), in each value's unit."""
        targets = {name: self.target(name) for name in magnitudes}
        return {name: value if isinstance(targets[name], TimedArray) else Quantity(value, dim=targets[name].dim)
                for name, value in magnitudes.items()}

    def target(self, name):
        """The variable or TimedArray of value ``name``."""
        if name not in self.built.values:
            raise ParameterError(name, f"{OWNER}: unknown value '{name}'; this network takes "
                                       f"{', '.join(self.built.values) or 'no values'}")
        return self.built.values[name]

    def learning_values(self, frozen):
        frozen = sorted(set(int(k) for k in frozen))
        if not frozen:
            return {}
        if self.built.learning is None:
            raise ParameterError("frozen", f"{OWNER}: this network declares no learning switch to freeze copies with")
        if frozen[0] < 0 or frozen[-1] >= self.copies:
            raise ParameterError("frozen", f"{OWNER}: copies are numbered 0..{self.copies - 1}, got {frozen}")
        switch = np.ones(self.copies)
        switch[frozen] = 0
        return {self.built.learning: switch}

    def assignments(self, values):
        """{variable or TimedArray: per-element value} for ``values`` {name: value}, checked."""
        result = {}
        for name, value in values.items():
            target = self.target(name)
            if isinstance(target, TimedArray):
                result[target] = self.timed_values(name, target, value)
            else:
                result[target] = self.expand(name, value, target)
        return result

    def timed_values(self, name, target, value):
        value = np.asarray(value, float)
        if value.shape != target.values.shape:
            raise ParameterError(name, f"{OWNER}: '{name}' needs an array of shape {target.values.shape}, "
                                       f"got {value.shape}")
        return value

    def expand(self, name, value, variable):
        """One value per element of ``variable`` from a scalar, one per copy, one per element of a copy, or one
        per element; the unit must be the variable's."""
        if get_dimensions(value) != variable.dim:
            unit = "no unit" if variable.dim.is_dimensionless else f"the unit of {variable.unit}"
            raise ParameterError(name, f"{OWNER}: '{name}' needs {unit}, got {value!r}")
        magnitude = np.asarray(value, float)
        if magnitude.ndim == 0:
            return Quantity(magnitude, dim=variable.dim)
        size, copies = self.size(name, variable), self.copies
        if magnitude.size == size:
            flat = magnitude.ravel()
        elif magnitude.shape == (copies,) and size % copies == 0:
            flat = np.repeat(magnitude, size // copies)
        elif copies > 1 and magnitude.size * copies == size:
            flat = np.tile(magnitude.ravel(), copies)
        else:
            raise ParameterError(name, f"{OWNER}: '{name}' takes one value, one per copy ({copies}), one per "
                                       f"element of a copy ({size // copies}) or one per element ({size}); "
                                       f"got shape {magnitude.shape}")
        return Quantity(flat, dim=variable.dim)

    def size(self, name, variable):
        if name in self.built.sizes:
            return self.built.sizes[name]
        return 1 if variable.variable.scalar else variable.variable.size

    def read(self, output):
        return np.array(output() if callable(output) else output[:], dtype=float)

    def per_copy(self, name, array):
        """``array`` with the copies on its first axis (elements are copy-major)."""
        if self.copies == 1:
            return array[None]
        if array.shape[0] % self.copies:
            raise RuntimeError(f"{OWNER}: output '{name}' has {array.shape[0]} elements, not a multiple of "
                               f"{self.copies} copies")
        return array.reshape(self.copies, array.shape[0] // self.copies, *array.shape[1:])
