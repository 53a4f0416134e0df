"""Choose where Brian2 code runs, ``"runtime"`` (Cython or NumPy, interactive) or ``"standalone"`` (one
compiled C++ program), and build a network once to run it many times.

- :class:`Session`: one simulation context on a backend (build, run, read).
- :class:`Program`: a network built once from a build function and a frozen structure, run again and
  again with new values (``run_args`` reruns under standalone, ``store``/``restore`` under runtime), as one
  or many independent copies.
- :func:`seeded`: a per-run seed for a standalone program.
"""

from .program import Built, Program
from .seeding import SEEDER, reseed, seeded
from .session import (BACKENDS, CACHE_ENV, Backend, Session, StandaloneUnsupportedError, cache_directory, cache_root,
                      check_backend, check_standalone, progress_report, sort_clock_resets)

__all__ = ["Built", "Program", "SEEDER", "reseed", "seeded", "BACKENDS", "CACHE_ENV", "Backend", "Session",
           "StandaloneUnsupportedError", "cache_directory", "cache_root", "check_backend", "check_standalone",
           "progress_report", "sort_clock_resets"]
