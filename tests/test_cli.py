"""End-to-end CLI smoke tests (console script, default Cython runtime)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = shutil.which("gatedplasticity", path=str(Path(sys.executable).parent)) or "gatedplasticity"


def run(*args, cwd=None):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_list_names_each_figure_with_its_paper():
    result = run("list")
    assert result.returncode == 0
    assert "burbank2012-fig1" in result.stdout and "Burbank & Kreiman 2012" in result.stdout


@pytest.mark.slow
def test_reproduce_quick_writes_everything(tmp_path):
    result = run("reproduce", "burbank2012-fig1", "--quick", "--seed", "3", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    folder = tmp_path / "burbank2012-fig1"
    for name in ("burbank2012-fig1.png", "burbank2012-fig1.pdf", "window.csv", "drift.csv", "provenance.json", "comparison.csv"):
        assert (folder / name).stat().st_size > 0, name
    table = pd.read_csv(folder / "comparison.csv")
    assert table["passed"].all()
    assert "published" in result.stdout and "reproduced" in result.stdout
    assert '"seed": 3' in (folder / "provenance.json").read_text()


def test_a_seed_for_a_deterministic_figure_is_refused(tmp_path):
    result = run("reproduce", "milstein2021-fig1", "--seed", "2", "--out", str(tmp_path))
    assert result.returncode == 2 and not any(tmp_path.iterdir())
    assert result.stderr.strip().splitlines()[-1].startswith("gatedplasticity: --seed: milstein2021-fig1 does not depend")


def test_unknown_figure_lists_valid_ones():
    result = run("reproduce", "rao2021-fig99")
    assert result.returncode == 2
    assert "unknown figure 'rao2021-fig99'" in result.stderr and "burbank2012-fig1" in result.stderr


def test_an_unexpected_error_prints_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    """Issue 30, item 8: uncaught errors printed a traceback and Brian2's report-a-bug banner."""
    from gatedplasticity import cli

    def broken(*args):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(cli, "list_figures", broken)
    assert cli.main(["list"]) == 1
    message = capsys.readouterr().err
    assert message == "gatedplasticity: RuntimeError: disk on fire (rerun with --debug for the traceback)\n"
    with pytest.raises(RuntimeError, match="disk on fire"):
        cli.main(["--debug", "list"])


def test_cache_shows_its_size_and_clean_removes_only_old_builds(tmp_path, monkeypatch, capsys):
    """Issue 30, item 6: build folders piled up (20 GB here) with no way to see or clean them."""
    import os
    import time

    from gatedplasticity import cli
    from gatedplasticity.backends.session import claim_folder

    monkeypatch.setenv("GATEDPLASTICITY_CACHE", str(tmp_path))
    old, recent, checkpoint = tmp_path / "standalone" / "old-1x", tmp_path / "standalone" / "new-1x", tmp_path / "runs"
    held = tmp_path / "standalone" / "held-1x"  # old, but an open session (a long run's program) holds it
    for folder in (old, recent, checkpoint, held):
        folder.mkdir(parents=True)
        (folder / "main").write_bytes(b"0" * 2**20)
    _, lock = claim_folder(held)
    month_ago = time.time() - 30 * 86400
    for path in (old / "main", old, checkpoint / "main", checkpoint, *held.iterdir(), held):
        os.utime(path, (month_ago, month_ago))
    assert cli.main(["cache"]) == 0
    assert "standalone" in capsys.readouterr().out
    assert cli.main(["cache", "clean", "--older-than", "7"]) == 0
    assert "removed 1 build folders" in capsys.readouterr().out
    assert not old.exists() and recent.exists() and checkpoint.exists()  # checkpoints are never cleaned
    assert held.exists()
    lock.close()
