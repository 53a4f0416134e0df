"""The reproduction record (``docs/reproductions.md``), generated from the figure modules and their latest runs.

``gatedplasticity record --run`` first runs, at the checked-out commit of a
clean tree, every figure not yet run there in ``DIR`` (full scale, except
the figures in :data:`QUICK_IN_RECORD`, whose full form takes hours; an
interrupted run resumes with the next figure), so that the record comes
from one commit. ``gatedplasticity record [--results DIR] [--out FILE]`` writes, for every
figure id: its paper, what it reproduces, its declared backends and quick
form, and the rows of its comparison (quantity, published target,
tolerance) with the latest measured value, the command and the commit that
produced it, read from ``DIR/<figure>/comparison.csv`` and
``provenance.json`` as ``gatedplasticity reproduce`` writes them. The
targets and tolerances come from the figures' own ``compare()``, so the
record cannot drift from the checks. A figure not run in ``DIR`` keeps the
measured section it has in the existing ``FILE`` (so a record of one's own can
grow figure by figure; the committed ``docs/reproductions.md`` is written
whole from one commit, which ``tests/test_contract.py`` checks). Each paper's parameter table ([P] published, [R]
reconstructed, with the reason) follows.
"""

import importlib
import json
import re
from pathlib import Path

import pandas as pd

from ..parameters import tagged_table
from ..results import atomic_write
from . import PAPERS, figure_ids, get
from .figure import redrawn

#: Figures recorded in their quick form: their full form takes well over an hour on 2 cores. (Fig 5's full
#: form, the pre-registered 300-run sample, Fig 6's, its 148 runs, and Fig 7's, its registered 48-run sample,
#: read the checkout's committed per-run tables and train nothing; Fig 8's full form costs about what its quick
#: form does, ~21 min on one core.)
QUICK_IN_RECORD = {
    "burbank2012-fig4": "four rules, each up to 625,000 presentations",
}

LEGEND = """\
**Legend.** `[P]` = published: the value is in the paper. `[R]` = reconstructed:
the paper lost or never gave the value, and the reason says how we chose it.
A row's *tolerance* is the pass band around the published value (or, where the
quantity says "pass if", the bound). *Reproduced* is the latest measured value
of the run named under the table; a run's form (quick or full), seed, backend,
command and commit come from its `provenance.json`.
"""


def quick_in_record(figure_id):
    """Whether the record runs ``figure_id`` in its quick form (only figures that have one)."""
    return figure_id in QUICK_IN_RECORD and get(figure_id).QUICK


def command_of(figure_id, provenance):
    """The command that reproduces a run, without machine paths: its form, seed and backend as recorded."""
    module = get(figure_id)
    parts = ["gatedplasticity reproduce", figure_id]
    if provenance.get("quick") and module.QUICK:
        parts.append("--quick")
    if provenance.get("seed") not in (None, 0):
        parts.append(f"--seed {provenance['seed']}")
    if provenance.get("backend") not in (None, module.BACKENDS[0]):
        parts.append(f"--backend {provenance['backend']}")
    return " ".join(parts)


def recorded_at(results, figure_id, commit):
    """True when ``results`` hold a finished run of ``figure_id`` in its record form, made at ``commit`` from a
    clean tree."""
    folder = Path(results) / figure_id
    if not (folder / "comparison.csv").exists() or not (folder / "provenance.json").exists():
        return False
    provenance = json.loads((folder / "provenance.json").read_text())
    code = provenance.get("code") or {}
    return (code.get("commit") == commit and not code.get("dirty")
            and bool(provenance.get("quick")) == quick_in_record(figure_id))


def number(value):
    return "" if pd.isna(value) else f"{value:.4g}"


def kept_sections(page, level):
    """{figure id: [section text, ""]} of an existing page's sections headed ``<level x #> `figure-id```."""
    if not Path(page).exists():
        return {}
    heading = "#" * level + " `"
    sections = {}
    for chunk in Path(page).read_text().split("\n" + heading)[1:]:
        figure_id, _, rest = chunk.partition("`")
        body = re.split(rf"\n#{{1,{level}}} ", rest, maxsplit=1)[0]
        sections[figure_id] = [f"{heading}{figure_id}`{body.rstrip()}", ""]
    return sections


