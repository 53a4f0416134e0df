"""Fig 6's concurrent plasticity of Q: where the bottom-up weights Q end.

Fig 6's runs with a plastic Q record W's verdict and the layers' rates, not
Q. This reads each finished run's final Q from its checkpoint (kept in the
sweep folder after the run ends) and sets it beside its initial Q (the
point's recipe: eps, smoothing, seed): Q's mean and spread, the fraction
of its weights at each bound (+-``w_bound``), and corr(final Q, initial Q),
whether Q kept its pattern. Runs without a checkpoint are left out.

``python -m gatedplasticity.papers.burbank2012.concurrent_q --out CSV`` reads
Fig 6's concurrent-Q sweep folder in the cache (``GATEDPLASTICITY_CACHE``);
the checkout's table is ``docs/data/burbank2012-fig6-concurrent-q.csv``.
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from ... import sweep
from ...analysis.convergence import OUTCOMES, rule_type
from ...backends import cache_root
from ...results import write_csv
from .sweeps import checkpoint_path, network_inputs

#: Within this of a bound, a weight counts as at the bound (the bounds are +-50 in Fig 6).
AT_BOUND = 0.1
FOLDER = "burbank2012-fig6-concurrent-Q-full-seed0"
#: Where a checkout keeps the table (not shipped in the package).
COMMITTED = Path("docs") / "data" / "burbank2012-fig6-concurrent-q.csv"
COLUMNS = ["point", "rule_type", "q_rule_type", "zeta", "outcome", "presentations", "spikes_lower", "spikes_higher",
           "initial_mean_q", "mean_q", "std_q", "fraction_q_upper", "fraction_q_lower", "corr_q_initial"]


def q_summary(final, initial, bound):
    """Final Q (any shape) against its initial Q: mean, std, fraction within ``AT_BOUND`` of +-``bound``,
    and corr(final, initial) (NaN when either is constant)."""
    final, initial = np.ravel(final).astype(float), np.ravel(initial).astype(float)
    if final.shape != initial.shape:
        raise ValueError(f"final Q has {final.size} weights, the initial Q {initial.size}")
    constant = final.std() == 0 or initial.std() == 0
    return {"initial_mean_q": initial.mean(), "mean_q": final.mean(), "std_q": final.std(),
            "fraction_q_upper": np.mean(final >= bound - AT_BOUND), "fraction_q_lower": np.mean(final <= -bound + AT_BOUND),
            "corr_q_initial": np.nan if constant else np.corrcoef(final, initial)[0, 1]}


def final_q(folder, key):
    """A finished run's final Q (flat, lower x higher), or None without a checkpoint."""
    path = checkpoint_path(folder, key)
    if not path.exists():
        return None
    with np.load(path) as saved:
        return saved["state/q"] if "state/q" in saved.files else None


def final_q_table(runs, folder):
    """One row per run of a sweep table ``runs`` (``sweep.Store(folder).table()``) whose checkpoint holds Q."""
    rows = []
    for _, run in runs.iterrows():
        final = final_q(folder, run["key"])
        if final is None:
            continue
        initial, _, _ = network_inputs(run)
        rows.append({"point": run["point"], "rule_type": rule_type(run["rule"], run["alpha"]),
                     "q_rule_type": rule_type(run["bottom_up_rule"], run["alpha_q"]), "zeta": run["zeta"],
                     "outcome": OUTCOMES[int(run["outcome_code"])], "presentations": int(run["presentations"]),
                     "spikes_lower": run["spikes_lower"], "spikes_higher": run["spikes_higher"],
                     **q_summary(final, initial, run["w_bound"])})
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["rule_type", "q_rule_type", "zeta"], ignore_index=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", default=str(cache_root() / "sweeps" / FOLDER), help="the sweep folder to read")
    parser.add_argument("--out", help="write the table here (CSV)")
    args = parser.parse_args(argv)
    table = final_q_table(sweep.Store(args.folder).table(), Path(args.folder))
    print(table.round(3).to_string(index=False))
    if args.out:
        write_csv(args.out, table)
        print(f"wrote {args.out} ({len(table)} runs)")


if __name__ == "__main__":
    main()
