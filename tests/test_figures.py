"""Figure modules: interface, faithful comparison, and comparisons that can fail."""

import numpy as np
import pandas as pd
import pytest

from gatedplasticity import papers
from gatedplasticity.backends import cache_directory
from gatedplasticity.papers.burbank2012 import fig1
from gatedplasticity.papers.figure import COMPARISON_COLUMNS


@pytest.fixture(scope="module")
def quick_runtime():
    return fig1.simulate(seed=0, quick=True, progress=False)


def test_every_figure_module_has_the_interface():
    assert "burbank2012-fig1" in papers.figure_ids()
    for figure_id in papers.figure_ids():
        module = papers.get(figure_id)
        for attribute in ("simulate", "plot", "compare", "PAPER", "DESCRIPTION"):
            assert hasattr(module, attribute), f"{figure_id} lacks {attribute}"


def test_fig1_matches_closed_form(quick_runtime):
    table = fig1.compare(quick_runtime)
    assert list(table.columns) == COMPARISON_COLUMNS
    assert len(table) == 4 and table["passed"].all(), table.to_string()
    window = quick_runtime.tables["window"]
    assert set(window["rule"]) == {"classical", "reverse"}
    assert window["delay_ms"].min() == -100 and window["delay_ms"].max() == 100


def test_fig1_comparison_fails_on_wrong_data(quick_runtime):
    broken = fig1.Result(**{**quick_runtime.__dict__, "tables": {name: t.copy() for name, t in quick_runtime.tables.items()}})
    broken.tables["window"]["dw"] *= 1.001
    broken.tables["drift"]["dw"] *= 1.3  # a 30% error in the all-to-all sum
    table = fig1.compare(broken)
    assert not table["passed"].any(), table.to_string()


def test_fig1_plot_has_three_panels(quick_runtime):
    figure = fig1.plot(quick_runtime)
    assert len(figure.axes) == 3


@pytest.mark.standalone
def test_fig1_standalone_equals_runtime_and_reuses_its_build(quick_runtime):
    standalone = fig1.simulate(seed=0, quick=True, backend="standalone", progress=False)
    for name in ("window", "drift"):
        pd.testing.assert_frame_equal(standalone.tables[name], quick_runtime.tables[name], rtol=1e-12)
    assert fig1.compare(standalone)["passed"].all()
    binary = cache_directory("burbank2012-fig1-quick") / "main"
    built = binary.stat().st_mtime_ns
    again = fig1.simulate(seed=0, quick=True, backend="standalone", progress=False)
    assert binary.stat().st_mtime_ns == built, "the same network must not be recompiled"
    pd.testing.assert_frame_equal(again.tables["drift"], standalone.tables["drift"])


@pytest.mark.slow
def test_fig1_seed_changes_poisson_part_only(quick_runtime):
    other = fig1.simulate(seed=1, quick=True, progress=False)
    pd.testing.assert_frame_equal(other.tables["window"], quick_runtime.tables["window"])
    assert not np.allclose(other.tables["drift"]["dw"], quick_runtime.tables["drift"]["dw"])


def test_fig2_comparison_follows_the_data():
    from gatedplasticity.papers.rao2021 import fig2

    def result(nll_dlr, perceptron_error):
        curves = pd.DataFrame({"presentation": 30_000, "run": [0, 1], "nll_dlr": nll_dlr, "error_dlr": 0.16,
                               "error_perceptron": perceptron_error})
        references = pd.DataFrame({"method": ["logistic regression", "Bayes-optimal"], "nll": [0.361, 0.34], "error": [0.15, 0.14]})
        return fig2.Result(name="rao2021-fig2", tables={"learning_curves": curves, "references": references})

    assert fig2.compare(result([0.37, 0.38], 0.25))["passed"].all()
    failed = fig2.compare(result([0.45, 0.47], 0.155))
    assert list(failed["passed"]) == [False, True, False, False]


def run_pipeline(module, rows, folder, min_axes):
    """simulate (quick, runtime) -> compare (``rows`` finite rows) -> plot -> save; returns the data."""
    data = module.simulate(seed=0, quick=True, backend="runtime", progress=False)
    table = module.compare(data)
    assert list(table.columns) == COMPARISON_COLUMNS and len(table) == rows
    assert np.isfinite(table["reproduced"]).all()
    assert len(module.plot(data).axes) >= min_axes
    data.save(folder / data.name)
    return data


