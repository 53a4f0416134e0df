"""The pre-registered selection of the study's free parameters on validation data (docs/multilayer-study.md)::

    python -m gatedplasticity.papers.gatedplasticity2026.selection [--report docs/multilayer-study.md]

Three steps, each a table written atomically when it is done (a rerun
resumes at the first missing one): eta by backprop (NumPy), theta_plateau x
eta_plateau by the plateau-gated rule, eta_plateau of the ungated ablation
(compiled, every candidate and seed a block of one network). Every
candidate is printed as it comes out and written to the report.
"""

import argparse
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from ...analysis.classification import accuracy
from ...backends import cache_root
from ...protocols.multilayer import reference, tasks, training
from ...results import atomic_write, write_csv
from ..figure import markdown_table
from .parameters import VALUES

ETAS = (0.02, 0.05, 0.1, 0.2)
THETAS = (0.02, 0.05, 0.1, 0.2)
#: Round 2 (docs/multilayer-study.md); round 1 used 0.002-0.02 for the sign-step rule, which failed.
PLATEAU_ETAS = (0.02, 0.05, 0.1, 0.2)
SEEDS = (100, 101, 102)
EPOCHS = 20
STEPS = ("eta", "plateau", "ungated")
#: The parameters each step chooses.
CHOSEN = {"eta": ["eta"], "plateau": ["theta_plateau", "eta_plateau"], "ungated": ["eta_plateau"]}


def validation_data():
    return tasks.validation_split(tasks.digits(), fraction=0.2, seed=0)


def final_validation(outputs, plan, labels):
    """Validation accuracy after the last epoch, per block (non-finite outputs score NaN: a failed candidate)."""
    mask = (plan.epoch == plan.epoch.max()) & (plan.part == "test")
    scores = accuracy(outputs[mask], plan.order[mask], labels)
    return np.where(np.all(np.isfinite(outputs), axis=(0, -1)), scores, np.nan)


def step_eta(data, sizes):
    rows = []
    for eta, seed in itertools.product(ETAS, SEEDS):
        run = reference.train(data, sizes, "backprop", seed, EPOCHS, {"eta": eta, "decay": VALUES["decay"]})
        plan = training.schedule(len(data.train_y), len(data.test_y), [seed], EPOCHS)
        rows.append({"eta": eta, "seed": seed,
                     "validation": float(final_validation(run["outputs"][:, None], plan, data.labels)[0])})
    return pd.DataFrame(rows)


def step_compiled(data, sizes, method, grid, fixed, backend):
    candidates = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    blocks = [(c, seed) for c in candidates for seed in SEEDS]
    parameters = {**fixed, **{name: np.array([c[name] for c, _ in blocks]) for name in grid}}
    record = training.train(data, sizes, [method], [seed for _, seed in blocks], EPOCHS, parameters=parameters,
                            backend=backend, name=f"multilayer-selection-{method}")
    scores = final_validation(record.outputs[method], record.schedule, record.labels)
    return pd.DataFrame([{**c, "seed": seed, "validation": float(s)} for (c, seed), s in zip(blocks, scores)])


def choose(table, names):
    """The candidate with the highest mean validation accuracy over seeds (a failed seed fails it); ties: smaller values."""
    means = table.groupby(list(names))["validation"].agg(lambda v: v.mean(skipna=False)).dropna().reset_index()
    best = means[means["validation"] == means["validation"].max()].sort_values(list(names)).iloc[0]
    return {name: float(best[name]) for name in names}


def resumed(path, compute):
    """The table at ``path``; when it is not there, ``compute()`` it and write it atomically first."""
    path = Path(path)
    if path.exists():
        return pd.read_csv(path)
    table = compute()
    write_csv(path, table)
    return table


def select(folder=None, backend="standalone", progress=True):
    """Run (or resume) the three steps; returns {step: table} and the chosen values."""
    folder = Path(folder or cache_root() / "multilayer-selection")
    data, sizes = validation_data(), VALUES["digits_sizes"]
    tables, chosen = {}, {}
    for step in STEPS:
        if step == "eta":
            compute = lambda: step_eta(data, sizes)
        elif step == "plateau":
            compute = lambda: step_compiled(data, sizes, "plateau", {"theta_plateau": THETAS, "eta_plateau": PLATEAU_ETAS},
                                            {"eta": chosen["eta"], "decay": VALUES["decay"]}, backend)
        else:
            compute = lambda: step_compiled(data, sizes, "plateau_ungated", {"eta_plateau": PLATEAU_ETAS},
                                            {"eta": chosen["eta"], "decay": VALUES["decay"]}, backend)
        tables[step] = resumed(folder / f"{step}.csv", compute)
        names = CHOSEN[step]
        chosen.update({("ungated_" if step == "ungated" else "") + k: v for k, v in choose(tables[step], names).items()})
        if progress:
            print(f"step {step}:\n{summary(tables[step], names).to_string(index=False)}\nchosen: {chosen}", flush=True)
    return tables, chosen


def summary(table, names):
    grouped = table.groupby(list(names))["validation"]
    return pd.DataFrame({"mean %": grouped.mean() * 100, "sd %": grouped.std() * 100,
                         "per seed %": grouped.apply(lambda v: " ".join(f"{100 * x:.1f}" for x in v))}).reset_index()


def replace_outcome(path, outcome, heading="## Outcome"):
    """Replace the section ``heading`` of a design document (up to the next "## " heading) with ``outcome``."""
    path = Path(path)
    head, found, rest = path.read_text().partition(heading)
    if not found:
        raise ValueError(f"{path} has no section {heading!r}")
    following = rest.find("\n## ")
    tail = rest[following:] if following >= 0 else ""
    atomic_write(path, lambda tmp: Path(tmp).write_text(head + outcome + tail))


def write_report(path, tables, chosen):
    """Write every candidate and the chosen values into the Outcome section."""
    parts = [f"### Step {step} (validation accuracy after epoch {EPOCHS}, seeds {', '.join(map(str, SEEDS))})\n\n"
             + markdown_table(summary(tables[step], CHOSEN[step])) for step in STEPS]
    chosen_lines = "\n".join(f"- {name} = {value:g}" for name, value in chosen.items())
    outcome = ("## Outcome\n\n(written by `selection.py`: round 2, the graded plateau rule; step eta is the one run "
               "in round 1, resumed from its table)\n\n") + "\n\n".join(parts) + f"\n\n### Chosen\n\n{chosen_lines}\n"
    replace_outcome(path, outcome)


def command(description, select_, write_report_, argv=None):
    """A selection's command line: run (or resume) ``select_``; ``--report FILE`` rewrites its Outcome section."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--report", help="design document whose Outcome section is rewritten")
    parser.add_argument("--backend", default="standalone")
    args = parser.parse_args(argv)
    tables, chosen = select_(backend=args.backend)
    if args.report:
        write_report_(args.report, tables, chosen)


def main(argv=None):
    command(__doc__.splitlines()[0], select, write_report, argv)


if __name__ == "__main__":
    main()
