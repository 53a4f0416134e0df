"""What a fit leaves behind: fitted parameters (JSON, units, uncertainty), tables, a model-vs-data figure, provenance.

The figure shows the ramp-change kernel delta_ramp(t, initial ramp) as heat
maps binned the same way for data and model (``T_STEP`` s x ``RAMP_STEP``
mV), their residual, and the loss per generation.
"""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..results import atomic_write, code_version, package_versions, write_csv

T_STEP, RAMP_STEP = 0.5, 1.0


def binned(table, column):
    """(t edges, ramp edges, mean of ``column`` per 2-D bin, NaN where empty) of a comparison table."""
    t_edges = np.arange(np.floor(table["t_s"].min() / T_STEP), np.ceil(table["t_s"].max() / T_STEP) + 1) * T_STEP
    ramp_edges = np.arange(0, max(RAMP_STEP, np.ceil(table["initial_ramp_mV"].max() / RAMP_STEP)) + 1) * RAMP_STEP
    t_index = np.clip(np.digitize(table["t_s"], t_edges) - 1, 0, len(t_edges) - 2)
    ramp_index = np.clip(np.digitize(table["initial_ramp_mV"], ramp_edges) - 1, 0, len(ramp_edges) - 2)
    sums, counts = np.zeros((len(ramp_edges) - 1, len(t_edges) - 1)), np.zeros((len(ramp_edges) - 1, len(t_edges) - 1))
    np.add.at(sums, (ramp_index, t_index), table[column].to_numpy(float))
    np.add.at(counts, (ramp_index, t_index), 1)
    with np.errstate(invalid="ignore"):
        return t_edges, ramp_edges, np.where(counts > 0, sums / counts, np.nan)


def kernel_agreement(table, model, data, t_step=1.0, ramp_step=2.0, min_rows=20):
    """(r, RMSE in mV, bins used) of the pooled kernel: the means of ``model`` and ``data`` (columns of
    delta ramp) in ``t_step`` s x ``ramp_step`` mV bins of (``t_s``, ``initial_ramp_mV``) holding at least
    ``min_rows`` rows, compared across bins."""
    keys = [np.floor(table["t_s"] / t_step), np.floor(table["initial_ramp_mV"] / ramp_step)]
    grouped = table.groupby(keys)[[model, data]].agg(["mean", "size"])
    kept = grouped[grouped[(model, "size")] >= min_rows]
    m, d = kept[(model, "mean")].to_numpy(), kept[(data, "mean")].to_numpy()
    if len(kept) < 2:
        return float("nan"), float("nan"), len(kept)
    return float(np.corrcoef(m, d)[0, 1]), float(np.sqrt(np.mean((m - d) ** 2))), len(kept)


def plot(result):
    """Data kernel, model kernel, residual (heat maps over t x initial ramp) and the loss history."""
    figure, axes = plt.subplots(1, 4, figsize=(17, 3.8))
    maps = [binned(result.comparison, column) for column in ("data_delta_mV", "model_delta_mV", "residual_mV")]
    limit = np.nanmax(np.abs(np.concatenate([m[2].ravel() for m in maps[:2]]))) or 1.0
    for axis, (t_edges, ramp_edges, values), title in zip(axes, maps, ("data", "model (fitted)", "model - data")):
        image = axis.pcolormesh(t_edges, ramp_edges, values, cmap="RdBu_r", vmin=-limit, vmax=limit)
        axis.set(xlabel="time from the nearest plateau onset (s)", ylabel="initial ramp (mV)", title=title)
        figure.colorbar(image, ax=axis, label="delta ramp (mV)")
    history = result.history
    axes[3].plot(history["generation"], history["best_mV2"], label="best")
    axes[3].plot(history["generation"], history["mean_mV2"], label="population mean")
    axes[3].axhline(result.published_loss, color="k", ls=":", label="published parameters")
    axes[3].set(yscale="log", xlabel="generation", ylabel="loss (mV$^2$)", title="loss")
    axes[3].legend(fontsize=7)
    figure.tight_layout()
    return figure


def write(result, out, sources=()):
    """Write fitted.json, uncertainty.csv, history.csv, comparison.csv, fit.png and provenance.json into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = lambda path, content: atomic_write(out / path, lambda tmp: Path(tmp).write_text(content))
    text("fitted.json", json.dumps(result.to_json(), indent=2))
    for name, table in (("uncertainty", result.uncertainty), ("history", result.history),
                        ("comparison", result.comparison)):
        write_csv(out / f"{name}.csv", table)
    figure = plot(result)
    atomic_write(out / "fit.png", lambda tmp: figure.savefig(tmp, format="png", dpi=120))
    plt.close(figure)
    text("provenance.json", json.dumps({"data": [str(s) for s in sources], "code_version": code_version(),
                                        "packages": package_versions(), "settings": result.to_json()["settings"]},
                                       indent=2))
    return out
