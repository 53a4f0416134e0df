"""Command line: ``gatedplasticity list [--targets]``, ``reproduce FIG``, ``plot FIG``, ``record``,
``sweep EXPERIMENT ...``, ``sweep status DIR``, ``fit btsp DATA... --format induction|pooled --out DIR``.

Every bad input exits with status 2 and one line on stderr that names the
option; nothing typed on the command line or read from a grid file is
evaluated as code (:func:`gatedplasticity.arguments.parse_value`).
"""

import json
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from . import papers
from .arguments import (Parser, UsageError, parse_value, positive_argument, read_grid,
                        seed_argument, writable_folder)
from .fitting.fit import FIT_BACKENDS
from .fitting.variants import INTEGRATIONS, NORMALISATIONS
from .papers import figure as contract
from .parameters import ParameterError
from .results import code_version, remove_stale_temporaries, write_csv


def list_figures(targets):
    for figure_id in papers.figure_ids():
        module = papers.get(figure_id)
        print(f"{figure_id:22s} {module.PAPER}\n{'':22s} {module.DESCRIPTION}")
        if targets:
            print(f"{'':22s} backends: {', '.join(module.BACKENDS)}; quick form: {'yes' if module.QUICK else 'no (the same run)'}")
    return 0


def reproduce(figure_id, quick, seed, out, backend):
    """Simulate, plot, save and compare one figure; returns the exit code."""
    module = papers.get(figure_id)
    contract.requested_backend(module, backend)  # both refused before the progress bar appears
    contract.check_seed(module, seed)
    target = writable_folder(Path(out) / figure_id)  # before the simulation: a long run must not be lost
    remove_stale_temporaries(target)  # left by a killed earlier run
    with tqdm(total=4, desc=figure_id, unit="step") as steps:
        steps.set_postfix_str("simulating")
        data = contract.run(module, seed=seed, quick=quick, backend=backend)
        steps.update()
        steps.set_postfix_str("plotting")
        contract.save_figures(module.plot(data), target, figure_id)
        steps.update()
        steps.set_postfix_str("saving data")
        data.save(target)
        steps.update()
        steps.set_postfix_str("comparing")
        table = module.compare(data)
        write_csv(target / "comparison.csv", table)
        steps.update()
    form = "quick" if quick and module.QUICK else ("full; this figure has no smaller form" if quick else "full")
    with pd.option_context("display.max_colwidth", 80, "display.width", 200, "display.precision", 6):
        seeding = f"seed {data.seed}" if contract.seeded(module) else "deterministic"
        print(f"\n{figure_id} ({form}, {seeding}, {data.backend}): published vs reproduced")
        print(table.to_string(index=False))
    print(f"simulation wall time {data.wall_time:.1f} s; results in {target}")
    failed = int((~table["passed"]).sum())
    if failed:
        print(f"{failed} of {len(table)} checks FAILED", file=sys.stderr)
    return 1 if failed else 0


def plot_command(args):
    """``plot FIG``: draw and score a figure again from its saved run (nothing is simulated)."""
    png, table = contract.redraw(papers.get(args.figure), args.figure, Path(args.results) / args.figure)
    print(f"wrote {png}, its PDF and comparison.csv ({int(table['passed'].sum())} of {len(table)} rows pass) "
          "from the run saved there")
    return 0


def record_command(args):
    """``record [--run]``: run what the record lacks at this commit, then write the record (and gallery)."""
    from .papers import gallery, record

    if args.run:
        code = code_version()
        if not code["commit"] or code["dirty"]:
            raise UsageError("record --run: the package has local changes (or is not a git checkout); commit "
                             "first, so that every figure of the record comes from one commit")
        for figure_id in papers.figure_ids():
            if record.recorded_at(args.results, figure_id, code["commit"]):
                print(f"{figure_id}: already run at {code['commit'][:10]}")
                continue
            reproduce(figure_id, record.quick_in_record(figure_id), None, args.results, None)
    print(f"wrote {record.write(args.results, args.out)}")
    if args.gallery:
        print(f"wrote {gallery.write(args.results, args.gallery)}")
    return 0