@pytest.mark.slow
def test_fig3_and_fig4_pipelines_run_end_to_end_on_tiny_settings(monkeypatch, tmp_path):
    from gatedplasticity.papers.rao2021 import fig3, fig4
    from gatedplasticity.protocols.moving_object import MovingObject

    monkeypatch.setattr(fig3, "TASK", MovingObject(grid=14, n_position=4, n_speed=3, n_direction=8, start_range=(4, 10),
                                                   speed_range=(1, 3), diameter=3))
    grid = np.arange(14 * 14).reshape(14, 14)
    monkeypatch.setattr(fig3, "setup", lambda quick: {"presentations": 30, "test_samples": 12, "pixels": grid[::2, ::2].ravel()})
    monkeypatch.setattr(fig3, "PREDICTION_REPEATS", 3)
    monkeypatch.setattr(fig4, "setup", lambda quick: {"presentations": 10, "initialisations": 2,
                                                      "configurations_run": list(fig4.QUICK_CONFIGURATIONS)})
    monkeypatch.setattr(fig4, "EVALUATION_SAMPLES", 200)
    for module, rows in ((fig3, 6), (fig4, 7)):  # fig4 --quick: the 2-branch configurations' 7 rows
        run_pipeline(module, rows, tmp_path, min_axes=4)
    slices = fig3.Result.load(tmp_path / "rao2021-fig3").tables["slices"]
    assert list(slices["slice_GU"]) == ["0-5", "5-9", "9-13"]


@pytest.mark.slow
@pytest.mark.parametrize("number, rows", [(3, 3), (4, 15), (5, 13), (6, 4), (7, 6), (8, 2), (9, 3)])
def test_legenstein2010_figures_run_end_to_end_on_tiny_settings(number, rows, monkeypatch, tmp_path):
    """12 targets per session instead of 320, runtime (numpy target): the whole pipeline, not the numbers."""
    from gatedplasticity import papers
    from gatedplasticity.papers.legenstein2010 import experiment as common

    module = papers.get(f"legenstein2010-fig{number}")
    monkeypatch.setattr(common, "TARGETS", 12)
    monkeypatch.setattr(common, "EARLY_LATE", 4)
    monkeypatch.setattr(common, "STEPS_PER_TARGET", 90)  # few targets: no room for averaging out slow trials
    if number == 5:  # one learning rate per control rule: both filter readings, the whole table and choice
        monkeypatch.setattr(module, "MULTIPLIERS", (1.0,))
    if number == 6:
        monkeypatch.setattr(module, "RECORD_EVERY", 100)
        monkeypatch.setattr(module, "GRID_STEP", 4)
    data = run_pipeline(module, rows, tmp_path, min_axes=1)
    if number == 9:  # one row per cell of the grid, each with its own parameters
        landscape = data.tables["landscape"]
        grid = module.QUICK_GRID
        assert sorted(zip(landscape["nu_Hz"], landscape["eta_factor"])) == sorted(
            (nu, factor) for nu in grid["nu_Hz"] for factor in grid["eta_factor"])


def test_legenstein2010_fig4_comparison_follows_the_data():
    from gatedplasticity.papers.legenstein2010 import fig4
    from gatedplasticity.results import Result

    def summary(rotated_50):
        rows = []
        for level, targets in fig4.TARGETS.items():
            (rot, _), (non, _) = targets["shift"]
            rot = rotated_50 if level == "50%" else rot
            (depth_rot, _), (depth_non, _) = targets["depth"]
            (early, _), (late, _) = targets["deviation"]
            rows.append({"condition": level, "shift_rotated_mean": rot, "shift_non_rotated_mean": non,
                         "shift_difference": rot - non, "shift_p_value": 0.001, "depth_rotated_mean": depth_rot,
                         "depth_non_rotated_mean": depth_non, "deviation_early_mm": early, "deviation_late_mm": late})
        return Result(name="legenstein2010-fig4", tables={"summary": pd.DataFrame(rows)})

    assert fig4.compare(summary(18.1))["passed"].all()
    failed = fig4.compare(summary(10.0))  # outside 18.1 +- 4.2 and below the non-rotated shift
    assert sorted(failed.loc[~failed["passed"], "quantity"]) == [
        "50%: PD shift rotated (deg, tol = paper SD)", "50%: rotated minus non-rotated shift (deg; pass if > 0)"]


def test_burbank2012_fig2_linear_model_meets_its_targets_and_the_comparison_can_fail():
    from gatedplasticity.papers.burbank2012 import fig2

    data = fig2.simulate(seed=0)
    table = fig2.compare(data)
    assert table["passed"].all(), table
    assert len(fig2.plot(data).axes) >= 6
    outcomes = data.tables["outcomes"]
    data.tables["outcomes"] = outcomes.assign(final_max_eig=np.where(outcomes["rule_type"] == "pot-rSTDP", 0.4, outcomes["final_max_eig"]))
    assert list(fig2.compare(data).loc[lambda t: ~t["passed"], "quantity"]) == [
        "pot-rSTDP: max |eig(WQ)| at the end (pass if > 1: extreme weights)"]
