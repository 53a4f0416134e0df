"""The pooled format's objective: delta_ramp(t, initial_ramp) rows against model cells under stated assumptions.

Pooled rows give, per spatial bin, the time to the nearest plateau onset,
the ramp before and its change, not the path or the plateaus, so the model
simulates reference cells under assumptions [R]: constant ``speed``
(25 cm/s), 300-ms plateaus at one place (mid-track) on consecutive laps,
``plateaus`` of them per cell (the column; 1 when absent); a bin at time t
from the onset lies t x speed from the plateau. The prior ramps:

- with an ``induction`` column, each recorded cell is one reference cell:
  its rows' initial ramps, placed at t x speed, are its prior ramp (weights
  fitted to it as for per-induction data), so model and data pool the same
  cells in the same proportions;
- without one, a grid of prior fields (60 cm FWHM, ``amplitudes`` x
  ``offsets`` from the plateau) plus a silent cell, each row predicted by the
  grid cells in its 2-D bin with its plateau count. The pooled surface then
  mixes cells whose fields lie elsewhere in other proportions than the data
  do: a bias the per-induction format and the ``induction`` column avoid.

``details``: the model's delta_ramp for every data row (candidate x row,
NaN where the model has no value). Loss: data and model rows are averaged
in the same 2-D bins (``t_step`` s x ``ramp_step`` mV) and every bin
counts once (the many silent bins fall into few 2-D bins). A bootstrap
resamples inductions (or rows, without the column).
"""

import numpy as np
import pandas as pd
from brian2 import cm, second

from ..analysis import place_fields
from ..models.btsp import FIELD_SD
from ..protocols.inductions import N_INPUTS, Induction, InductionSetup, input_centers
from .data import DataError
from .objective import model_ramps

PRIOR_FWHM_CM = 60.0
GRID_POSITIONS = 100