def parser():
    main = Parser(prog="gatedplasticity", description=__doc__)
    main.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected error")
    commands = main.add_subparsers(dest="command", required=True, parser_class=Parser)
    listing = commands.add_parser("list", help="list the reproducible figures")
    listing.add_argument("--targets", action="store_true", help="also each figure's backends and quick form")
    run = commands.add_parser("reproduce", help="reproduce one figure")
    run.add_argument("figure", help="figure id, e.g. burbank2012-fig1 (see 'list')")
    run.add_argument("--quick", action="store_true", help="smaller but faithful configuration")
    run.add_argument("--seed", type=seed_argument, default=None,
                     help="non-negative integer (default 0); refused for figures that do not depend on it")
    run.add_argument("--out", default="results", help="output folder (default: ./results)")
    run.add_argument("--backend", choices=contract.FIGURE_BACKENDS, default=None,
                     help="default: the figure's first supported backend (standalone: one C++ program, built once "
                          "and reused; runtime: Cython; numpy: plain NumPy, no Brian2)")
    plot = commands.add_parser("plot", help="draw and score a figure again from its saved run, without simulating")
    plot.add_argument("figure", help="figure id (see 'list')")
    plot.add_argument("--results", default="results", help="folder of reproduce outputs (default: ./results)")
    record = commands.add_parser("record", help="write the reproduction record (docs/reproductions.md)")
    record.add_argument("--results", default="results", help="folder of reproduce outputs (default: ./results)")
    record.add_argument("--out", default="docs/reproductions.md")
    record.add_argument("--gallery", metavar="DOCS", help="also write DOCS/gallery.md and DOCS/gallery/*.png "
                                                         "from the runs in --results")
    record.add_argument("--run", action="store_true",
                        help="first run every figure not yet in --results at this commit (clean tree only; full "
                             "scale except where the record uses the quick form; resumes figure by figure)")
    cache = commands.add_parser("cache", help="show the cache folder's size (or: cache clean --older-than DAYS)")
    cache.add_argument("action", nargs="?", choices=["clean"], help="remove standalone builds not used for DAYS")
    cache.add_argument("--older-than", type=float, default=7.0, metavar="DAYS",
                       help="with clean: days without use (default 7)")
    sweep = commands.add_parser("sweep", help="run a parameter sweep (or: sweep status DIR)",
                                description="gatedplasticity sweep EXPERIMENT --set name=v1,v2 ... | sweep status DIR")
    sweep.add_argument("experiment", help="experiment (e.g. stdp-drift), or 'status'")
    sweep.add_argument("directory", nargs="?", help="with 'status': the sweep folder")
    sweep.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2",
                       help="values of one parameter, with units where it has one (rate=10*Hz,20*Hz)")
    sweep.add_argument("--grid", help="JSON file {name: [values]} (values as in --set)")
    sweep.add_argument("--repeats", type=positive_argument, default=1, help="independent seeds per parameter combination")
    sweep.add_argument("--seed", type=seed_argument, default=0, help="the sweep's seed")
    sweep.add_argument("--out", help="sweep folder (default: sweeps/EXPERIMENT)")
    sweep.add_argument("--scheduler", help="Dask scheduler address (default: local processes)")
    sweep.add_argument("--workers", type=positive_argument, help="local worker processes (default: all cores)")
    sweep.add_argument("--max-points", type=positive_argument, default=100_000,
                       help="refuse a sweep of more points than this (default 100,000)")
    fit = commands.add_parser("fit", help="fit a plasticity rule to recorded data (rerun to resume)",
                              description="gatedplasticity fit btsp DATA... --format induction|pooled --out DIR")
    fit.add_argument("rule", choices=["btsp"], help="the rule to fit")
    fit.add_argument("data", nargs="+", help="CSV or Parquet tables (induction: ramps, paths, plateaus; pooled: one)")
    fit.add_argument("--format", choices=["induction", "pooled"], required=True)
    fit.add_argument("--out", required=True, help="output folder (the fit resumes from its state/ subfolder)")
    fit.add_argument("--fit", default="k_plus,k_minus,th_plus,th_minus", help="comma-separated parameters to fit")
    fit.add_argument("--prior", action="append", default=[], metavar="NAME=MEAN,SD",
                     help="Gaussian prior of a fitted parameter, with units (k_plus=1.1/second,0.3/second)")
    fit.add_argument("--population", type=positive_argument, default=64, help="candidates per generation")
    fit.add_argument("--generations", type=positive_argument, default=30)
    fit.add_argument("--batch", type=positive_argument, help="candidates per compiled run (default: the population)")
    fit.add_argument("--seed", type=seed_argument, default=0)
    fit.add_argument("--backend", choices=FIT_BACKENDS, default="auto",
                     help="how candidates are evaluated (auto: the closed form where it holds, else standalone)")
    fit.add_argument("--scheduler", help="Dask scheduler address (default: local processes)")
    fit.add_argument("--workers", type=positive_argument, default=1, help="local worker processes (batches in parallel)")
    variant_arguments(fit, "default: 1", "default: lap", "default: reference")
    predict = commands.add_parser("predict", help="predict recorded inductions from given parameters",
                                  description="gatedplasticity predict btsp DATA... --params FILE|published --out DIR")
    predict.add_argument("rule", choices=["btsp"], help="the rule")
    predict.add_argument("data", nargs="+", help="the induction tables (ramps, paths, plateaus; cells optional)")
    predict.add_argument("--params", required=True, help="a fit's fitted.json, or 'published'")
    predict.add_argument("--out", required=True, help="output folder: predictions.csv, summary.csv")
    variant_arguments(predict, *["default: the fit's"] * 3)
    return main


