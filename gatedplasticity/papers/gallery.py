"""The figure gallery of the documentation (``docs/gallery.md`` and ``docs/gallery/<figure>.png``).

``gatedplasticity record --gallery docs`` copies, for every figure id, the
PNG of its run in the results folder (the record's runs: full scale, or
quick where the record says so) to ``docs/gallery/<figure>.png`` and writes
``docs/gallery.md``: the image, its comparison table, its form and the
command that reproduces it. A figure with no run in the results folder
keeps the entry (and PNG) it already has in the gallery, so one figure can
be rendered at a time; a figure never rendered is listed with the command
that renders it. The documentation build only
reads these files; it runs no simulation.
"""

import json
import shutil
from pathlib import Path

import pandas as pd

from ..results import atomic_write
from . import figure_ids, get
from .figure import markdown_table, redrawn
from .record import command_of, kept_sections, quick_in_record


def figure_entry(figure_id, results, images, kept=None):
    """The gallery section of one figure; copies its PNG into ``images`` (or returns ``kept``, the section it
    already has, when the results hold no run of it)."""
    module = get(figure_id)
    lines = [f"## `{figure_id}`", "", f"{module.PAPER}. {module.DESCRIPTION}.", ""]
    folder = Path(results) / figure_id
    provenance = folder / "provenance.json"
    png = folder / f"{figure_id}.png"
    run = json.loads(provenance.read_text()) if provenance.exists() else {}
    if not png.exists():
        if kept and (images / png.name).exists():
            return kept
        return lines + [f"Not rendered yet: `{command_of(figure_id, {'quick': quick_in_record(figure_id)})}`.", ""]
    images.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, images / png.name)
    table = pd.read_csv(folder / "comparison.csv")
    commit = (run.get("code") or {}).get("commit") or "unknown"
    form = "quick form" if run.get("quick") and module.QUICK else "full scale"
    return lines + [f"![{figure_id}](gallery/{png.name})", "", markdown_table(table), "",
                    f"{int(table['passed'].sum())} of {len(table)} checks pass ({form}, commit {commit[:10]}"
                    f"{redrawn(folder, commit)}). Reproduce: `{command_of(figure_id, run)}`.", ""]


def write(results, docs):
    """Write ``docs/gallery.md`` and ``docs/gallery/*.png`` from the runs in ``results``; returns the page."""
    docs = Path(docs)
    lines = ["# Gallery", "", "Every figure from the runs of the reproduction record (full scale, or quick where "
             "the record says so), with its comparison table. Regenerate with `gatedplasticity record --run "
             "--gallery docs` (runs what is missing at the checked-out commit, then writes the record and this "
             "page); figures not in the results keep their entries.", ""]
    kept = {figure_id: section for figure_id, section in kept_sections(docs / "gallery.md", 2).items()
            if f"![{figure_id}](" in section[0]}
    for figure_id in figure_ids():
        lines += figure_entry(figure_id, results, docs / "gallery", kept.get(figure_id))
    text = "\n".join(lines)
    return atomic_write(docs / "gallery.md", lambda tmp: Path(tmp).write_text(text))