def constant_path(laps, speed_cm_s, length_cm, lead_s=0.0, sample_s=0.05):
    """(lap, t_s, position_cm) of ``laps`` laps at constant speed from x = 0, after resting ``lead_s`` at x = 0 (lap 0)."""
    lap_s = length_cm / speed_cm_s
    t = np.arange(0, lead_s + laps * lap_s, sample_s)
    running = np.maximum(t - lead_s, 0)
    return pd.DataFrame({"lap": (running // lap_s).astype(int), "t_s": t, "position_cm": (running * speed_cm_s) % length_cm})


def circular_interpolation(positions, grid, values, length):
    """``values`` (..., grid) interpolated at ``positions`` on a circle of circumference ``length``."""
    extended = np.concatenate([grid - length, grid, grid + length])
    tiled = np.concatenate([values, values, values], axis=-1)
    flat = tiled.reshape(-1, tiled.shape[-1])
    return np.stack([np.interp(positions, extended, row) for row in flat]).reshape(*values.shape[:-1], len(positions))


class PooledObjective:
    """Model delta_ramp of every pooled row from reference cells (see the module docstring)."""

    def __init__(self, data, length_cm=187.0, speed=25 * cm / second, amplitudes=(2.0, 4.0, 6.0),
                 offsets=(-60.0, -30.0, 0.0, 30.0, 60.0), t_step=0.5, ramp_step=1.0, n_inputs=N_INPUTS):
        self.rows, self.length_cm = data.rows, length_cm
        self.speed_cm_s = float(speed / (cm / second))
        self.row_counts = self.rows["plateaus"].to_numpy(int) if "plateaus" in self.rows else np.ones(len(self.rows), int)
        self.per_induction = "induction" in self.rows
        self.groups = pd.factorize(self.rows["induction"])[0] if self.per_induction else np.arange(len(self.rows))
        lap_s = length_cm / self.speed_cm_s
        self.record_every = lap_s * second
        self.plateau_cm = length_cm / 2
        self.centers = input_centers(n_inputs, length_cm * cm)
        self.grid = (np.arange(GRID_POSITIONS) + 0.5) * length_cm / GRID_POSITIONS
        self.row_positions = (self.plateau_cm + self.rows["t"].to_numpy(float) * self.speed_cm_s) % length_cm
        priors = self.recorded_priors() if self.per_induction else self.grid_priors(amplitudes, offsets)
        laps = int(self.row_counts.max()) + 2
        # Half a lap of rest first: lap ends fall mid-way between the weight records (every lap_s), so the
        # record at (n + 2) lap_s holds the changes of laps 1..n exactly (the plateau laps) and nothing of lap n + 1.
        lead = lap_s / 2
        path = constant_path(laps, self.speed_cm_s, length_cm, lead_s=lead)
        onsets = [lead + (lap + self.plateau_cm / length_cm) * lap_s for lap in range(1, laps - 1)]
        plateaus = pd.DataFrame({"lap": np.arange(1, laps - 1), "onset_s": onsets, "duration_ms": 300.0})
        fitted = [place_fields.fit_weights(prior, self.grid, self.centers, float(FIELD_SD / cm), length_cm)
                  for prior in priors]
        self.inductions = [Induction(path, plateaus, weights) for weights in fitted]
        self.before = model_ramps(np.array(fitted), self.centers, self.grid, length_cm)
        self.t_step, self.ramp_step = t_step, ramp_step
        self.data_cells = self.cell_of(self.rows["t"].to_numpy(float), self.rows["initial_ramp"].to_numpy(float))
        self.shared_cells = None if self.per_induction else self.grid_cells()

    def setup(self, fitted=()):
        """The ``InductionSetup`` of the reference cells, weights recorded every lap."""
        return InductionSetup(self.inductions, fitted=tuple(fitted), record_every=self.record_every)

    def recorded_priors(self):
        """One prior ramp per recorded induction, on the grid, from its rows placed at t x speed."""
        priors = []
        for group in range(self.groups.max() + 1):
            rows = self.groups == group
            if len(np.unique(self.row_counts[rows])) > 1:
                raise DataError("plateaus", f"pooled table: induction {self.rows['induction'][rows].iloc[0]!r} has "
                                            "rows with different plateau counts")
            order = np.argsort(self.row_positions[rows])
            priors.append(circular_interpolation(self.grid, self.row_positions[rows][order],
                                                 self.rows["initial_ramp"].to_numpy(float)[rows][order], self.length_cm))
        return priors

    def grid_priors(self, amplitudes, offsets):
        """A silent cell and Gaussian prior ramps (60 cm FWHM) at ``amplitudes`` x ``offsets`` from the plateau."""
        sd = PRIOR_FWHM_CM / (2 * np.sqrt(2 * np.log(2)))
        priors = [np.zeros(GRID_POSITIONS)]
        for amplitude in amplitudes:
            for offset in offsets:
                distance = place_fields.signed_distance(self.grid, self.plateau_cm + offset, self.length_cm)
                priors.append(amplitude * np.exp(-0.5 * (distance / sd) ** 2))
        return priors

    @property
    def units(self):
        return int(self.groups.max()) + 1

    def cell_of(self, t, initial):
        """2-D bin index (t bin, initial-ramp bin) of points."""
        t_index = np.floor(np.asarray(t) / self.t_step).astype(int)
        ramp_index = np.floor(np.clip(initial, 0, None) / self.ramp_step).astype(int)
        return (t_index - t_index.min()) * (ramp_index.max() + 1) + ramp_index if len(t_index) else t_index

    def details(self, weights):
        """Model delta_ramp of every data row (candidate x row); weights: candidate x cell x record x input."""
        n_c = weights.shape[0]
        result = np.full((n_c, len(self.rows)), np.nan)
        for count in np.unique(self.row_counts):
            after = model_ramps(weights[:, :, count + 2], self.centers, self.grid, self.length_cm)
            change = after - self.before[None]  # candidate x cell x grid
            rows = np.flatnonzero(self.row_counts == count)
            if self.per_induction:
                at_rows = circular_interpolation(self.row_positions[rows], self.grid, change, self.length_cm)
                result[:, rows] = at_rows[:, self.groups[rows], np.arange(len(rows))]
            else:
                result[:, rows] = self.grid_prediction(change, rows)
        return result

    def grid_cells(self):
        """(2-D bin of every grid cell's point, of every data row), binned together (grid mode)."""
        model_t = np.broadcast_to(place_fields.signed_distance(self.grid, self.plateau_cm, self.length_cm)
                                  / self.speed_cm_s, self.before.shape).ravel()
        cells = self.cell_of(np.concatenate([self.rows["t"].to_numpy(float), model_t]),
                             np.concatenate([self.rows["initial_ramp"].to_numpy(float), self.before.ravel()]))
        return cells[len(self.rows):], cells[:len(self.rows)]

    def grid_prediction(self, change, rows):
        """Rows predicted by the mean change of the grid cells' points in the rows' 2-D bins (NaN if none)."""
        model_cells, row_cells = self.shared_cells
        size = max(model_cells.max(), row_cells.max()) + 1
        n = np.bincount(model_cells, minlength=size)
        sums = np.stack([np.bincount(model_cells, weights=c.ravel(), minlength=size) for c in change])
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(n > 0, sums / n, np.nan)
        return means[:, row_cells[rows]]

    def binned(self, details, sample=None):
        """(data mean, model means (candidate x bin)) over the rows of the sampled groups with a model value."""
        rows = np.arange(len(self.rows)) if sample is None else np.concatenate(
            [np.flatnonzero(self.groups == g) for g in sample])
        cells, data = self.data_cells[rows], self.rows["delta_ramp"].to_numpy(float)[rows]
        model = details[:, rows]
        valid = ~np.isnan(model)
        n = np.stack([np.bincount(cells, weights=v.astype(float), minlength=self.data_cells.max() + 1) for v in valid])
        with np.errstate(invalid="ignore", divide="ignore"):
            data_mean = np.stack([np.bincount(cells, weights=data * v, minlength=n.shape[1]) for v in valid]) / n
            model_mean = np.stack([np.bincount(cells, weights=np.where(v, m, 0), minlength=n.shape[1])
                                   for m, v in zip(model, valid)]) / n
        return data_mean, model_mean

    def loss(self, details, sample=None):
        data_mean, model_mean = self.binned(details, sample)
        return np.nanmean((model_mean - data_mean) ** 2, axis=1)

    def comparison(self, weights):
        """Data vs model per 2-D bin for one candidate's recorded weights (cell x record x input)."""
        details = self.details(np.asarray(weights)[None])
        data_mean, model_mean = self.binned(details)
        rows = pd.DataFrame({"cell": self.data_cells, "t": self.rows["t"], "ramp": self.rows["initial_ramp"]})
        centres = rows.groupby("cell").agg(t_s=("t", "mean"), initial_ramp_mV=("ramp", "mean"))
        table = centres.assign(data_delta_mV=data_mean[0][centres.index], model_delta_mV=model_mean[0][centres.index])
        return table.dropna().assign(residual_mV=lambda t: t["model_delta_mV"] - t["data_delta_mV"]).reset_index(drop=True)
