"""Command line: ``gatedplasticity list``, ``reproduce FIG``, ``sweep EXPERIMENT ...`` and ``sweep status DIR``."""

import argparse
import json
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
    sweep = commands.add_parser("sweep", help="run a parameter sweep (or: sweep status DIR)",
                                description="gatedplasticity sweep EXPERIMENT --set name=v1,v2 ... | sweep status DIR")
    sweep.add_argument("experiment", help="registered experiment (e.g. stdp-drift), or 'status'")
    sweep.add_argument("directory", nargs="?", help="with 'status': the sweep folder")
    sweep.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2",
                       help="values of one parameter, with units where it has one (rate=10*Hz,20*Hz)")
    sweep.add_argument("--grid", help="JSON file {name: [values]} (values as in --set)")
    sweep.add_argument("--repeats", type=int, default=1, help="seeds per parameter combination")
    sweep.add_argument("--seed", type=int, default=0, help="first seed")
    sweep.add_argument("--out", help="sweep folder (default: sweeps/EXPERIMENT)")
    sweep.add_argument("--scheduler", help="Dask scheduler address (default: local processes)")
    sweep.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    return main


def parse_value(text):
    """A sweep value from the command line: a number, a Brian2 quantity expression (10*Hz) or a word."""
    import brian2

    try:
        return float(text)
    except ValueError:
        pass
    try:
        return eval(text, {"__builtins__": {}}, dict(brian2.units.__dict__))  # units and numbers only
    except Exception:
        return text


def sweep_command(args):
    from . import sweep

    if args.experiment == "status":
        if not args.directory:
            print("gatedplasticity: sweep status needs a folder", file=sys.stderr)
            return 2
        store = sweep.Store(args.directory)
        print(json.dumps(store.status()))
        for entry in store.entries("failed"):
            print(f"failed: {entry['values']} seed {entry['seed']}\n{entry['traceback']}")
        return 0
    grid = {}
    if args.grid:
        grid.update({name: [parse_value(str(v)) for v in values] for name, values in json.loads(Path(args.grid).read_text()).items()})
    for assignment in args.set:
        name, _, values = assignment.partition("=")
        grid[name] = [parse_value(value) for value in values.split(",")] if values else []
    points = sweep.points(args.experiment, grid=grid or {}, repeats=args.repeats, seed=args.seed) if grid else \
        sweep.points(args.experiment, rows=[{}], repeats=args.repeats, seed=args.seed)
    table = sweep.run_sweep(points, args.out or Path("sweeps") / args.experiment,
                            executor=args.scheduler or "local", workers=args.workers)
    print(table.to_string(index=False))
    return 0


def main(argv=None):
    args = parser().parse_args(argv)
    if args.command == "list":
        return list_figures()
    if args.command == "sweep":
        from .parameters import ParameterError

        try:
            return sweep_command(args)
        except ParameterError as error:
            print(f"gatedplasticity: {error}", file=sys.stderr)
            return 2
    try:
        return reproduce(args.figure, args.quick, args.seed, args.out, args.backend)
    except figures.UnknownFigureError as error:
        print(f"gatedplasticity: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