def variant_arguments(command, *defaults):
    """--ramp-scale, --integration, --normalisation: the model variant (``fitting.variants``)."""
    command.add_argument("--ramp-scale", type=float, help=f"ramp per unit weight, relative ({defaults[0]})")
    command.add_argument("--integration", choices=INTEGRATIONS, help=f"weight updates ({defaults[1]})")
    command.add_argument("--normalisation", choices=NORMALISATIONS, help=f"ET and IS ({defaults[2]})")


def variant_of(args, variant):
    """``variant`` with the settings given on the command line."""
    from dataclasses import replace

    return replace(variant, **{name: getattr(args, name) for name in ("ramp_scale", "integration", "normalisation")
                               if getattr(args, name) is not None})


def predict_command(args):
    from .fitting import data as recorded, predict

    out = writable_folder(args.out)
    values, variant = predict.read_parameters(args.params)
    variant = variant_of(args, variant)
    predictions, summary = predict.predict(recorded.read(args.data, "induction"), values, variant)
    write_csv(out / "predictions.csv", predictions)
    write_csv(out / "summary.csv", summary)
    with pd.option_context("display.width", 200, "display.precision", 3):
        print(summary.to_string(index=False))
    pooled = summary.iloc[-1]
    print(f"{variant.label}: rmse {pooled['rmse_mV']:.3f} mV, r {pooled['r']:.3f} over {len(summary) - 1} "
          f"inductions; results in {out}")
    return 0