def figure_section(figure_id, results, kept=None):
    """The record's section of one figure, from its run in ``results`` (else ``kept``, its measured section
    in the existing record, if any)."""
    module = get(figure_id)
    summary = (module.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    lines = [f"### `{figure_id}`", "", f"{module.PAPER}. {summary}", "",
             f"Backends: {', '.join(module.BACKENDS)} (default {module.BACKENDS[0]}); "
             f"`--quick`: {'a smaller form' if module.QUICK else 'the same run (already small)'}.", ""]
    folder = Path(results) / figure_id
    if not (folder / "comparison.csv").exists():
        return kept or lines + [f"Not run for this record: `{command_of(figure_id, {'quick': quick_in_record(figure_id)})}`.", ""]
    table = pd.read_csv(folder / "comparison.csv")
    provenance = json.loads((folder / "provenance.json").read_text())
    lines += ["| quantity | published | tolerance | reproduced | passed |", "|---|---|---|---|---|"]
    for row in table.itertuples():
        quantity = str(row.quantity).replace("|", "\\|")
        lines.append(f"| {quantity} | {number(row.published)} | {number(row.tolerance)} | {number(row.reproduced)} | "
                     f"{'yes' if row.passed else '**no**'} |")
    code = provenance.get("code") or {}
    commit = (code.get("commit") or "unknown")[:10] + (" (with local changes)" if code.get("dirty") else "")
    form = "quick" if provenance.get("quick") else "full"
    if figure_id in QUICK_IN_RECORD:
        form += f"; the full form: {QUICK_IN_RECORD[figure_id]}"
    lines += ["", f"{int(table['passed'].sum())} of {len(table)} rows pass. Run: `{command_of(figure_id, provenance)}` "
              f"({form}, seed {provenance.get('seed')}, "
              f"{provenance.get('backend')}), commit {commit}, {provenance.get('created', '')[:10]}, "
              f"{provenance.get('wall_time_s', 0):.0f} s{redrawn(folder, code.get('commit') or 'unknown')}."
              f"{read_not_trained(provenance)}", ""]
    return lines


def read_not_trained(provenance):
    """The record's note on runs a figure read from a committed per-run table instead of training them (its
    params' "read, not trained"), with the table's path from the checkout's ``docs/`` on; "" for none."""
    read = (provenance.get("params") or {}).get("read, not trained", "none")
    if read == "none":
        return ""
    return " Read, not trained: " + re.sub(r"\S*?(docs/data/\S+)", r"`\1`", read) + "."


def summary(sections):
    """A table per paper: figures recorded (quick / full), figures passing every row, rows passing."""
    counts = {}
    for figure_id, section in sections.items():
        match = re.search(r"^(\d+) of (\d+) rows pass\. Run: .*?\((quick|full)", "\n".join(section), re.MULTILINE)
        paper = counts.setdefault(figure_id.rsplit("-", 1)[0], {"figures": 0, "quick": 0, "all": 0, "passed": 0, "rows": 0})
        if match:
            passed, rows = int(match.group(1)), int(match.group(2))
            paper["figures"] += 1
            paper["quick"] += match.group(3) == "quick"
            paper["all"] += passed == rows
            paper["passed"] += passed
            paper["rows"] += rows
    lines = ["## Summary", "", "| paper | figures recorded (quick form) | figures passing every row | rows passing |",
             "|---|---|---|---|"]
    for paper, c in counts.items():
        lines.append(f"| {paper} | {c['figures']} ({c['quick']}) | {c['all']} of {c['figures']} | "
                     f"{c['passed']} of {c['rows']} |")
    total = {key: sum(c[key] for c in counts.values()) for key in ("figures", "quick", "all", "passed", "rows")}
    lines.append(f"| all | {total['figures']} ({total['quick']}) | {total['all']} of {total['figures']} | "
                 f"{total['passed']} of {total['rows']} |")
    return lines + [""]


def render(results, kept=None):
    """The whole record as Markdown; ``kept``: {figure id: section} for figures not run in ``results``."""
    kept = kept or {}
    sections = {figure_id: figure_section(figure_id, results, kept.get(figure_id)) for figure_id in figure_ids()}
    lines = ["# Reproduction record", "", "Generated by `gatedplasticity record` from the figure modules' checks and "
             "the runs in `results/`; do not edit by hand.", "", LEGEND, *summary(sections), "## Figures", ""]
    for section in sections.values():
        lines += section
    lines += ["## Parameters per paper", ""]
    for paper in PAPERS:
        parameters = importlib.import_module(f"{__name__.rsplit('.', 1)[0]}.{paper}.parameters")
        lines += [f"### {paper}", "", (parameters.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "), "",
                  tagged_table(parameters.TABLE), ""]
    return "\n".join(lines)


def write(results, out):
    """Write the record to ``out`` (keeping the measured sections of figures not in ``results``); returns the path."""
    kept = {figure_id: section for figure_id, section in kept_sections(out, 3).items() if "rows pass. Run:" in section[0]}
    text = render(results, kept)
    return atomic_write(Path(out), lambda tmp: Path(tmp).write_text(text))
