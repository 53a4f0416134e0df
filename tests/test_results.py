"""Results: provenance sidecar, round trip, atomic writes."""

import json
import os
import platform
from pathlib import Path

import brian2
import numpy as np
import pandas as pd
import pytest
from brian2 import ms

import gatedplasticity as gp
from gatedplasticity.results import PACKAGE_ROOT, PROVENANCE_FILE, atomic_write, source_hash, write_csv


def example():
    return gp.Result(
        name="example",
        tables={"window": pd.DataFrame({"delay_ms": [-1.0, 1.0], "dw": [-0.012, 0.01]})},
        arrays={"weights": np.arange(6.0).reshape(2, 3)},
        params={"tau_stdp": 20 * ms, "alpha": 1.2, "delays": [1, 2] * ms, "rule": "classical"},
        seed=11, backend="runtime", quick=True, wall_time=1.5,
    )


def test_sidecar_holds_parameters_with_units_and_provenance(tmp_path):
    example().save(tmp_path)
    info = json.loads((tmp_path / PROVENANCE_FILE).read_text())
    assert info["params"]["delays"] == {"value": [0.001, 0.002], "unit": "second"}
    assert info["params"]["alpha"] == 1.2 and info["params"]["rule"] == "classical"
    assert info["seed"] == 11 and info["backend"] == "runtime" and info["quick"] is True
    assert info["wall_time_s"] == 1.5
    assert info["versions"]["brian2"] == brian2.__version__ and info["versions"]["python"] == platform.python_version()
    assert set(info["code"]) == {"commit", "dirty", "source"} and info["code"]["source"] == source_hash()
    assert isinstance(info["command"], list) and info["created"]
    assert info["machine"]["cores"] == os.cpu_count() and info["machine"]["platform"] == platform.platform()
    assert info["machine"]["compile_args"] == list(brian2.prefs["codegen.cpp.extra_compile_args_gcc"])


def test_source_hash_follows_the_package_files_not_their_place_or_byte_code(tmp_path):
    copy = tmp_path / "copy"
    for path in PACKAGE_ROOT.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            target = copy / path.relative_to(PACKAGE_ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    assert source_hash(copy) == source_hash() and len(source_hash()) == 16  # an installed copy: same source
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "sweep.cpython-312.pyc").write_bytes(b"compiled")
    assert source_hash(copy) == source_hash()  # byte code is not source
    module = copy / "sweep.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    edited = source_hash(copy)
    assert edited != source_hash()
    module.rename(copy / "sweep_renamed.py")
    assert source_hash(copy) not in (edited, source_hash())  # the file's name counts, not only its bytes


def test_units_are_kept_in_sidecar(tmp_path):
    example().save(tmp_path)
    tau = json.loads((tmp_path / PROVENANCE_FILE).read_text())["params"]["tau_stdp"]
    assert tau["unit"] == "second" and tau["value"] == pytest.approx(0.02)


def test_round_trip(tmp_path):
    example().save(tmp_path)
    loaded = gp.Result.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.tables["window"], example().tables["window"])
    np.testing.assert_array_equal(loaded.arrays["weights"], example().arrays["weights"])
    assert loaded.seed == 11 and loaded.quick


def test_interrupted_save_leaves_no_partial_file(tmp_path, monkeypatch):
    def write_half_then_fail(self, path, **kwargs):
        with open(path, "w") as handle:
            handle.write("delay_ms,dw\n-1.0,")
        raise KeyboardInterrupt("interrupted mid-write")

    monkeypatch.setattr(pd.DataFrame, "to_csv", write_half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        example().save(tmp_path)
    assert list(tmp_path.iterdir()) == [], "no partial or temporary file may remain"


def test_failed_overwrite_keeps_previous_complete_file(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("complete\n")

    def fail(path):
        open(path, "w").write("partial")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, fail)
    assert target.read_text() == "complete\n" and sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]



def test_write_csv_writes_no_index_and_its_float_format(tmp_path):
    table = pd.DataFrame({"std_w": [0.123456789, 35.0]}, index=[7, 8])
    assert write_csv(tmp_path / "runs.csv", table, "%.3g").read_text() == "std_w\n0.123\n35\n"
    assert pd.read_csv(write_csv(tmp_path / "full.csv", table))["std_w"].tolist() == [0.123456789, 35.0]

@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_honour_the_umask(tmp_path, mask, mode):
    """Issue 30, item 5: mkstemp made every result private (0600) whatever the umask."""
    from gatedplasticity.results import atomic_write

    previous = os.umask(mask)
    try:
        path = atomic_write(tmp_path / "shared.csv", lambda tmp: Path(tmp).write_text("x"))
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == mode
