"""BTSP fitting without simulations: data formats and their errors, the ramp fit, paths, loss and bootstrap algebra."""

import numpy as np
import pandas as pd
import pytest
from brian2 import cm

from gatedplasticity.analysis import place_fields
from gatedplasticity.fitting import data as recorded, fit
from gatedplasticity.fitting.objective import InductionObjective, model_ramps
from gatedplasticity.models.btsp import FIELD_SD
from gatedplasticity.protocols import inductions
from gatedplasticity.rules.btsp import W_MAX

LENGTH = 187.0
BINS = (np.arange(100) + 0.5) * LENGTH / 100
CENTERS = inductions.input_centers(100)
SD = float(FIELD_SD / cm)


def bump(amplitude, centre, width=15.0):
    return 1 / W_MAX + amplitude * np.exp(-(place_fields.signed_distance(CENTERS, centre, LENGTH) / width) ** 2)


def tables(before_weights=None, after_weights=None):
    """One induction at 25 cm/s, 3 laps, one plateau at 90 cm in lap 1; ramps from the given weights."""
    before_weights = np.full(100, 1 / W_MAX) if before_weights is None else before_weights
    after_weights = bump(0.3, 80.0) if after_weights is None else after_weights
    t = np.arange(0, 3 * LENGTH / 25, 0.05)
    path = pd.DataFrame({"induction": 0, "lap": (t // (LENGTH / 25)).astype(int), "t_s": t,
                         "position_cm": (t * 25) % LENGTH})
    plateaus = pd.DataFrame({"induction": [0], "lap": [1], "onset_s": [LENGTH / 25 + 90 / 25], "duration_ms": [300.0]})
    ramp = lambda w: place_fields.ramp(w, CENTERS, SD, LENGTH, BINS)[1][0]
    ramps = pd.DataFrame({"induction": 0, "bin_cm": BINS, "ramp_before_mV": ramp(before_weights),
                          "ramp_after_mV": ramp(after_weights)})
    return ramps, path, plateaus


def test_ramp_fit_reproduces_the_ramp_and_ignores_the_baseline():
    weights = bump(0.3, 60.0)
    ramp = place_fields.ramp(weights, CENTERS, SD, LENGTH, BINS)[1][0]
    fitted = place_fields.fit_weights(ramp + 0.8, BINS, CENTERS, SD, LENGTH)
    again = place_fields.ramp(fitted, CENTERS, SD, LENGTH, BINS)[1][0]
    assert np.abs(again - ramp).max() < 0.05 * ramp.max()
    assert fitted.min() >= 1 / W_MAX - 1e-12 and fitted.max() <= 1
    np.testing.assert_allclose(place_fields.fit_weights(np.zeros(100), BINS, CENTERS, SD, LENGTH), 1 / W_MAX)


def test_baseline_is_the_mean_of_the_lowest_tenth():
    assert place_fields.baseline(np.arange(100.0)) == pytest.approx(4.5)


def test_sampled_path_interpolates_wraps_and_rests_one_lap_later():
    _, path, _ = tables()
    positions, laps = inductions.sample_path(path, 3000, LENGTH, 0.01)
    lap_s = LENGTH / 25
    t = np.arange(3000) * 0.01
    running = t <= path["t_s"].max()
    np.testing.assert_allclose(positions[running], (t[running] * 25) % LENGTH, atol=1e-6)
    exact = np.floor(t / lap_s + 1e-9)
    late = laps[running] != exact[running]  # the lap changes at the first path sample of the new lap (every 50 ms)
    assert np.all(laps[running][late] == exact[running][late] - 1)
    assert np.all((t[running][late] % lap_s) < 0.05)
    assert laps[~running].min() == 3 and np.ptp(positions[~running]) == 0


def test_nearest_onset_time_at_constant_speed():
    _, path, plateaus = tables()
    times = place_fields.nearest_onset_times(path, plateaus["onset_s"].to_numpy(), np.array([40.0, 90.0, 140.0]), LENGTH)
    np.testing.assert_allclose(times, [-2.0, 0.0, 2.0], atol=0.06)


def test_loss_is_zero_for_the_data_weights_and_weights_field_and_silent_bins_equally():
    after = bump(0.3, 80.0)
    objective = InductionObjective(recorded.read_inductions(*tables(after_weights=after)))
    w0 = objective.inductions[0].initial_weights
    details = objective.details(np.stack([after[None], w0[None]]))
    assert details[0, 0] < 1e-6
    delta, field = objective.deltas[0], objective.fields[0]
    expected = 0.5 * np.mean(delta[field] ** 2) + 0.5 * np.mean(delta[~field] ** 2)
    assert details[1, 0] == pytest.approx(expected, rel=1e-6)
    assert 0 < field.mean() < 1


def test_model_ramps_subtract_their_baseline():
    ramps = model_ramps(np.stack([bump(0.3, 80.0), bump(0.2, 20.0)]), CENTERS, BINS, LENGTH)
    np.testing.assert_allclose(place_fields.baseline(ramps), 0, atol=1e-12)


def test_quadratic_minimum_of_an_exact_quadratic():
    rng = np.random.default_rng(0)
    points = rng.uniform(0, 1, (40, 2))
    losses = 3 * (points[:, 0] - 0.3) ** 2 + (points[:, 1] - 0.6) ** 2 + (points[:, 0] - 0.3) * (points[:, 1] - 0.6)
    minimum, r_squared = fit.quadratic_fit(points, losses)
    np.testing.assert_allclose(minimum, [0.3, 0.6], atol=1e-9)
    assert r_squared == pytest.approx(1.0)
    assert fit.quadratic_fit(points, -losses)[0] is None


@pytest.mark.parametrize("role, change, column", [
    ("ramps", lambda t: t.drop(columns="ramp_after_mV"), "ramp_after_mV"),
    ("ramps", lambda t: t.rename(columns={"ramp_before_mV": "ramp_before_V"}), "ramp_before_mV"),
    ("ramps", lambda t: t.assign(ramp_after_mV=t["ramp_after_mV"] * 1000), "ramp_after_mV"),
    ("ramps", lambda t: t.assign(bin_cm=t["bin_cm"] * 10), "bin_cm"),
    ("paths", lambda t: t.assign(t_s=t["t_s"].where(t.index != 5)), "t_s"),
    ("paths", lambda t: t.rename(columns={"t_s": "t_ms"}), "t_s"),
    ("paths", lambda t: t.assign(t_s=t["t_s"].where(t.index != 5, np.inf)), "t_s"),
    ("ramps", lambda t: pd.concat([t, t]), "bin_cm"),
    ("paths", lambda t: pd.concat([t, t.iloc[:3]]), "t_s"),
    ("plateaus", lambda t: pd.concat([t, t]), "onset_s"),
    ("plateaus", lambda t: pd.concat([t, t.assign(onset_s=t["onset_s"] + 0.1)]), "onset_s"),
    ("ramps", lambda t: t.assign(ramp_before_mV=t["ramp_before_mV"].astype(bool)), "ramp_before_mV"),
    ("plateaus", lambda t: t.assign(onset_s=1000.0), "onset_s"),
    ("plateaus", lambda t: t.assign(duration_ms=-5.0), "duration_ms"),
    ("plateaus", lambda t: t.assign(induction=7), "induction"),
])
def test_bad_induction_data_is_rejected_naming_the_column(role, change, column):
    named = dict(zip(("ramps", "paths", "plateaus"), tables()))
    named[role] = change(named[role])
    with pytest.raises(recorded.DataError) as error:
        recorded.read_inductions(named["ramps"], named["paths"], named["plateaus"])
    assert error.value.parameter == column


def test_induction_tables_are_recognised_in_any_order_and_from_files(tmp_path):
    files = []
    for name, table in zip(("ramps", "paths", "plateaus"), tables()):
        files.append(tmp_path / f"{name}.csv")
        table.to_csv(files[-1], index=False)
    data = recorded.read(files[::-1], "induction")
    assert data.ids == [0]
    with pytest.raises(recorded.DataError, match="plateaus table too"):
        recorded.read(files[:2], "induction")


def test_named_inductions_on_a_clock_with_a_lap_before_are_read_from_their_first_sample():
    """Real ids are names; the shared data count time from the first induction lap (a lap before: negative)."""
    ramps, path, plateaus = tables()
    renamed = [table.assign(induction="cell7_ind1") for table in (ramps, path, plateaus)]
    renamed[1] = renamed[1].assign(t_s=renamed[1]["t_s"] - 7.48)
    renamed[2] = renamed[2].assign(onset_s=renamed[2]["onset_s"] - 7.48)
    data = recorded.read_inductions(*renamed)
    assert data.ids == ["cell7_ind1"]
    _, shifted, events = data.of("cell7_ind1")
    assert shifted["t_s"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert events["onset_s"].iloc[0] == pytest.approx(plateaus["onset_s"].iloc[0])
    with pytest.raises(recorded.DataError, match="'cell7_ind1'") as error:
        recorded.read_inductions(renamed[0], renamed[1], renamed[2].assign(duration_ms=-1.0))
    assert error.value.parameter == "duration_ms"


@pytest.mark.parametrize("content, message", [
    (b"", "cannot read"), (bytes(range(256)) * 4, "cannot read"), (b"induction,bin_cm\n", "holds no rows"),
])
def test_unreadable_files_are_refused_naming_the_file(tmp_path, content, message):
    path = tmp_path / "ramps.csv"
    path.write_bytes(content)
    with pytest.raises(recorded.DataError, match=message) as error:
        recorded.read([path], "pooled")
    assert str(path) in str(error.value) and error.value.parameter == "data"


def test_a_folder_and_a_false_parquet_file_are_refused_naming_them(tmp_path):
    fake = tmp_path / "ramps.parquet"
    fake.write_text("induction,bin_cm\n0,1\n")
    for source, message in ((tmp_path, "is a folder"), (fake, "as a Parquet table")):
        with pytest.raises(recorded.DataError, match=message) as error:
            recorded.read_table(source)
        assert str(source) in str(error.value)


def test_a_cells_table_is_recognised_and_must_list_every_induction(tmp_path):
    files = []
    for name, table in zip(("ramps", "paths", "plateaus"), tables()):
        files.append(tmp_path / f"{name}.csv")
        table.to_csv(files[-1], index=False)
    cells = tmp_path / "cells.csv"
    pd.DataFrame({"induction": [0], "cell": [3], "kind": ["induced"]}).to_csv(cells, index=False)
    assert recorded.read([cells, *files], "induction").cell_of() == {0: 3}
    pd.DataFrame({"induction": [5], "cell": [3]}).to_csv(cells, index=False)
    with pytest.raises(recorded.DataError, match="induction 0 is not listed") as error:
        recorded.read([*files, cells], "induction")
    assert str(cells) in str(error.value)
    with pytest.raises(recorded.DataError, match="a second ramps table"):
        recorded.read([*files, files[0]], "induction")


@pytest.mark.parametrize("change, column", [
    (lambda t: t.assign(t=[-1.0, np.inf, 1.0]), "t"),
    (lambda t: t.drop(columns="delta_ramp"), "delta_ramp"),
    (lambda t: t.rename(columns={"t": "t_ms"}), "t"),
    (lambda t: t.assign(initial_ramp=np.nan), "initial_ramp"),
    (lambda t: t.assign(plateaus=0), "plateaus"),
])
def test_bad_pooled_data_is_rejected_naming_the_column(change, column):
    rows = pd.DataFrame({"t": [-1.0, 0.0, 1.0], "initial_ramp": [0.0, 1.0, 2.0], "delta_ramp": [2.0, 3.0, 1.0],
                         "plateaus": [1, 1, 2]})
    assert list(recorded.read_pooled(rows.rename(columns={"t": "t_s"})).rows.columns) == list(rows.columns)
    with pytest.raises(recorded.DataError) as error:
        recorded.read_pooled(change(rows))
    assert error.value.parameter == column


def test_fit_parameters_check_names_and_units():
    with pytest.raises(fit.ParameterError) as error:
        fit.parameters(("k_pluss",))
    assert error.value.parameter == "k_pluss"
    with pytest.raises(fit.ParameterError, match="hertz"):
        fit.FitParameter("k_plus", 0.1, 2.0).check()


def test_pooled_grid_mode_predicts_no_change_for_unchanged_weights_and_nothing_outside_its_range():
    """Without an induction column the reference cells are a grid of prior fields; unchanged weights predict a
    zero ramp change for every row the grid's bins cover, NaN beyond half a lap (t > 3.74 s at 25 cm/s)."""
    from gatedplasticity.fitting.pooled import PooledObjective

    rows = pd.DataFrame({"t": [-1.0, 0.2, 2.0, 6.0], "initial_ramp": [0.1, 0.3, 2.2, 0.0],
                         "delta_ramp": [1.0, 2.0, -0.5, 0.0], "plateaus": [1, 2, 1, 1]})
    objective = PooledObjective(recorded.read_pooled(rows))
    initial = np.array([i.initial_weights for i in objective.inductions])
    weights = np.repeat(initial[None, :, None, :], 5, axis=2)  # candidate x cell x record x input, no change
    details = objective.details(weights)
    np.testing.assert_allclose(details[0, :3], 0, atol=1e-9)
    assert np.isnan(details[0, 3])
    assert objective.loss(details)[0] == pytest.approx((1.0 + 4.0 + 0.25) / 3)  # three rows, three 2-D bins


def test_a_plateau_in_two_pieces_within_one_lap_is_accepted():
    ramps, path, plateaus = tables()
    piece = plateaus.assign(onset_s=plateaus["onset_s"] + 0.35, duration_ms=95.0)
    data = recorded.read_inductions(ramps, path, pd.concat([plateaus, piece], ignore_index=True))
    assert len(data.of(0)[2]) == 2 and data.of(0)[2]["lap"].nunique() == 1
