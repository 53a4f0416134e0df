"""Burbank & Kreiman 2012 integrate-and-fire figures: comparisons follow the data; the sweep experiment runs."""

import numpy as np
import pandas as pd
import pytest
from brian2 import Hz, mV, ms

from gatedplasticity import papers, sweep
from gatedplasticity.analysis.convergence import OUTCOMES
from gatedplasticity.models import linear
from gatedplasticity.papers.burbank2012 import fig3, fig4, fig5, fig8, reconstruction
from gatedplasticity.papers.burbank2012.parameters import network_parameters
from gatedplasticity.protocols import top_down as td
from gatedplasticity.results import Result


def landscape(outcomes):
    """Runs table: {(rule, alpha): [outcome, ...]}."""
    rows = [{"rule": rule, "alpha": alpha, "outcome_code": OUTCOMES.index(o), "presentations": 1500, "std_w": 1.0,
             "spikes_lower": 1.0} for (rule, alpha), listed in outcomes.items() for o in listed]
    runs = pd.DataFrame(rows)
    runs = runs.assign(rule_type=[f"{'dep' if a > 1 else 'pot'}-{'r' if r == 'reverse' else 'c'}STDP"
                                  for r, a in zip(runs["rule"], runs["alpha"])],
                       outcome=[OUTCOMES[c] for c in runs["outcome_code"]])
    return Result(name="burbank2012-fig5", tables={"runs": runs, "fractions": fig5.fractions(runs)})


def test_fig5_comparison_follows_the_landscape():
    paper_like = {("reverse", 1.2): ["converged"] * 19 + ["did not converge"], ("reverse", 0.9): ["extreme weights"] * 4,
                  ("classical", 1.2): ["extreme weights"] * 4, ("classical", 0.9): ["extreme weights"] * 4}
    table = fig5.compare(landscape(paper_like))
    assert table["passed"].all(), table.to_string()
    assert table["quantity"].iloc[0] == "dep-rSTDP: fraction converged of 20 runs (paper > 0.9)"
    fractions = landscape(paper_like).tables["fractions"].set_index("rule_type")
    assert fractions.loc["dep-rSTDP", "converged"] == pytest.approx(0.95) and fractions.loc["dep-rSTDP", "runs"] == 20
    wrong = {**paper_like, ("reverse", 1.2): ["converged"] * 17 + ["did not converge"] * 3,
             ("classical", 0.9): ["converged"] + ["extreme weights"] * 3}
    assert list(fig5.compare(landscape(wrong))["passed"]) == [False, True, True, False]


def training_result(outcome, presentations, rates, corr_lag=0.995, std_w=1.0):
    history = pd.DataFrame({"presentation": [1500, presentations], "std_w": [0.5, std_w], "rate_lower": rates,
                            "corr_lag": [np.nan, corr_lag]})
    outcomes = pd.DataFrame([{"rule_type": "dep-rSTDP", "outcome": outcome, "presentations": presentations,
                              "std_w": std_w, "fraction_extreme": 0.0, "corr_lag": corr_lag}])
    return Result(name="burbank2012-fig3", tables={"history": history, "outcomes": outcomes})


def test_fig3_comparison_follows_the_run():
    assert fig3.compare(training_result("converged", 75_000, [20.0, 20.5]))["passed"].all()
    failed = fig3.compare(training_result("did not converge", 625_000, [20.0, 30.0], corr_lag=0.95, std_w=0.2))
    assert not failed["passed"].iloc[[0, 1, 2, 4, 5]].any() and failed["passed"].iloc[3]


def test_fig4_comparison_names_each_verdict():
    outcomes = pd.DataFrame({"rule_type": list(fig4.PUBLISHED), "outcome": list(fig4.PUBLISHED.values())})
    assert fig4.compare(Result(name="f", tables={"outcomes": outcomes}))["passed"].all()
    outcomes.loc[0, "outcome"] = "did not converge"
    table = fig4.compare(Result(name="f", tables={"outcomes": outcomes}))
    assert list(table["passed"]) == [False, True, True, True] and "did not converge" in table["quantity"].iloc[0]


def test_fig7_comparison_needs_converged_dep_rstdp_runs():
    from gatedplasticity.papers.burbank2012 import fig7

    def result(outcome):
        runs = landscape({("reverse", 1.2): [outcome, "did not converge"]}).tables["runs"]
        return Result(name="f", tables={f"fractions_{r:g}x": fig5.fractions(runs) for r in fig7.RATIOS})

    assert fig7.compare(result("converged"))["passed"].all()
    assert not fig7.compare(result("extreme weights"))["passed"].any()


