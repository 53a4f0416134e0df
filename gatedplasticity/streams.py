"""Independent, named random streams derived from one user seed.

Every source of randomness in an experiment has a *role* ("circuit",
"rotation", "targets", "chunk" 3, "repeat" 2, "brian2", ...). Its stream is
``numpy.random.SeedSequence(seed, spawn_key=(role, *index))`` with the role
turned into a stable integer: streams of different roles, or of different
indices of one role, are independent by construction (SeedSequence's
guarantee), and the same (seed, role, index) always gives the same draws on
every machine and Python version.

``generator(seed, role, *index)`` returns a ``numpy.random.Generator``;
``integer(seed, role, *index)`` a 31-bit integer for code that takes an int
seed (Brian2's ``seed()``, a standalone ``run_seed``, a protocol).
Sweep repeats use :func:`repeat_seed`: repeat 0 is the seed itself, repeat
r > 0 a child of it, so two repeats never share draws (``seed + 1`` would
have made repeat s + 1's first stream repeat s's second).
"""

import zlib

import numpy as np

from .parameters import ParameterError


def check_seed(seed, owner="seed"):
    """``seed`` as a non-negative int; ParameterError naming 'seed' otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError("seed", f"{owner}: 'seed' must be a non-negative integer, got {seed!r}")
    return int(seed)


def role_key(role):
    """A stable integer for a role name (CRC-32 of its UTF-8 bytes)."""
    if not isinstance(role, str) or not role:
        raise ParameterError("role", f"a random stream's role must be a non-empty string, got {role!r}")
    return zlib.crc32(role.encode())


def sequence(seed, role, *index):
    """The SeedSequence of stream ``role`` (with integer ``index`` es) of ``seed``."""
    for value in index:
        check_seed(value, f"stream '{role}' index")
    return np.random.SeedSequence(check_seed(seed), spawn_key=(role_key(role), *map(int, index)))


def generator(seed, role, *index):
    """A NumPy Generator drawing stream ``role`` of ``seed``."""
    return np.random.default_rng(sequence(seed, role, *index))


def integer(seed, role, *index):
    """An integer seed in [0, 2**31) for stream ``role`` of ``seed`` (for APIs that take an int)."""
    return int(sequence(seed, role, *index).generate_state(1, np.uint32)[0] >> 1)


def repeat_seed(seed, repeat):
    """Seed of repeat ``repeat`` of a sweep point: the seed itself for repeat 0, a child stream otherwise."""
    return check_seed(seed) if check_seed(repeat, "repeat") == 0 else integer(seed, "repeat", repeat)
