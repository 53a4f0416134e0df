"""Cross-validation of BTSP fits on recorded inductions: leave cells out, fit the rest, predict the cells left out.

:func:`cell_folds` splits the cells (the data's cells table; without one,
each induction is its own cell) into ``k`` folds at random (stream
``"cv-folds"`` of the seed). :func:`cross_validate` fits each fold's
training cells (``fit.fit``, seed ``streams.integer(seed, "cv-fit", fold)``)
and predicts its held-out inductions with the fitted values, with the
published values under the same model variant, and with the published
values under today's model (``Variant()``); with pooled normalisation the
held-out cells are normalised by the training cells' largest ET and IS, as
the fit was. Each fold's fit resumes from
``folder/fold-<j>`` and its result is written there atomically
(``result.json``, ``predictions.csv``), so an interrupted cross-validation
loses at most the fold in flight. Returns one row per held-out induction.
"""

import json
from pathlib import Path

import pandas as pd

from .. import streams
from ..parameters import ParameterError
from ..results import atomic_write, write_csv
from ..rules.btsp import PUBLISHED
from . import fit as fitting
from .predict import predict
from .variants import Variant


def cell_folds(data, k, seed):
    """``k`` lists of induction ids, each the inductions of about 1/k of the cells, drawn at random."""
    cell_of = data.cell_of()
    cells = list(dict.fromkeys(cell_of[induction] for induction in data.ids))
    if not 2 <= k <= len(cells):
        raise ParameterError("k", f"cross-validation needs 2 <= k <= the number of cells ({len(cells)}), got {k}")
    order = streams.generator(seed, "cv-folds").permutation(len(cells))
    groups = [{cells[index] for index in order[fold::k]} for fold in range(k)]
    return [[induction for induction in data.ids if cell_of[induction] in group] for group in groups]


def cross_validate(data, folder, variant=Variant(), k=7, seed=0, fitted=None, population=64, generations=30,
                   bootstrap=20, progress=False):
    """Held-out predictions of every fold (one row per held-out induction; see the module)."""
    folder = Path(folder)
    fitted = fitted or fitting.parameters()
    rows = []
    for fold, held_out in enumerate(cell_folds(data, k, seed)):
        place = folder / f"fold-{fold}"
        saved = place / "result.json"
        if not saved.exists():
            rows_of_fold = run_fold(data, held_out, place, variant, fitted, population, generations, bootstrap,
                                    streams.integer(seed, "cv-fit", fold), progress)
            atomic_write(saved, lambda tmp: Path(tmp).write_text(json.dumps(rows_of_fold)))
        rows += [{"fold": fold, **row} for row in json.loads(saved.read_text())]
    return pd.DataFrame(rows)


def run_fold(data, held_out, place, variant, fitted, population, generations, bootstrap, seed, progress):
    training = data.subset([induction for induction in data.ids if induction not in held_out])
    result = fitting.fit(training, place / "state", fitted=fitted, population=population, generations=generations,
                         seed=seed, bootstrap=bootstrap, progress=progress,
                         objective=fitting.InductionObjective(training, variant=variant))
    test = data.subset(held_out)
    scored = {"fitted": predict(test, result.best, variant, fitted_on=training),
              "published": predict(test, dict(PUBLISHED), variant, fitted_on=training),
              "published_today": predict(test, dict(PUBLISHED), Variant())}
    predictions = scored["fitted"][0].assign(
        ramp_after_published_mV=scored["published_today"][0]["ramp_after_predicted_mV"].to_numpy())
    write_csv(place / "predictions.csv", predictions)
    rows, cell_of = [], test.cell_of()
    for index, induction in enumerate(test.ids):
        row = {"induction": induction, "cell": cell_of[induction], "train_loss_mV2": result.loss}
        for name, (_, summary) in scored.items():
            row.update({f"{metric}_{name}": float(summary[metric].iloc[index]) for metric in ("loss_mV2", "rmse_mV", "r")})
        row.update({f"fitted_{name}": float(value) for name, value in result.best.items()})
        rows.append(row)
    return rows
