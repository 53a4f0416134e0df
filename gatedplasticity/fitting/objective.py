"""What a BTSP fit compares: model ramp changes against recorded ones, for the two data formats.

Both objectives turn the simulated weights of many candidates into
``details`` (what a bootstrap needs) and ``loss(details, sample)`` (mV^2,
one per candidate; ``sample`` resamples inductions, or pooled rows by
induction, with replacement).

- :class:`InductionObjective`: every induction simulated on its own path
  with its own plateaus, from weights fitted to its before ramp
  (``place_fields.fit_weights``). Residual per bin: model minus recorded
  ramp change, both ramps baseline-subtracted (``place_fields.baseline``).
  Weighting: per induction, the mean squared residual over its field bins
  (|ramp| > ``field_mV`` before or after) and over its silent bins count
  half each, so the many silent bins cannot dominate; inductions count equally.
- :class:`PooledObjective`: the data give delta_ramp(t, initial_ramp)
  only, so the model's surface is built from reference inductions
  (assumptions, [R]): constant ``speed`` (25 cm/s), plateaus of 300 ms at
  one place (mid-track) on consecutive laps, as many as the data's
  ``plateaus`` column says (1 when absent), prior fields of 60 cm FWHM at
  ``amplitudes`` x ``offsets`` from the plateau plus one silent cell. Data and
  model are binned the same way (``t_step`` s x ``ramp_step`` mV); the model
  value of a bin mixes plateau counts in the data's proportions there; every
  bin holding data and model counts once (silent bins are few 2-D bins).
"""

import numpy as np
import pandas as pd
from brian2 import cm, second

from ..analysis import place_fields
from ..models.btsp import FIELD_SD
from ..protocols.inductions import N_INPUTS, Induction, input_centers
from ..rules.btsp import W_MAX

FIELD_MV = 1.0
PRIOR_FWHM_CM = 60.0


def processed(ramp):
    """A ramp with its baseline removed (mV)."""
    ramp = np.asarray(ramp, float)
    return ramp - place_fields.baseline(ramp)


def model_ramps(weights, centers, positions, length_cm):
    """Baseline-subtracted model ramps (mV) of weight rows (..., inputs) at ``positions``."""
    kernel = place_fields.ramp_kernel(centers, float(FIELD_SD / cm), length_cm, positions)
    ramps = (W_MAX * np.asarray(weights) - 1) @ kernel
    return ramps - place_fields.baseline(ramps)[..., None]


class InductionObjective:
    """Per-induction residuals of the ramp change (see the module docstring)."""

    record_every = None

    def __init__(self, data, n_inputs=N_INPUTS, field_mV=FIELD_MV):
        self.data, self.length_cm = data, data.length_cm
        self.centers = input_centers(n_inputs, data.length_cm * cm)
        self.inductions, self.bins, self.deltas, self.fields, self.kernel_axes = [], [], [], [], []
        for induction in data.ids:
            ramps, path, plateaus = data.of(induction)
            bins_cm = ramps["bin_cm"].to_numpy(float)
            before, after = processed(ramps["ramp_before_mV"]), processed(ramps["ramp_after_mV"])
            weights = place_fields.fit_weights(before, bins_cm, self.centers, float(FIELD_SD / cm), self.length_cm)
            self.inductions.append(Induction(path[["lap", "t_s", "position_cm"]], plateaus[["lap", "onset_s", "duration_ms"]],
                                             weights))
            self.bins.append(bins_cm)
            self.deltas.append(after - before)
            self.fields.append((np.abs(before) > field_mV) | (np.abs(after) > field_mV))
            times = place_fields.nearest_onset_times(path, plateaus["onset_s"].to_numpy(), bins_cm, self.length_cm)
            self.kernel_axes.append((times, before))

    def changes(self, weights):
        """Model ramp changes (candidate x bins) of each induction from the weights after."""
        return [model_ramps(weights[:, k], self.centers, bins, self.length_cm)
                - model_ramps(induction.initial_weights, self.centers, bins, self.length_cm)
                for k, (induction, bins) in enumerate(zip(self.inductions, self.bins))]

    def details(self, weights):
        """Per-induction losses (candidate x induction, mV^2)."""
        losses = []
        for change, delta, field in zip(self.changes(weights), self.deltas, self.fields):
            squared = (change - delta) ** 2
            parts = [squared[:, mask].mean(axis=1) for mask in (field, ~field) if mask.any()]
            losses.append(np.mean(parts, axis=0))
        return np.column_stack(losses)

    def loss(self, details, sample=None):
        return details.mean(axis=1) if sample is None else details[:, sample].mean(axis=1)

    @property
    def units(self):
        """Number of resampling units of a bootstrap (inductions)."""
        return len(self.inductions)

    def comparison(self, weights):
        """Data vs model ramp change per induction and bin for one candidate's weights (induction x input)."""
        changes = self.changes(np.asarray(weights)[None])
        frames = [pd.DataFrame({"induction": induction, "bin_cm": bins, "t_s": times, "initial_ramp_mV": before,
                                "data_delta_mV": delta, "model_delta_mV": change[0], "field_bin": field})
                  for induction, bins, (times, before), delta, change, field
                  in zip(self.data.ids, self.bins, self.kernel_axes, self.deltas, changes, self.fields)]
        table = pd.concat(frames, ignore_index=True)
        return table.assign(residual_mV=table["model_delta_mV"] - table["data_delta_mV"])


