"""Running the pre-registered calibration (``docs/burbank2012-calibration.md``), resumable::

    python -m gatedplasticity.papers.burbank2012.calibration [--workers 2] [--report docs/burbank2012-calibration.md]

Every candidate is a row of one table, written atomically after each
candidate (stage 1 for the whole grid, then each stage-2 candidate), so an
interrupted calibration resumes; the rules live in ``calibration_stages``.
"""

import argparse
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from ...backends import cache_root
from ...protocols import top_down
from ...results import write_csv
from .calibration_report import write_report
from .parameters import network_parameters
from .calibration_stages import (
    TARGETS,
    _plain,
    _with_units,
    candidates,
    choose,
    label,
    probe,
    calibration_structure,
    stage1_filters,
    stage2_selection,
    target_runs,
)


def calibrate(path=None, workers=2, progress=True):
    """Run (or resume) the whole calibration; returns the candidate table (also written to ``path``)."""
    path = Path(path or cache_root() / "calibration" / "candidates.csv")
    table = pd.read_csv(path) if path.exists() else pd.DataFrame()
    if "admissible (F1-F5)" not in table:
        rows = []
        with top_down.program(calibration_structure(network_parameters())) as program:
            for candidate in candidates():
                row = {**_plain(candidate), **probe(candidate, program)}
                row.update(stage1_filters(row))
                row["admissible (F1-F5)"] = all(row[f"F{k}"] for k in range(1, 6))
                rows.append(row)
                if progress:
                    print(f"stage 1  {label(candidate)}: {_stage1_line(row)}", flush=True)
        table = pd.DataFrame(rows)
        write_csv(path, table)
    chosen = [k for k in stage2_selection(table) if not table.get("stage 2", pd.Series(False, index=table.index)).fillna(False)[k]]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = {k: pool.submit(target_runs, _with_units(table.loc[k])) for k in chosen}
        for k, future in futures.items():
            for column, value in {**future.result(), "stage 2": True}.items():
                if column not in table:
                    table[column] = pd.Series([None] * len(table), dtype=object)
                table.at[k, column] = value
            write_csv(path, table)
            if progress:
                print(f"stage 2  {label(_with_units(table.loc[k]))}: {_stage2_line(table.loc[k])}", flush=True)
    return table


def _stage1_line(row):
    flags = " ".join(f"F{k}{'+' if row[f'F{k}'] else '-'}" for k in range(1, 6))
    return (f"noise {row['noise_spikes_lower']:.3f}/{row['noise_spikes_higher']:.3f}, input "
            f"{row['input_spikes_lower']:.2f}/{row['input_spikes_higher']:.2f} spikes/neuron/presentation, "
            f"rho {row['spearman_early']:.2f}, weak share {row['weak_share']:.2f}  {flags}")


def _stage2_line(row):
    return ", ".join(f"{r} {row[f'outcome {r}']} at {row.get(f'N {r}', float('nan'))}" for r in TARGETS)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--table", default=None, help="candidate table (CSV; default under the cache)")
    parser.add_argument("--report", default=None, help="write the outcome into this pre-registration document")
    args = parser.parse_args(argv)
    table = calibrate(args.table, args.workers)
    if args.report:
        write_report(table, args.report)
    best, reason = choose(table)
    print(f"chosen: {label(_with_units(table.loc[best])) if best is not None else 'none'} ({reason})")


if __name__ == "__main__":
    main()
