"""Recorded BTSP data in two tidy formats, read with pandas (CSV or Parquet) and checked column by column.

Per induction (three tables, units in the column names):

- ramps: ``induction, bin_cm, ramp_before_mV, ramp_after_mV`` (ramp_before
  may be all zero for a silent cell);
- paths: ``induction, lap, t_s, position_cm`` (the animal's path, position
  on the circular track);
- plateaus: ``induction, lap, onset_s, duration_ms`` (one row per plateau, or
  per piece of one; pieces must not overlap).

``induction`` holds numbers or names (e.g. ``cell10_ind1``). Times may use
any clock shared by an induction's path and plateaus: the shared CA1 data
count from the first induction lap, so a recorded lap before it has
negative times; each induction is simulated from its first path sample.

Pooled, as often published: one row per spatial bin, ``t`` (s from the bin
to the nearest plateau onset; negative = passed before it), ``initial_ramp``
(mV before), ``delta_ramp`` (mV after minus before, after all plateaus),
optionally ``induction`` and ``plateaus`` (their number). ``t_s``,
``initial_ramp_mV`` and ``delta_ramp_mV`` are accepted as well.

Every malformed table raises :class:`DataError` naming the column (and the
file and induction where they are known): missing, non-numeric, NaN or
infinite values, duplicated rows, overlapping plateaus, a plateau outside
its path; a file that cannot be read as a table names the file.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..parameters import ParameterError

RAMPS = ("induction", "bin_cm", "ramp_before_mV", "ramp_after_mV")
PATHS = ("induction", "lap", "t_s", "position_cm")
PLATEAUS = ("induction", "lap", "onset_s", "duration_ms")
POOLED = {"t": ("t", "t_s"), "initial_ramp": ("initial_ramp", "initial_ramp_mV"),
          "delta_ramp": ("delta_ramp", "delta_ramp_mV")}
POOLED_OPTIONAL = ("induction", "plateaus")
FORMATS = ("induction", "pooled")
#: Largest plausible |ramp| (mV): larger values are most likely in another unit.
RAMP_LIMIT_MV = 60.0


class DataError(ParameterError):
    """A data table is malformed; ``parameter`` names the column (or the table)."""


def read_table(source):
    """A DataFrame from a CSV or Parquet path (a DataFrame passes through); DataError naming the file if it
    cannot be read as a table."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if not path.exists():
        raise DataError("data", f"no such data file: {path}")
    if path.is_dir():
        raise DataError("data", f"{path} is a folder, not a data file (give its CSV or Parquet tables)")
    try:
        table = pd.read_parquet(path) if path.suffix in (".parquet", ".pq") else pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        kind = "Parquet" if path.suffix in (".parquet", ".pq") else "CSV"
        raise DataError("data", f"cannot read {path} as a {kind} table ({type(error).__name__}: "
                                f"{str(error).splitlines()[0] if str(error) else 'unreadable'})") from None
    if table.empty or len(table.columns) == 0:
        raise DataError("data", f"{path} holds no rows")
    return table


def unit_mismatch(table, column):
    """A column that names the same quantity in another unit (e.g. 't_ms' for 't_s'), or None."""
    stem = column.rsplit("_", 1)[0] if "_" in column and column[-1] not in "0123456789" else column
    for other in table.columns:
        if other != column and other.startswith(stem + "_") and other.count("_") == column.count("_"):
            return other
    return None


def require(table, columns, name, labels=("induction",)):
    """Raise DataError naming the first missing column, non-numeric column, or column with NaN or infinite
    values; ``labels`` (e.g. induction ids) may hold names or numbers."""
    for column in columns:
        if column not in table.columns:
            other = unit_mismatch(table, column)
            hint = f" ('{other}' is there: units go in the column name, this one must be '{column}')" if other else ""
            raise DataError(column, f"{name}: missing column '{column}'{hint}; columns: {', '.join(table.columns)}")
        if table[column].isna().any():
            rows = table.index[table[column].isna()].tolist()[:5]
            raise DataError(column, f"{name}: column '{column}' has missing values (NaN) in rows {rows}")
        if column in labels:
            continue
        if not pd.api.types.is_numeric_dtype(table[column]) or pd.api.types.is_bool_dtype(table[column]):
            raise DataError(column, f"{name}: column '{column}' must be numeric, got {table[column].dtype}")
        infinite = ~np.isfinite(table[column].to_numpy(float))
        if infinite.any():
            rows = table.index[infinite].tolist()[:5]
            raise DataError(column, f"{name}: column '{column}' has infinite values in rows {rows}")


