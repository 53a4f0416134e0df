"""Command line: ``gatedplasticity list`` and ``gatedplasticity reproduce FIG``."""

import argparse
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from . import figures
from .backends import BACKENDS
from .figures.common import save_figure
from .results import atomic_write


def list_figures():
    for figure_id in figures.figure_ids():
        module = figures.get(figure_id)
        print(f"{figure_id:22s} {module.PAPER}\n{'':22s} {module.DESCRIPTION}")
    return 0


def reproduce(figure_id, quick, seed, out, backend):
    """Simulate, plot, save and compare one figure; returns the exit code."""
    module = figures.get(figure_id)
    target = Path(out) / figure_id
    with tqdm(total=4, desc=figure_id, unit="step") as steps:
        steps.set_postfix_str("simulating")
        data = module.simulate(seed=seed, quick=quick, backend=backend)
        steps.update()
        steps.set_postfix_str("plotting")
        figure = module.plot(data)
        for suffix in ("png", "pdf"):
            save_figure(figure, target / f"{figure_id}.{suffix}")
        steps.update()
        steps.set_postfix_str("saving data")
        data.save(target)
        steps.update()
        steps.set_postfix_str("comparing")
        table = module.compare(data)
        atomic_write(target / "comparison.csv", lambda tmp: table.to_csv(tmp, index=False))
        steps.update()
    with pd.option_context("display.max_colwidth", 80, "display.width", 200, "display.precision", 6):
        print(f"\n{figure_id} ({'quick' if quick else 'full'}, seed {seed}, {backend}): published vs reproduced")
        print(table.to_string(index=False))
    print(f"simulation wall time {data.wall_time:.1f} s; results in {target}")
    failed = int((~table["passed"]).sum())
    if failed:
        print(f"{failed} of {len(table)} checks FAILED", file=sys.stderr)
    return 1 if failed else 0


def parser():
    main = argparse.ArgumentParser(prog="gatedplasticity", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the reproducible figures")
    run = commands.add_parser("reproduce", help="reproduce one figure")
    run.add_argument("figure", help="figure id, e.g. burbank2012-fig1 (see 'list')")
    run.add_argument("--quick", action="store_true", help="smaller but faithful configuration")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--out", default="results", help="output folder (default: ./results)")
    run.add_argument("--backend", choices=BACKENDS, default="standalone",
                     help="standalone (default): one C++ program, built once and reused; "
                          "runtime: Cython, compiles each code object on first use")
    return main


def main(argv=None):
    args = parser().parse_args(argv)
    if args.command == "list":
        return list_figures()
    try:
        return reproduce(args.figure, args.quick, args.seed, args.out, args.backend)
    except figures.UnknownFigureError as error:
        print(f"gatedplasticity: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