def fit_command(args):
    from .fitting import data as recorded, fit, report
    from .fitting.objective import InductionObjective
    from .fitting.variants import Variant

    writable_folder(args.out)

    priors = {}
    for assignment in args.prior:
        name, equals, values = assignment.partition("=")
        parts = values.split(",")
        if not equals or len(parts) != 2:
            raise UsageError(f"--prior: expected NAME=MEAN,SD, got {assignment!r}")
        priors[name.strip()] = tuple(parse_value(part, "--prior") for part in parts)
    fitted = fit.parameters(tuple(name.strip() for name in args.fit.split(",") if name.strip()), priors)
    unknown = set(priors) - {p.name for p in fitted}
    if unknown:
        raise UsageError(f"--prior: {sorted(unknown)[0]} is not among the fitted parameters (--fit)")
    variant = variant_of(args, Variant())
    data = recorded.read(args.data, args.format)
    if args.format == "pooled" and variant != Variant():
        raise UsageError("--ramp-scale, --integration, --normalisation: the pooled format fits today's model only")
    objective = InductionObjective(data, variant=variant) if args.format == "induction" else None
    result = fit.fit(data, Path(args.out) / "state", fitted=fitted, population=args.population,
                     generations=args.generations, batch=args.batch, seed=args.seed, backend=args.backend,
                     executor=args.scheduler or "local", workers=args.workers, objective=objective)
    report.write(result, args.out, sources=args.data)
    with pd.option_context("display.width", 200, "display.precision", 4):
        print(result.uncertainty.assign(best=[float(result.best[name]) for name in result.uncertainty["parameter"]])
              .to_string(index=False))
    print(f"loss {result.loss:.4g} mV^2 (published parameters: {result.published_loss:.4g}); "
          f"{result.evaluations} candidates in {result.wall_time:.0f} s; results in {args.out}")
    return 0


def sweep_command(args):
    from . import sweep

    if args.experiment == "status":
        if not args.directory:
            raise UsageError("sweep status: give the sweep folder")
        if not Path(args.directory).is_dir():
            raise UsageError(f"sweep status: no sweep folder {args.directory!r}")
        store = sweep.Store(args.directory)
        print(json.dumps(store.status()))
        for entry in store.entries("failed"):
            print(f"failed: {entry['values']} seed {entry['seed']}\n{entry['traceback']}")
        return 0
    experiment = papers.experiment(args.experiment)
    grid = read_grid(args)
    options = dict(repeats=args.repeats, seed=args.seed, max_points=args.max_points)
    points = sweep.points(experiment, grid=grid, **options) if grid or args.grid or args.set else \
        sweep.points(experiment, rows=[{}], **options)  # nothing given: the defaults (a grid file that names
    print(f"sweep {args.experiment}: {len(points):,} points")  # nothing is refused by points)
    table = sweep.run_sweep(points, writable_folder(args.out or Path("sweeps") / args.experiment),
                            executor=args.scheduler or "local", workers=args.workers)
    print(table.to_string(index=False))
    return 0


def cache_command(args):
    """``cache``: size of each cache folder; ``cache clean``: remove unused standalone builds."""
    from .backends import cache

    if args.action == "clean":
        removed, freed = cache.clean_builds(args.older_than)
        print(f"removed {removed} build folders unused for {args.older_than:g} days ({freed / 2**20:.1f} MiB)")
        return 0
    folders = cache.usage()
    for name, (size, entries) in folders.items():
        print(f"{name:32s} {size / 2**20:10.1f} MiB  {entries} entries")
    total = sum(size for size, _ in folders.values())
    print(f"{'total':32s} {total / 2**20:10.1f} MiB  in {cache.cache_root()}")
    return 0


def main(argv=None):
    args = None
    try:
        args = parser().parse_args(argv)
        if args.command == "list":
            return list_figures(args.targets)
        if args.command == "record":
            return record_command(args)
        if args.command == "plot":
            return plot_command(args)
        if args.command == "sweep":
            return sweep_command(args)
        if args.command == "cache":
            return cache_command(args)
        if args.command == "fit":
            return fit_command(args)
        if args.command == "predict":
            return predict_command(args)
        return reproduce(args.figure, args.quick, args.seed, args.out, args.backend)
    except (UsageError, ParameterError, papers.UnknownFigureError) as error:
        print(f"gatedplasticity: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # one line (not Brian2's report-a-bug banner); --debug for the traceback
        if args is not None and args.debug:
            raise
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"gatedplasticity: {type(error).__name__}: {first} (rerun with --debug for the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