def test_rates_by_outcome_draw_every_run_silent_ones_at_the_floor():
    """Fig 7 D (lower layer) and Fig 6 D (higher layer)."""
    import matplotlib.pyplot as plt

    runs = pd.DataFrame({"rule": ["reverse", "classical", "classical"], "rate_higher": [12.0, 0.0, 300.0],
                         "outcome": ["converged", "weights too similar", "extreme weights"]})
    figure, ax = plt.subplots()
    fig5.plot_rates_by_outcome(ax, runs, "higher", "D")
    points = np.concatenate([line.get_xydata() for line in ax.get_lines()])
    plt.close(figure)
    assert len(points) == 3 and ax.get_yscale() == "log"
    assert sorted(points[:, 1]) == [fig5.RATE_FLOOR, 12.0, 300.0]
    assert np.allclose(np.sort(points[:, 0]), [-0.12, 1.12, 2.12])


def test_fig6_comparison_pools_the_other_rule_types_runs():
    """The other rule types' converged fraction summed three fractions (1.5 in the record's Fig 6)."""
    from gatedplasticity.papers.burbank2012 import fig6

    half = {("reverse", 1.2): ["weights too similar"] * 2, ("reverse", 0.9): ["converged", "did not converge"],
            ("classical", 1.2): ["converged", "extreme weights"], ("classical", 0.9): ["converged", "extreme weights"]}
    paper_like = {**half, ("reverse", 1.2): ["converged"] * 2, ("reverse", 0.9): ["extreme weights"] * 2,
                  ("classical", 1.2): ["extreme weights"] * 2, ("classical", 0.9): ["extreme weights"] * 2}

    def result(outcomes, multiplicative):
        tables = {f"fractions_{m}": fig5.fractions(landscape(outcomes).tables["runs"]) for m in ("homeostasis", "concurrent_Q")}
        tables["fractions_multiplicative"] = fig5.fractions(landscape(multiplicative).tables["runs"])
        return Result(name="f", tables=tables)

    similar = {key: ["weights too similar"] for key in half}
    assert fig6.compare(result(paper_like, similar))["passed"].all()
    table = fig6.compare(result(half, similar))
    assert list(table["reproduced"].iloc[[1, 3]]) == [0.5, 0.5] and not table["passed"].iloc[[0, 1, 2, 3]].any()


def test_fig6_reads_its_committed_record_and_writes_it_back(tmp_path, monkeypatch, capsys):
    """The full Fig 6 gathers the runs of its record (found from a subfolder of the checkout) without training
    them; its export is that record again, and a run of no Fig 6 point is left out."""
    from gatedplasticity.papers.burbank2012 import fig6

    def finished(mechanism, grid):
        points = sweep.points("burbank-if", grid={**fig6.RULES, **grid, **{k: [v] for k, v in fig6.FIXED.items()},
                                                  "max_presentations": [625_000]})
        table = pd.DataFrame([{"rule": p.values["rule"], "alpha": p.values["alpha"], "seed": p.seed, "key": "gone",
                               "point": p.identity(), "outcome_code": OUTCOMES.index(
                                   "converged" if (p.values["rule"], p.values["alpha"]) == ("reverse", 1.2)
                                   else "extreme weights"), "corr_fixed_point": 0.5, "corr_initial_conditions": 0.25}
                              for p in points])
        return table.assign(mechanism=mechanism)

    record = pd.concat([finished(m, grid) for m, (grid, _) in fig6.MECHANISMS.items()], ignore_index=True)
    assert len(record) == fig6.run_count() == 148
    stranger = record.iloc[[0]].assign(point="a run of another figure")
    twice = record.iloc[[1]].assign(outcome_code=OUTCOMES.index("did not converge"))  # (two sources' rows of one run)
    (tmp_path / "docs" / "data").mkdir(parents=True)
    pd.concat([record.iloc[1:], stranger, twice]).to_csv(tmp_path / fig6.COMMITTED_RUNS, index=False)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.setattr(fig5, "sweep_folder", lambda name, quick, seed: tmp_path / "cache" / name)
    data = fig6.simulate(run=False, progress=False)
    assert len(data.tables["runs"]) == 147 and data.params["read, not trained"].startswith("147 runs from")
    assert data.tables["runs"]["corr_fixed_point"].eq(0.5).all()  # kept: no checkpoint here to measure
    assert fig6.compare(data)["passed"].iloc[:4].all()  # dep-rSTDP converges, no other rule type does
    monkeypatch.setattr("sys.argv", ["fig6", "--no-run", "--export", str(tmp_path / "again.csv")])
    fig6.main()
    assert "147 of 148 runs finished" in capsys.readouterr().out
    again = pd.read_csv(tmp_path / "again.csv", dtype={"point": str})
    assert sorted(again["point"]) == sorted(record["point"].iloc[1:])
    assert fig6.simulate(quick=True, run=False, progress=False).params["read, not trained"] == "none"
    # a run that the folder holds twice (from two package sources) counts once
    point = sweep.points("burbank-if", grid={**{k: [v] for k, v in fig6.FIXED.items()}, "homeostasis": [True],
                                             "target_rate": [20 * Hz], "gamma": [1.0], "max_presentations": [625_000]})[0]
    store = sweep.Store(tmp_path / "cache" / "burbank2012-fig6-homeostasis")
    for source in ("before an edit", "after it"):
        store.record(point, point.key(source), "done", {"outcome_code": 3.0, "presentations": 625_000.0}, 1.0, source)
    runs = fig6.simulate(finished=None, run=False, progress=False).tables["runs"]
    assert len(runs) == 1 and runs["point"].tolist() == [point.identity()]


