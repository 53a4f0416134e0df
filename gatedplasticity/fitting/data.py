"""Recorded BTSP data in two tidy formats, read with pandas (CSV or Parquet) and checked column by column.

Per induction (three tables, units in the column names):

- ramps: ``induction, bin_cm, ramp_before_mV, ramp_after_mV`` (ramp_before
  may be all zero for a silent cell);
- paths: ``induction, lap, t_s, position_cm`` (the animal's path; t from the
  recording's start, position on the circular track);
- plateaus: ``induction, lap, onset_s, duration_ms``.

Pooled, as often published: one row per spatial bin, ``t`` (s from the bin
to the nearest plateau onset; negative = passed before it), ``initial_ramp``
(mV before), ``delta_ramp`` (mV after minus before, after all plateaus),
optionally ``induction`` and ``plateaus`` (their number). ``t_s``,
``initial_ramp_mV`` and ``delta_ramp_mV`` are accepted as well.

Every malformed table raises :class:`DataError` naming the column.
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
    """A DataFrame from a CSV or Parquet path (a DataFrame passes through)."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if not path.exists():
        raise DataError("data", f"no such data file: {path}")
    return pd.read_parquet(path) if path.suffix in (".parquet", ".pq") else pd.read_csv(path)


def unit_mismatch(table, column):
    """A column that names the same quantity in another unit (e.g. 't_ms' for 't_s'), or None."""
    stem = column.rsplit("_", 1)[0] if "_" in column and column[-1] not in "0123456789" else column
    for other in table.columns:
        if other != column and other.startswith(stem + "_") and other.count("_") == column.count("_"):
            return other
    return None


def require(table, columns, name):
    """Raise DataError naming the first missing column, non-numeric column or column with NaNs."""
    for column in columns:
        if column not in table.columns:
            other = unit_mismatch(table, column)
            hint = f" ('{other}' is there: units go in the column name, this one must be '{column}')" if other else ""
            raise DataError(column, f"{name}: missing column '{column}'{hint}; columns: {', '.join(table.columns)}")
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise DataError(column, f"{name}: column '{column}' must be numeric, got {table[column].dtype}")
        if table[column].isna().any():
            rows = table.index[table[column].isna()].tolist()[:5]
            raise DataError(column, f"{name}: column '{column}' has missing values (NaN) in rows {rows}")


def check_ramp_units(table, columns, name):
    for column in columns:
        largest = float(table[column].abs().max())
        if largest > RAMP_LIMIT_MV:
            raise DataError(column, f"{name}: column '{column}' reaches {largest:g}, implausible for a ramp in mV "
                                    f"(limit {RAMP_LIMIT_MV:g}): are the values in another unit?")


@dataclass(frozen=True)
class InductionData:
    """Checked per-induction tables; ``ids`` the inductions in order."""

    ramps: pd.DataFrame
    paths: pd.DataFrame
    plateaus: pd.DataFrame
    length_cm: float

    @property
    def ids(self):
        return list(pd.unique(self.ramps["induction"]))

    def of(self, induction):
        """(ramps, path, plateaus) of one induction, sorted."""
        pick = lambda table, key: table[table["induction"] == induction].sort_values(key, ignore_index=True)
        return pick(self.ramps, "bin_cm"), pick(self.paths, "t_s"), pick(self.plateaus, "onset_s")


@dataclass(frozen=True)
class PooledData:
    """Checked pooled rows: columns t, initial_ramp, delta_ramp (+ induction, plateaus when given)."""

    rows: pd.DataFrame


def read_inductions(ramps, paths, plateaus, length_cm=187.0):
    """Check and bundle the three per-induction tables (paths or DataFrames)."""
    ramps, paths, plateaus = read_table(ramps), read_table(paths), read_table(plateaus)
    require(ramps, RAMPS, "ramps table")
    require(paths, PATHS, "paths table")
    require(plateaus, PLATEAUS, "plateaus table")
    check_ramp_units(ramps, ("ramp_before_mV", "ramp_after_mV"), "ramps table")
    for column, table, low, high in (("bin_cm", ramps, 0, length_cm), ("position_cm", paths, 0, length_cm)):
        outside = table[(table[column] < low) | (table[column] >= high)]
        if len(outside):
            raise DataError(column, f"column '{column}' has values outside the track [0, {length_cm:g}) cm, e.g. "
                                    f"{outside[column].iloc[0]:g} (induction {outside['induction'].iloc[0]})")
    if (plateaus["duration_ms"] <= 0).any():
        raise DataError("duration_ms", "plateaus table: column 'duration_ms' must be positive")
    for induction in pd.unique(ramps["induction"]):
        path, events = paths[paths["induction"] == induction], plateaus[plateaus["induction"] == induction]
        if path.empty:
            raise DataError("induction", f"induction {induction!r} has ramps but no path in the paths table")
        if events.empty:
            raise DataError("induction", f"induction {induction!r} has no plateaus in the plateaus table")
        if (np.diff(path.sort_values("t_s")["lap"].to_numpy()) < 0).any():
            raise DataError("lap", f"paths table: laps of induction {induction!r} must not decrease in time")
        start, end = path["t_s"].min(), path["t_s"].max()
        late = events[(events["onset_s"] < start) | (events["onset_s"] + events["duration_ms"] / 1000 > end)]
        if len(late):
            raise DataError("onset_s", f"induction {induction!r}: a plateau at {late['onset_s'].iloc[0]:g} s lies "
                                       f"outside its path ({start:g}-{end:g} s)")
        if start != 0:
            raise DataError("t_s", f"paths table: induction {induction!r} starts at t = {start:g} s; "
                                   "times count from the recording's start (0 s)")
    return InductionData(ramps.reset_index(drop=True), paths.reset_index(drop=True),
                         plateaus.reset_index(drop=True), float(length_cm))


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
    tables = [read_table(source) for source in sources]
    if format == "pooled":
        if len(tables) != 1:
            raise DataError("data", f"the pooled format takes one table, got {len(tables)}")
        return read_pooled(tables[0])
    roles = {}
    for table in tables:
        role = next((r for r, marker in (("ramps", "bin_cm"), ("paths", "position_cm"), ("plateaus", "onset_s"))
                     if marker in table.columns), None)
        if role is None or role in roles:
            raise DataError("data", "the induction format takes three tables: ramps (bin_cm, ...), paths "
                                    "(position_cm, ...) and plateaus (onset_s, ...); got columns "
                                    f"{', '.join(table.columns)}")
        roles[role] = table
    missing = [role for role in ("ramps", "paths", "plateaus") if role not in roles]
    if missing:
        raise DataError("data", f"the induction format needs a {missing[0]} table too")
    return read_inductions(roles["ramps"], roles["paths"], roles["plateaus"])
