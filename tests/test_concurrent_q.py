"""Fig 6's concurrent-Q runs: the final Q read from a run's checkpoint and set beside its initial Q."""

import numpy as np
import pandas as pd
import pytest

from gatedplasticity.papers.burbank2012 import concurrent_q
from gatedplasticity.papers.burbank2012.sweeps import checkpoint_path, network_inputs


def test_q_summary_in_closed_form():
    initial = np.array([[0.0, 1.0], [2.0, 3.0]])
    summary = concurrent_q.q_summary([50.0, 49.95, -50.0, 10.0], initial, 50.0)
    assert summary["initial_mean_q"] == 1.5 and summary["mean_q"] == pytest.approx(59.95 / 4)
    assert summary["std_q"] == pytest.approx(np.std([50.0, 49.95, -50.0, 10.0]))
    assert summary["fraction_q_upper"] == 0.5 and summary["fraction_q_lower"] == 0.25
    assert summary["corr_q_initial"] == pytest.approx(np.corrcoef([50.0, 49.95, -50.0, 10.0], [0, 1, 2, 3])[0, 1])
    shifted = concurrent_q.q_summary(initial - 1.5, initial, 50.0)  # the pattern kept, the mean gone
    assert shifted["corr_q_initial"] == pytest.approx(1.0) and shifted["mean_q"] == 0.0
    assert np.isnan(concurrent_q.q_summary(np.full(4, 50.0), initial, 50.0)["corr_q_initial"])
    with pytest.raises(ValueError, match="final Q has 3 weights"):
        concurrent_q.q_summary([1.0, 2.0, 3.0], initial, 50.0)


def test_final_q_table_reads_each_checkpoint_and_leaves_out_runs_without_one(tmp_path):
    values = {"eps": 0.1, "smooth": False, "q_seed": 3, "c_seed": 4, "higher_input": 0.0, "c_higher_seed": 5,
              "w_bound": 50.0, "bottom_up_rule": "reverse", "alpha_q": 0.9, "zeta": -1.0, "rule": "reverse",
              "alpha": 1.2, "outcome_code": 1, "presentations": 1500, "spikes_lower": 2.4, "spikes_higher": 0.0}
    runs = pd.DataFrame([{**values, "key": "a", "point": "p1"}, {**values, "key": "b", "point": "p2"}])
    initial, _, _ = network_inputs(values)
    final = initial.ravel() - initial.mean()
    path = checkpoint_path(tmp_path, "a")
    path.parent.mkdir(parents=True)
    np.savez(path, **{"state/q": final, "state/w": np.zeros(3)})
    table = concurrent_q.final_q_table(runs, tmp_path)
    assert list(table["point"]) == ["p1"] and list(table.columns) == concurrent_q.COLUMNS
    row = table.iloc[0]
    assert (row["rule_type"], row["q_rule_type"], row["outcome"]) == ("dep-rSTDP", "pot-rSTDP", "weights too similar")
    assert row["initial_mean_q"] == pytest.approx(initial.mean()) and row["mean_q"] == pytest.approx(0.0, abs=1e-12)
    assert row["corr_q_initial"] == pytest.approx(1.0)