def test_fig7_sample_is_the_registered_stratification():
    """4 distinct Fig 7 grid points per rule type and ratio, in the registered order, the same from the same
    seed; another seed draws another sample."""
    from gatedplasticity.analysis.convergence import rule_type
    from gatedplasticity.papers.burbank2012 import fig7

    sample = fig7.stratified_sample(fig7.SAMPLE_PER_STRATUM, fig7.SAMPLE_SEED)
    assert len(sample) == fig7.run_count() == 48
    strata = [(point["higher_input"], rule_type(point["rule"], point["alpha"])) for point in sample]
    assert strata == [(ratio, label) for ratio in fig7.RATIOS for label in ("dep-rSTDP", "dep-cSTDP", "pot-rSTDP",
                                                                             "pot-cSTDP") for _ in range(4)]
    grid = {name: {str(v) for v in values} for name, values in fig7.FULL_GRID.items()}
    assert all(str(point[name]) in grid[name] for point in sample for name in grid)
    assert "q_seed" not in sample[0] and "c_seed" not in sample[0]
    for ratio in fig7.RATIOS:
        drawn = [tuple(map(str, p.values())) for p in sample if p["higher_input"] == ratio]
        assert len(set(drawn)) == 16
    assert fig7.stratified_sample(4, fig7.SAMPLE_SEED) == sample
    # the registered draw (docs/burbank2012-calibration.md lists all 48): its first and last points
    assert sample[0] == {"rule": "reverse", "alpha": 3.0, "delay": 1 * ms, "tau_stdp": 10 * ms, "noise_rate": 2000 * Hz,
                         "tau_syn": 15 * ms, "sigma_input": 2.0, "sigma_noise": 2.0, "higher_input": 0.1}
    assert sample[-1] == {"rule": "classical", "alpha": 0.9, "delay": 15 * ms, "tau_stdp": 5 * ms,
                          "noise_rate": 2000 * Hz, "tau_syn": 5 * ms, "sigma_input": 2.0, "sigma_noise": 2.0,
                          "higher_input": 10.0}
    assert fig7.stratified_sample(4, fig7.SAMPLE_SEED + 1) != sample


