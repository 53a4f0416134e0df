"""The results folder of one sweep: a file per finished or failed point, the gathered table and its provenance.

A result file that does not parse (a disk filled up, a copy cut short) is named in a warning, counts as
not run, and is moved to ``damaged/`` by the next run (which computes its point again; ``status`` only
looks). Hidden files are ``atomic_write``'s temporaries, never results; those older than a minute were
left by a killed run and are removed when a sweep runs.
"""

import hashlib
import json
import warnings
from pathlib import Path

import pandas as pd

from .parameters import to_json
from .results import atomic_write, remove_stale_temporaries

TABLE = "table.parquet"
PROVENANCE = "provenance.json"


def point_identity(experiment, values, seed):
    """What a point is, whatever code runs it: a hash of the experiment's name, its values (``to_json``
    form) and seed; a table's ``point`` column, matched by a sweep's ``finished`` table."""
    text = json.dumps({"experiment": experiment, "values": values, "seed": seed}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class Store:
    """Results of one sweep folder: done/<key>.json, failed/<key>.json, table.parquet, provenance.json."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def valid(self, outcome="done", set_aside=True):
        """{path: entry} of the result files that parse; damaged ones are named in a warning and (unless
        ``set_aside=False``: a look that changes nothing) moved to damaged/."""
        entries = {}
        for path in sorted((self.directory / outcome).glob("[!.]*.json")):
            try:
                entries[path] = json.loads(path.read_text())
            except (ValueError, UnicodeDecodeError) as error:
                target = self.directory / "damaged" / path.name
                if set_aside:
                    target.parent.mkdir(exist_ok=True)
                    path.replace(target)
                warnings.warn(f"sweep store: {path} does not parse ({error}); "
                              + (f"moved to {target}, its point runs again" if set_aside else
                                 "its point runs again with the next run"), stacklevel=2)
        return entries

    def keys(self, outcome="done"):
        return {path.stem for path in self.valid(outcome)}

    def clean(self):
        """Remove temporaries left by a killed run (older than a minute: a running one may be writing now)."""
        for outcome in ("done", "failed"):
            remove_stale_temporaries(self.directory / outcome)

    def record(self, point, key, outcome, payload, wall_time, source):
        """Write one point's result (``source``: the package's source hash it ran with, as in its key)."""
        entry = {"experiment": point.experiment.name, "values": to_json(point.values), "seed": point.seed,
                 "wall_time": wall_time, "source": source, ("row" if outcome == "done" else "traceback"): payload}
        atomic_write(self.directory / outcome / f"{key}.json", lambda tmp: Path(tmp).write_text(json.dumps(entry)))
        if outcome == "done":
            (self.directory / "failed" / f"{key}.json").unlink(missing_ok=True)

    def entries(self, outcome="done"):
        return list(self.valid(outcome).values())

    def table(self):
        """One row per finished point: parameter columns "name [unit]", seed, wall time, its key (the name of
        its result file, and of any checkpoint it left), the package source it ran with (None: written before
        entries named it), the point's :func:`point_identity` (``point``), results. Points of every source in
        the folder are here: filter by ``source``."""
        rows = []
        for path, entry in self.valid().items():
            row = {}
            for name, value in entry["values"].items():
                if isinstance(value, dict):
                    row[f"{name} [{value['unit']}]"] = value["value"]
                else:
                    row[name] = value
            rows.append({**row, "seed": entry["seed"], "wall_time_s": entry["wall_time"], "key": path.stem,
                         "source": entry.get("source"),
                         "point": point_identity(entry["experiment"], entry["values"], entry["seed"]), **entry["row"]})
        table = pd.DataFrame(rows)
        if rows:
            keys = list(rows[0])[: list(rows[0]).index("seed") + 1]  # parameters and seed; arrays cannot be sorted by
            table = table.sort_values([c for c in keys if not table[c].map(lambda v: isinstance(v, list)).any()],
                                      ignore_index=True)
        return table

    def status(self):
        """How many points are done and failed (valid files only); moves nothing."""
        return {outcome: len(self.valid(outcome, set_aside=False)) for outcome in ("done", "failed")}

    def save_table(self, provenance):
        table = self.table()
        atomic_write(self.directory / TABLE, lambda tmp: table.to_parquet(tmp, index=False))
        atomic_write(self.directory / PROVENANCE, lambda tmp: Path(tmp).write_text(json.dumps(provenance, indent=2)))
        return table
