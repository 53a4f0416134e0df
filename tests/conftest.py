import os

import matplotlib
import pytest
from brian2 import prefs

matplotlib.use("Agg")

# Runtime tests use Brian2's numpy target: small networks, no per-object Cython
# compilation (~3 s each on a fresh machine). Compiled code is exercised by the
# standalone tests and by the CLI smoke test (Cython, in a subprocess).
prefs.codegen.target = "numpy"


@pytest.fixture(scope="session", autouse=True)
def standalone_cache(tmp_path_factory):
    """Build standalone projects in a fresh folder for this test session (one per pytest-xdist worker:
    ``tmp_path_factory`` is per worker, so two workers never build in the same folder)."""
    os.environ["GATEDPLASTICITY_CACHE"] = str(tmp_path_factory.mktemp("standalone-cache"))
    yield


def pytest_collection_modifyitems(items):
    """Long tests (standalone builds, slow) first, the rest in their order: under ``pytest -n auto`` the
    workers then finish on short tests together instead of one worker ending alone on a long one."""
    items.sort(key=lambda item: not (item.get_closest_marker("standalone") or item.get_closest_marker("slow")))