def test_fig7_reads_its_committed_record_and_writes_it_back(tmp_path, monkeypatch, capsys):
    """The full Fig 7 gathers its sample's runs from the committed record without training them; a run of
    another point is left out; the export is the record again."""
    from gatedplasticity.papers.burbank2012 import fig7

    fixed = {**fig7.FIXED, "max_presentations": 625_000}
    points = sweep.points("burbank-if", rows=[{**p, **fixed} for p in fig7.stratified_sample(4, fig7.SAMPLE_SEED)],
                          seed=fig7.SAMPLE_SEED)
    record = pd.DataFrame([{"rule": p.values["rule"], "alpha": p.values["alpha"],
                            "higher_input": p.values["higher_input"], "seed": p.seed, "key": "gone",
                            "point": p.identity(), "outcome_code": OUTCOMES.index(
                                "converged" if (p.values["rule"], p.values["alpha"]) == ("reverse", 3.0)
                                else "extreme weights"), "corr_fixed_point": 0.5, "corr_initial_conditions": np.nan}
                           for p in points])
    (tmp_path / "docs" / "data").mkdir(parents=True)
    stranger = record.iloc[[0]].assign(point="a run of another figure")
    pd.concat([record.iloc[1:], stranger]).to_csv(tmp_path / fig7.COMMITTED_RUNS, index=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(fig5, "sweep_folder", lambda name, quick, seed: tmp_path / "cache" / name)
    data = fig7.simulate(run=False, progress=False)
    assert len(data.tables["runs"]) == 47 and data.params["read, not trained"].startswith("47 runs from")
    table = fig7.compare(data)
    assert table["passed"].all()  # dep-rSTDP at alpha 3 converges at 0.1x and 1x (the first run, unread, at 0.1x)
    assert list(table["quantity"].str.extract(r"of (\d+)")[0]) == ["3", "4"]  # (4 dep-rSTDP runs per ratio)
    monkeypatch.setattr("sys.argv", ["fig7", "--no-run", "--export", str(tmp_path / "again.csv")])
    fig7.main()
    assert "47 of 48 runs finished" in capsys.readouterr().out
    again = pd.read_csv(tmp_path / "again.csv", dtype={"point": str})
    assert sorted(again["point"]) == sorted(record["point"].iloc[1:])
    assert fig7.simulate(seed=1, run=False, progress=False).params["read, not trained"] == "none"


def test_fig8_comparison_needs_a_rise():
    def result(first, last):
        table = pd.DataFrame({"presentation": [0, 0, 45_000, 45_000], "correlation": [first, first, last, last]})
        return Result(name="f", tables={"reconstruction": table})

    assert fig8.compare(result(0.1, 0.6))["passed"].all()
    assert not fig8.compare(result(0.4, 0.3))["passed"].any()


@pytest.mark.standalone
def test_reconstruction_probe_subtracts_an_identical_baseline():
    """W = 0: the feedback and baseline runs are the same seeded run, so late - baseline is exactly 0.

    Run in a dense regime (the published reading of Eq 3, threshold -54 mV) so that both layers fire."""
    dense = {"threshold": -54 * mV, "drive_scale": 1.0, "synaptic_scale": 1.0, "delay": 4 * ms}
    q = reconstruction.reconstruction_q(linear.q_matrix(12, 1.0, seed=3))
    c = td.correlation_matrix(12, seed=4, rank=3)
    structure = reconstruction.probe_structure(q.shape, 4, network_parameters(**dense))
    with td.program(structure) as program:
        silent = reconstruction.evaluate_reconstruction(q, np.zeros((12, 12)), c, seed=1, stimuli=4, program=program, **dense)
        strong = reconstruction.evaluate_reconstruction(q, np.full((12, 12), 3.0), c, seed=1, stimuli=4, program=program,
                                                        **dense)
    assert list(silent["stimulus"]) == [0, 1, 2, 3]
    assert (silent["late_spikes"] == silent["baseline_late_spikes"]).all() and silent["correlation"].isna().all()
    assert silent["early_spikes"].min() > 0
    assert (strong["late_spikes"] > strong["baseline_late_spikes"]).all()


@pytest.mark.standalone
def test_burbank_if_sweep_points_share_one_build(tmp_path):
    """Points of one structure: one build; each runs to its cap (too short to classify) or its verdict. With mu = 0
    the weights stay at their start (+-0.05): extreme for bounds +-0.06, undecided at 1,000 for +-50."""
    points = sweep.points(papers.experiment("burbank-if"), grid={"rule": ["reverse"], "alpha": [0.9, 1.2], "max_presentations": [1000],
                                              "delay": [15 * ms], "w_bound": [0.06, 50.0], "mu": [0.0]})
    before = sum(sweep.PREPARE_COUNT.values())
    table = sweep.run_sweep(points, tmp_path / "sweep", workers=1, progress=False)
    sweep.release()
    assert sum(sweep.PREPARE_COUNT.values()) - before == 1
    verdicts = {(row.alpha, row.w_bound): (OUTCOMES[int(row.outcome_code)], row.presentations) for row in table.itertuples()}
    for alpha in (0.9, 1.2):  # bounds +-50: nothing decided within 1,000 presentations
        assert verdicts[(alpha, 50.0)] == ("did not converge", 1000)
        assert verdicts[(alpha, 0.06)] == ("extreme weights", 500)  # every weight within 0.1 of +-0.06: the first verdict
    assert (table["rate_lower"] > 0).all()


def test_a_figure_run_resumes_only_a_checkpoint_of_the_same_package_source(monkeypatch):
    from gatedplasticity import results
    from gatedplasticity.papers.burbank2012 import training

    q, c = training.q_and_c()
    structure, params = training.setup(rule="reverse", alpha=1.2)
    same_again = training.setup(rule="reverse")  # alpha 1.2 is Table 1's: the same run
    path = training.checkpoint_path(0, True, q, c, structure, params)
    assert training.checkpoint_path(0, True, q, c, *same_again) == path
    assert training.checkpoint_path(1, True, q, c, structure, params) != path
    monkeypatch.setattr(results, "source_hash", lambda root=None: "an edited package")
    assert training.checkpoint_path(0, True, q, c, structure, params) != path