def constant_path(laps, speed_cm_s, length_cm, sample_s=0.05):
    """(lap, t_s, position_cm) of ``laps`` laps at constant speed from x = 0."""
    lap_s = length_cm / speed_cm_s
    t = np.arange(0, laps * lap_s, sample_s)
    return pd.DataFrame({"lap": (t // lap_s).astype(int), "t_s": t, "position_cm": (t * speed_cm_s) % length_cm})


class PooledObjective:
    """Binned delta_ramp(t, initial_ramp) surface of reference inductions vs pooled data (module docstring)."""

    def __init__(self, data, length_cm=187.0, speed=25 * cm / second, amplitudes=(2.0, 4.0, 6.0),
                 offsets=(-60.0, -30.0, 0.0, 30.0, 60.0), t_step=0.5, ramp_step=1.0, n_inputs=N_INPUTS):
        self.rows, self.length_cm = data.rows, length_cm
        self.speed_cm_s = float(speed / (cm / second))
        self.counts = np.sort(pd.unique(self.rows["plateaus"])).astype(int) if "plateaus" in self.rows else np.array([1])
        self.row_counts = self.rows["plateaus"].to_numpy(int) if "plateaus" in self.rows else np.ones(len(self.rows), int)
        lap_s = length_cm / self.speed_cm_s
        self.record_every = lap_s * second
        self.plateau_cm = length_cm / 2
        self.centers = input_centers(n_inputs, length_cm * cm)
        self.positions = (np.arange(100) + 0.5) * length_cm / 100
        laps = int(self.counts.max()) + 2
        path = constant_path(laps, self.speed_cm_s, length_cm)
        onsets = [(lap + self.plateau_cm / length_cm) * lap_s for lap in range(1, laps - 1)]
        plateaus = pd.DataFrame({"lap": np.arange(1, laps - 1), "onset_s": onsets, "duration_ms": 300.0})
        sd = PRIOR_FWHM_CM / (2 * np.sqrt(2 * np.log(2)))
        priors = [np.zeros(len(self.positions))]
        for amplitude in amplitudes:
            for offset in offsets:
                distance = place_fields.signed_distance(self.positions, self.plateau_cm + offset, length_cm)
                priors.append(amplitude * np.exp(-0.5 * (distance / sd) ** 2))
        self.inductions = [Induction(path, plateaus, place_fields.fit_weights(prior, self.positions, self.centers,
                                                                              float(FIELD_SD / cm), length_cm))
                           for prior in priors]
        self.before = model_ramps(np.array([i.initial_weights for i in self.inductions]), self.centers, self.positions,
                                  length_cm)
        half = length_cm / 2 / self.speed_cm_s
        self.t_edges = np.arange(-np.ceil(half / t_step) * t_step, half + t_step, t_step)
        self.ramp_step = ramp_step
        self.n_ramp_bins = int(np.ceil(max(self.rows["initial_ramp"].max(), self.before.max()) / ramp_step)) + 1
        self.data_cells = self.cell_of(self.rows["t"].to_numpy(float), self.rows["initial_ramp"].to_numpy(float))
        model_t = np.broadcast_to(place_fields.signed_distance(self.positions, self.plateau_cm, length_cm)
                                  / self.speed_cm_s, self.before.shape)
        self.model_cells = self.cell_of(model_t.ravel(), self.before.ravel())
        self.groups = (pd.factorize(self.rows["induction"])[0] if "induction" in self.rows
                       else np.arange(len(self.rows)))

    @property
    def n_cells(self):
        return (len(self.t_edges) - 1) * self.n_ramp_bins

    @property
    def units(self):
        return int(self.groups.max()) + 1

    def cell_of(self, t, initial):
        """2-D bin index of (t, initial ramp) points; -1 outside the model's t range."""
        t_index = np.searchsorted(self.t_edges, t, side="right") - 1
        ramp_index = np.clip(np.floor(np.asarray(initial) / self.ramp_step), 0, self.n_ramp_bins - 1).astype(int)
        inside = (t_index >= 0) & (t_index < len(self.t_edges) - 1)
        return np.where(inside, t_index * self.n_ramp_bins + ramp_index, -1)

    def details(self, weights):
        """Model mean delta per (candidate, 2-D bin, plateau count), NaN where the model has no point."""
        n_c = weights.shape[0]
        result = np.full((n_c, self.n_cells, len(self.counts)), np.nan)
        occupancy = np.bincount(self.model_cells, minlength=self.n_cells)
        for c_index, count in enumerate(self.counts):
            after = model_ramps(weights[:, :, count + 1], self.centers, self.positions, self.length_cm)
            delta = (after - self.before[None]).reshape(n_c, -1)
            sums = np.stack([np.bincount(self.model_cells, weights=row, minlength=self.n_cells) for row in delta])
            with np.errstate(invalid="ignore", divide="ignore"):
                result[:, :, c_index] = np.where(occupancy > 0, sums / occupancy, np.nan)
        return result

    def data_surface(self, sample=None):
        """(data mean delta per bin, fraction of each plateau count per bin) for a resample of the groups."""
        rows = np.arange(len(self.rows)) if sample is None else np.concatenate(
            [np.flatnonzero(self.groups == g) for g in sample])
        cells, deltas = self.data_cells[rows], self.rows["delta_ramp"].to_numpy(float)[rows]
        counts = np.searchsorted(self.counts, self.row_counts[rows])
        keep = cells >= 0
        cells, deltas, counts = cells[keep], deltas[keep], counts[keep]
        n = np.bincount(cells, minlength=self.n_cells)
        mean = np.bincount(cells, weights=deltas, minlength=self.n_cells) / np.maximum(n, 1)
        mix = np.zeros((self.n_cells, len(self.counts)))
        np.add.at(mix, (cells, counts), 1.0)
        return np.where(n > 0, mean, np.nan), mix / np.maximum(n, 1)[:, None]

    def prediction(self, details, mix):
        """Model value of each bin: plateau counts mixed in the data's proportions (candidate x bin)."""
        available = ~np.isnan(details)
        weights = mix[None] * available
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nansum(np.nan_to_num(details) * weights, axis=2) / weights.sum(axis=2)

    def loss(self, details, sample=None):
        data, mix = self.data_surface(sample)
        residual = self.prediction(details, mix) - data[None]
        return np.nanmean(residual ** 2, axis=1)

    def comparison(self, weights):
        """Data vs model per 2-D bin for one candidate's recorded weights (induction x time x input)."""
        data, mix = self.data_surface()
        model = self.prediction(self.details(np.asarray(weights)[None]), mix)[0]
        t_index, ramp_index = np.divmod(np.arange(self.n_cells), self.n_ramp_bins)
        table = pd.DataFrame({"t_s": (self.t_edges[t_index] + self.t_edges[t_index + 1]) / 2,
                              "initial_ramp_mV": (ramp_index + 0.5) * self.ramp_step,
                              "data_delta_mV": data, "model_delta_mV": model})
        return table.dropna().assign(residual_mV=lambda t: t["model_delta_mV"] - t["data_delta_mV"]).reset_index(drop=True)
