"""Random numbers of their own for each copy of a network (``Program(..., copies=B)``).

Brian2's ``rand()`` draws from one generator shared by every neuron and
synapse, so copies placed in one program would take each other's draws.
``copy_rand(copy)`` instead draws a uniform number in [0, 1), and
``copy_randn(copy)`` a standard normal one, from the generator of copy ``copy`` (an integer variable of the group, see
:func:`copy_indices`); each copy's generator is seeded at t = 0 of every run
from the ``("copy", k)`` stream of the run's seed (``Program.run`` does it).
A copy therefore draws the same numbers, in the same order, whether it runs
alone or among others: its elements are contiguous and visited in order.

Implementations: C++ (standalone; one xoshiro256** generator per copy, and
a 128-layer ziggurat for the normal numbers, ``gp_copy_random.h``), NumPy
and Cython (runtime; one ``numpy.random.Generator`` per copy, held by this
module). The two backends draw different numbers.
"""

from pathlib import Path

import numpy as np
from brian2 import NeuronGroup, check_units, declare_types, implementation

#: Each copy's generator in runtime mode (index -> numpy Generator).
GENERATORS = {}

#: The C++ generators live in a header included outside Brian2's per-file anonymous namespace (one set of
#: generators for the whole program, whichever code object draws or seeds).
HEADER = {"headers": ['"gp_copy_random.h"'], "include_dirs": [str(Path(__file__).parent)]}
CYTHON_IMPORT = "from gatedplasticity.backends import copy_random as _gp_copy_random\n"


def copy_indices(copies, per_copy):
    """The copy of each element of a group of ``copies`` x ``per_copy`` elements (copy-major)."""
    return np.repeat(np.arange(copies), per_copy)


def draw(copy, method="random"):
    """One number per element of ``copy`` (indices), each from its copy's generator, in order: uniform in
    [0, 1) (``method="random"``) or standard normal (``"standard_normal"``)."""
    copy = np.atleast_1d(np.asarray(copy, int))
    values = np.empty(len(copy))
    for index in np.unique(copy):
        where = copy == index
        values[where] = getattr(GENERATORS[int(index)], method)(int(where.sum()))
    return values


def reseed(copy, seed):
    """Seed the generator of each ``copy`` with its ``seed`` (runtime); returns the seeds."""
    for index, value in zip(np.atleast_1d(copy), np.atleast_1d(seed)):
        GENERATORS[int(index)] = np.random.default_rng(int(value))
    return np.atleast_1d(np.asarray(seed, float))


def per_copy_draw(name, method, doc):
    """The Brian2 function ``name(copy)``: one number from the generator of ``copy`` per element, drawn in C++
    by ``gp_<name>`` (``gp_copy_random.h``) and at runtime by the numpy Generator's ``method``."""
    def python(copy):
        return draw(copy, method)

    python.__name__, python.__doc__ = name, doc
    function = declare_types(copy="integer", result="float")(python)
    function = check_units(copy=1, result=1)(function)
    function = implementation("cython", f"{CYTHON_IMPORT}\ncdef double {name}(int copy):\n"
                                        f"    return _gp_copy_random.draw(copy, '{method}')[0]\n")(function)
    function = implementation("cpp", f"inline double {name}(int copy) {{ return gp_{name}(copy); }}", **HEADER)(function)
    function.stateless = False  # a new number at every call: never hoisted out of a loop or folded
    return function


copy_rand = per_copy_draw("copy_rand", "random", "A uniform number in [0, 1) from the generator of ``copy``.")
copy_randn = per_copy_draw("copy_randn", "standard_normal",
                           "A standard normal number from the generator of ``copy`` (C++: a ziggurat).")


@implementation("cpp", "inline double seed_copy(int copy, double seed) { return gp_seed_copy(copy, seed); }",
                **HEADER)
@implementation("cython", CYTHON_IMPORT + """
cdef double seed_copy(int copy, double seed):
    return _gp_copy_random.reseed(copy, seed)[0]
""")
@check_units(copy=1, seed=1, result=1)
@declare_types(copy="integer", seed="float", result="float")
def seed_copy(copy, seed):
    """Seed the generator of each ``copy`` with ``seed`` (at t = 0 of every run); returns the seeds."""
    return reseed(copy, seed)


seed_copy.stateless = False  # it acts when called: never hoisted or folded
#: What a group's ``namespace`` needs to draw with ``copy_rand(copy)`` and ``copy_randn(copy)``.
FUNCTIONS = {"copy_rand": copy_rand, "copy_randn": copy_randn}
#: Equations of a group that seeds the copies' generators (one element per copy).
SEEDER = """
copy_seed : 1 (constant)
used_copy_seed : 1
"""


def copy_seeder(copies, duration):
    """(group, operation): one element per copy whose ``copy_seed`` (set per run) seeds that copy's generator at
    t = 0, before anything else runs (once per run of ``duration``)."""
    group = NeuronGroup(copies, SEEDER, name="program_copy_seeder", namespace={"seed_copy": seed_copy})
    return group, group.run_regularly("used_copy_seed = seed_copy(i, copy_seed)", dt=duration, when="start",
                                      order=-1000, name="program_copy_reseed")
