"""What a BTSP fit compares for per-induction data: model ramp changes against recorded ones.

An objective turns the simulated weights of many candidates into
``details`` (what a bootstrap needs) and ``loss(details, sample)`` (mV^2,
one per candidate; ``sample`` resamples inductions with replacement); the
pooled format's is ``fitting.pooled.PooledObjective``.

:class:`InductionObjective`: every induction simulated on its own path
with its own plateaus, from weights fitted to its before ramp
(``place_fields.fit_weights``). Residual per bin: model minus recorded ramp
change, both ramps baseline-subtracted (``place_fields.baseline``).
Weighting: per induction, the mean squared residual over its field bins
(|ramp| > ``field_mV`` before or after) and over its silent bins count half
each, so the many silent bins cannot dominate; inductions count equally.
"""

import numpy as np
import pandas as pd
from brian2 import cm

from ..analysis import place_fields
from ..models.btsp import FIELD_SD
from ..protocols.inductions import N_INPUTS, Induction, InductionSetup, input_centers
from ..rules.btsp import W_MAX
from .variants import Variant

FIELD_MV = 1.0


def processed(ramp):
    """A ramp with its baseline removed (mV)."""
    ramp = np.asarray(ramp, float)
    return ramp - place_fields.baseline(ramp)


def model_ramps(weights, centers, positions, length_cm, scale=1.0):
    """Baseline-subtracted model ramps (mV) of weight rows (..., inputs) at ``positions``; ``scale``: the
    variant's ramp scale."""
    kernel = scale * place_fields.ramp_kernel(centers, float(FIELD_SD / cm), length_cm, positions)
    ramps = (W_MAX * np.asarray(weights) - 1) @ kernel
    return ramps - place_fields.baseline(ramps)[..., None]


class InductionObjective:
    """Per-induction residuals of the ramp change (see the module docstring)."""

    record_every = None

    def __init__(self, data, n_inputs=N_INPUTS, field_mV=FIELD_MV, variant=Variant()):
        self.data, self.length_cm, self.variant = data, data.length_cm, variant
        self.scale = variant.ramp_scale
        self.centers = input_centers(n_inputs, data.length_cm * cm)
        self.inductions, self.bins, self.deltas, self.fields, self.kernel_axes = [], [], [], [], []
        for induction in data.ids:
            ramps, path, plateaus = data.of(induction)
            bins_cm = ramps["bin_cm"].to_numpy(float)
            before, after = processed(ramps["ramp_before_mV"]), processed(ramps["ramp_after_mV"])
            weights = place_fields.fit_weights(before / self.scale, bins_cm, self.centers, float(FIELD_SD / cm),
                                               self.length_cm)
            self.inductions.append(Induction(path[["lap", "t_s", "position_cm"]], plateaus[["lap", "onset_s", "duration_ms"]],
                                             weights))
            self.bins.append(bins_cm)
            self.deltas.append(after - before)
            self.fields.append((np.abs(before) > field_mV) | (np.abs(after) > field_mV))
            times = place_fields.nearest_onset_times(path, plateaus["onset_s"].to_numpy(), bins_cm, self.length_cm)
            self.kernel_axes.append((times, before))

    def changes(self, weights):
        """Model ramp changes (candidate x bins) of each induction from the weights after."""
        return [model_ramps(weights[:, k], self.centers, bins, self.length_cm, self.scale)
                - model_ramps(induction.initial_weights, self.centers, bins, self.length_cm, self.scale)
                for k, (induction, bins) in enumerate(zip(self.inductions, self.bins))]

    def setup(self, fitted=()):
        """The ``InductionSetup`` of these inductions under the variant, with ``fitted`` parameters per candidate."""
        return InductionSetup(self.inductions, fitted=tuple(fitted), record_every=self.record_every,
                              integration=self.variant.integration, normalisation=self.variant.normalisation)

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
