"""Predict recorded inductions from given parameters: the ramp after, from the ramp before, the path and the plateaus.

``predict(data, values, variant)`` simulates every induction of ``data``
(``protocols.btsp_closed_form`` by default) and returns the predictions
(``induction, bin_cm, ramp_after_predicted_mV``; ramps baseline-subtracted
as in the fit's objective, with the recorded ones and ``t_s``, the time from
the animal passing the bin to the nearest plateau onset, beside them) and a summary
per induction and pooled over all bins (``rmse_mV``: root mean square of
predicted minus recorded ramp after; ``r``: their Pearson correlation;
``loss_mV2``: the fit's objective). This is how a fitted rule is judged on
cells it never saw. :func:`read_parameters` takes ``"published"`` or a
fit's ``fitted.json`` (its values and its model variant).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import Quantity, get_dimensions

from ..parameters import ParameterError, unit_name
from ..protocols import btsp_closed_form, inductions
from ..rules.btsp import FITTABLE, PUBLISHED
from .data import DataError
from .objective import InductionObjective
from .variants import Variant


def read_parameters(source):
    """({name: Quantity}, Variant) of ``"published"`` (every fittable value published, today's model) or of a
    fit's ``fitted.json``."""
    if source == "published":
        return dict(PUBLISHED), Variant()
    path = Path(source)
    try:
        saved = json.loads(path.read_text())
        best = saved["best"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataError("params", f"cannot read fitted parameters from {path} ({type(error).__name__}); give a "
                                  "fit's fitted.json or 'published'") from None
    values = {}
    for name, entry in best.items():
        if name not in FITTABLE:
            raise DataError("params", f"{path}: '{name}' is not a fittable BTSP parameter")
        expected = unit_name(PUBLISHED[name])
        accepted = {expected, "1"} if get_dimensions(PUBLISHED[name]).is_dimensionless else {expected}
        unit = entry.get("unit") if isinstance(entry, dict) else None
        if unit not in accepted:
            raise DataError("params", f"{path}: '{name}' is in {unit!r}, expected {expected!r}")
        values[name] = Quantity(float(entry["value"]), dim=get_dimensions(PUBLISHED[name]))
    return values, Variant.from_json(saved.get("settings", {}).get("variant", {}))


def simulate(objective, values, backend="closed-form", pooled_over=None):
    """Weights after every induction (induction x input) for one set of ``values`` {name: Quantity};
    ``pooled_over``: see :func:`predict`."""
    setup = objective.setup(values)
    per_candidate = {name: [value] for name, value in values.items()}
    if backend == "closed-form":
        return btsp_closed_form.ClosedForm(setup, pooled_over=pooled_over).weights(per_candidate)[0]
    if backend not in ("standalone", "runtime"):
        raise ParameterError("backend", f"unknown backend {backend!r}; choose closed-form, standalone or runtime")
    return inductions.simulate(setup, per_candidate, backend=backend)[0]


def predict(data, values, variant=Variant(), backend="closed-form", fitted_on=None):
    """(predictions, summary) DataFrames of ``data`` under ``values`` and ``variant`` (see the module).

    ``fitted_on``: the data the values were fitted to; with pooled normalisation their largest ET and IS
    normalise the predictions (as in the fit), else those of ``data`` itself."""
    objective = InductionObjective(data, variant=variant)
    pooled_over = None if fitted_on is None else InductionObjective(fitted_on, variant=variant).inductions
    weights = simulate(objective, values, backend, pooled_over)
    changes = objective.changes(weights[None])
    frames = []
    for k, induction in enumerate(data.ids):
        before = objective.kernel_axes[k][1]
        frames.append(pd.DataFrame({"induction": induction, "bin_cm": objective.bins[k],
                                    "t_s": objective.kernel_axes[k][0], "ramp_before_mV": before, "ramp_after_mV": before + objective.deltas[k],
                                    "ramp_after_predicted_mV": before + changes[k][0]}))
    predictions = pd.concat(frames, ignore_index=True)
    losses = objective.details(weights[None])[0]
    rows = [score(group, induction, loss) for (induction, group), loss
            in zip(predictions.groupby("induction", sort=False), losses)]
    rows.append(score(predictions, "all", float(np.mean(losses))))
    return predictions, pd.DataFrame(rows)


def score(table, induction, loss):
    predicted, recorded = table["ramp_after_predicted_mV"].to_numpy(), table["ramp_after_mV"].to_numpy()
    spread = predicted.std() * recorded.std()
    return {"induction": induction, "bins": len(table), "rmse_mV": float(np.sqrt(np.mean((predicted - recorded) ** 2))),
            "r": float(np.mean((predicted - predicted.mean()) * (recorded - recorded.mean())) / spread)
            if spread > 0 else float("nan"), "loss_mV2": float(loss)}