def refuse_duplicates(table, columns, name, what):
    """Raise DataError if two rows share ``columns`` (naming the induction and the last column)."""
    repeated = table[table.duplicated(list(columns), keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise DataError(columns[-1], f"{name}: induction {label(first['induction'])} has {what} "
                                     f"{columns[-1]} = {first[columns[-1]]:g} more than once (a duplicated induction "
                                     "or row?)")


def check_ramp_units(table, columns, name):
    for column in columns:
        largest = float(table[column].abs().max())
        if largest > RAMP_LIMIT_MV:
            raise DataError(column, f"{name}: column '{column}' reaches {largest:g}, implausible for a ramp in mV "
                                    f"(limit {RAMP_LIMIT_MV:g}): are the values in another unit?")


@dataclass(frozen=True)
class InductionData:
    """Checked per-induction tables; ``ids`` the inductions in order; ``cells`` (optional table ``induction,
    cell, ...``) says which inductions share a cell."""

    ramps: pd.DataFrame
    paths: pd.DataFrame
    plateaus: pd.DataFrame
    length_cm: float
    cells: pd.DataFrame = None

    @property
    def ids(self):
        return pd.unique(self.ramps["induction"]).tolist()

    def cell_of(self):
        """{induction: cell} (each induction its own cell without a cells table)."""
        if self.cells is None:
            return {induction: induction for induction in self.ids}
        return dict(zip(self.cells["induction"].tolist(), self.cells["cell"].tolist()))

    def subset(self, ids):
        """The same data restricted to the inductions ``ids``."""
        pick = lambda table: None if table is None else table[table["induction"].isin(ids)].reset_index(drop=True)
        return InductionData(pick(self.ramps), pick(self.paths), pick(self.plateaus), self.length_cm, pick(self.cells))

    def of(self, induction):
        """(ramps, path, plateaus) of one induction, sorted, with times counted from its first path sample."""
        pick = lambda table, key: table[table["induction"] == induction].sort_values(key, ignore_index=True)
        ramps, path, plateaus = pick(self.ramps, "bin_cm"), pick(self.paths, "t_s"), pick(self.plateaus, "onset_s")
        start = path["t_s"].iloc[0]
        return ramps, path.assign(t_s=path["t_s"] - start), plateaus.assign(onset_s=plateaus["onset_s"] - start)


@dataclass(frozen=True)
class PooledData:
    """Checked pooled rows: columns t, initial_ramp, delta_ramp (+ induction, plateaus when given)."""

    rows: pd.DataFrame


def label(induction):
    """An induction id as written in the data (``cell10_ind1``, ``3``), for messages."""
    return repr(induction.item() if hasattr(induction, "item") else induction)


def table_name(role, source):
    return f"{role} table" + (f" {source}" if isinstance(source, (str, Path)) else "")


def read_inductions(ramps, paths, plateaus, length_cm=187.0, sources=None, cells=None):
    """Check and bundle the three per-induction tables and the optional cells table (paths or DataFrames);
    ``sources`` {role: file} names the files of tables given as DataFrames in messages."""
    sources = {"ramps": ramps, "paths": paths, "plateaus": plateaus, "cells": cells, **(sources or {})}
    names = {role: table_name(role, source) for role, source in sources.items()}
    ramps, paths, plateaus = read_table(ramps), read_table(paths), read_table(plateaus)
    require(ramps, RAMPS, names["ramps"])
    require(paths, PATHS, names["paths"])
    require(plateaus, PLATEAUS, names["plateaus"])
    check_ramp_units(ramps, ("ramp_before_mV", "ramp_after_mV"), names["ramps"])
    refuse_duplicates(ramps, ("induction", "bin_cm"), names["ramps"], "the bin")
    refuse_duplicates(paths, ("induction", "t_s"), names["paths"], "the time")
    refuse_duplicates(plateaus, ("induction", "onset_s"), names["plateaus"], "a plateau at")
    for column, role, table in (("bin_cm", "ramps", ramps), ("position_cm", "paths", paths)):
        outside = table[(table[column] < 0) | (table[column] >= length_cm)]
        if len(outside):
            raise DataError(column, f"{names[role]}: column '{column}' has values outside the track "
                                    f"[0, {length_cm:g}) cm, e.g. {outside[column].iloc[0]:g} "
                                    f"(induction {label(outside['induction'].iloc[0])})")
    if (plateaus["duration_ms"] <= 0).any():
        wrong = plateaus[plateaus["duration_ms"] <= 0].iloc[0]
        raise DataError("duration_ms", f"{names['plateaus']}: column 'duration_ms' must be positive, got "
                                       f"{wrong['duration_ms']:g} (induction {label(wrong['induction'])})")
    for induction in pd.unique(ramps["induction"]):
        path, events = paths[paths["induction"] == induction], plateaus[plateaus["induction"] == induction]
        if path.empty:
            raise DataError("induction", f"induction {label(induction)} has ramps but no path in the {names['paths']}")
        if events.empty:
            raise DataError("induction", f"induction {label(induction)} has no plateaus in the {names['plateaus']}")
        if (np.diff(path.sort_values("t_s")["lap"].to_numpy()) < 0).any():
            raise DataError("lap", f"{names['paths']}: laps of induction {label(induction)} must not decrease in time")
        start, end = path["t_s"].min(), path["t_s"].max()
        late = events[(events["onset_s"] < start) | (events["onset_s"] + events["duration_ms"] / 1000 > end)]
        if len(late):
            raise DataError("onset_s", f"{names['plateaus']}: induction {label(induction)}: a plateau at "
                                       f"{late['onset_s'].iloc[0]:g} s lies outside its path ({start:g}-{end:g} s)")
        events = events.sort_values("onset_s")
        ends = (events["onset_s"] + events["duration_ms"] / 1000).to_numpy()
        overlapping = np.flatnonzero(events["onset_s"].to_numpy()[1:] < ends[:-1])
        if len(overlapping):
            raise DataError("onset_s", f"{names['plateaus']}: induction {label(induction)}: the plateau at "
                                       f"{events['onset_s'].iloc[overlapping[0] + 1]:g} s starts before the one "
                                       "before it ends (pieces of one plateau must not overlap)")
    if cells is not None:
        cells = read_table(cells)
        if "cell" not in cells.columns or "induction" not in cells.columns:
            raise DataError("cell", f"{names['cells']}: needs the columns 'induction' and 'cell'")
        require(cells, ("induction", "cell"), names["cells"], labels=("induction", "cell"))
        repeated = cells[cells.duplicated("induction")]
        if len(repeated):
            raise DataError("induction", f"{names['cells']}: induction {label(repeated['induction'].iloc[0])} "
                                         "is listed more than once")
        missing = sorted(set(ramps["induction"]) - set(cells["induction"]), key=str)
        if missing:
            raise DataError("induction", f"{names['cells']}: induction {label(missing[0])} is not listed")
    return InductionData(ramps.reset_index(drop=True), paths.reset_index(drop=True),
                         plateaus.reset_index(drop=True), float(length_cm), cells)


def read_pooled(source):
    """Check pooled rows; returns PooledData with the canonical column names."""
    table = read_table(source)
    renamed = {}
    for canonical, accepted in POOLED.items():
        present = [name for name in accepted if name in table.columns]
        if not present:
            other = next((c for c in table.columns if c.startswith(canonical + "_") and c not in accepted), None)
            hint = f" ('{other}' is there: accepted are {', '.join(accepted)})" if other else ""
            raise DataError(canonical, f"pooled table: missing column '{canonical}'{hint}; columns: "
                                       f"{', '.join(table.columns)}")
        renamed[present[0]] = canonical
    table = table.rename(columns=renamed)
    optional = [c for c in POOLED_OPTIONAL if c in table.columns]
    require(table, [*POOLED, *[c for c in optional if c != "induction"]], "pooled table")
    check_ramp_units(table, ("initial_ramp", "delta_ramp"), "pooled table")
    if "plateaus" in table.columns and ((table["plateaus"] < 1) | (table["plateaus"] % 1 != 0)).any():
        raise DataError("plateaus", "pooled table: column 'plateaus' must hold whole numbers >= 1")
    return PooledData(table[[*POOLED, *optional]].reset_index(drop=True))


def read(sources, format):
    """Read ``sources`` (files or DataFrames) in ``format``: "induction" takes the three tables, recognised by
    their columns, in any order; "pooled" takes one table."""
    if format not in FORMATS:
        raise DataError("format", f"unknown data format {format!r}; choose one of {', '.join(FORMATS)}")
    sources = list(sources)
    tables = [read_table(source) for source in sources]
    if format == "pooled":
        if len(tables) != 1:
            raise DataError("data", f"the pooled format takes one table, got {len(tables)}")
        return read_pooled(tables[0])
    roles, files = {}, {}
    for source, table in zip(sources, tables):
        role = next((r for r, marker in (("ramps", "bin_cm"), ("paths", "position_cm"), ("plateaus", "onset_s"),
                                         ("cells", "cell")) if marker in table.columns), None)
        if role is None or role in roles:
            where = f" in {source}" if isinstance(source, (str, Path)) else ""
            again = f" (a second {role} table)" if role in roles else ""
            raise DataError("data", "the induction format takes three tables: ramps (bin_cm, ...), paths "
                                    "(position_cm, ...) and plateaus (onset_s, ...), and optionally cells (induction, "
                                    f"cell, ...); got columns {', '.join(map(str, table.columns))}{where}{again}")
        roles[role], files[role] = table, source
    missing = [role for role in ("ramps", "paths", "plateaus") if role not in roles]
    if missing:
        raise DataError("data", f"the induction format needs a {missing[0]} table too")
    return read_inductions(roles["ramps"], roles["paths"], roles["plateaus"], sources=files, cells=roles.get("cells"))
