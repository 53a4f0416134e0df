"""Many integrate-and-fire networks in one program (top_down.batch), their verdicts, the loop gain and the
landscape sample (Burbank & Kreiman 2012, issue: the rSTDP landscape at the paper's scale)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from brian2 import Hz, mV, ms

from gatedplasticity.analysis.convergence import NETWORK_EXTREME_MARGIN, agreement, rule_type
from gatedplasticity.analysis.loop_gain import (bound_loop_gain, fixed_point_correlation, fixed_point_direction,
                                                 gain_fit, loop_gain)
from gatedplasticity.models import linear
from gatedplasticity.parameters import ParameterError
from gatedplasticity.papers.burbank2012 import drift_probe, landscape, loop_calibration
from gatedplasticity.papers.burbank2012.training import setup
from gatedplasticity.protocols import top_down as td

N = 12
#: A dense regime where a 12-neuron network fires (the calibrated defaults keep it nearly silent).
DENSE = {"threshold": -54 * mV, "drive_scale": 1.0, "synaptic_scale": 1.0}
#: Two different Table 1 points of one program (tau_syn, tau_stdp and alpha are shared by a program run's copies).
POINT_A = {"alpha": 1.2}
POINT_B = {"alpha": 1.2, "noise_rate": 1000 * Hz, "sigma_input": 2.0, "sigma_noise": 1.0}


def make_runs(points, seeds, caps=(300,), chunk=100):
    q = linear.q_matrix(N, 1.0, seed=3)
    c = td.correlation_matrix(N, seed=4, rank=3)
    result = []
    for point, seed, cap in zip(points, seeds, np.broadcast_to(caps, len(points))):
        structure, params = setup(gaussian="copy", chunk=chunk, **DENSE, **point)
        c_higher = td.correlation_matrix(N, seed=8, rank=3) if params.higher_input > 0 else None
        result.append(td.NetworkRun(q, c, seed, params, structure, int(cap), c_higher))
    return result


def history(training):
    return training.history[["presentation", "std_w", "mean_w", "spikes_lower", "spikes_higher"]].to_numpy()


@pytest.mark.standalone
def test_a_copy_trains_as_it_does_alone_whatever_its_neighbours():
    """Two Table 1 points side by side in one program: each history equals its one-copy program's, and a
    different neighbour (other values, other seed) changes nothing; three runs on two copies refill the copy
    that finished first."""
    alone = [td.train_many(make_runs([point], [seed]), 1, progress=False)[0] for point, seed in ((POINT_A, 5), (POINT_B, 6))]
    assert history(alone[0])[:, 3].mean() > 0.1 and history(alone[1])[:, 3].mean() > 0.1  # both fire
    assert not np.allclose(history(alone[0])[:, 1:], history(alone[1])[:, 1:])
    side_by_side = td.train_many(make_runs([POINT_A, POINT_B], [5, 6]), 2, progress=False)
    np.testing.assert_array_equal(history(side_by_side[0]), history(alone[0]))
    np.testing.assert_array_equal(history(side_by_side[1]), history(alone[1]))
    np.testing.assert_array_equal(side_by_side[0].final_state["w"], alone[0].final_state["w"])
    other_neighbour = td.train_many(make_runs([POINT_A, {"noise_rate": 3000 * Hz}], [5, 99]), 2, progress=False)
    np.testing.assert_array_equal(history(other_neighbour[0]), history(alone[0]))
    refilled = td.train_many(make_runs([POINT_A, POINT_A, POINT_B], [7, 5, 6], caps=(100, 300, 300)), 2,
                             progress=False)  # run 0 ends after one chunk; run 2 takes its copy
    assert refilled[0].presentations == 100
    np.testing.assert_array_equal(history(refilled[1]), history(alone[0]))
    np.testing.assert_array_equal(history(refilled[2]), history(alone[1]))


#: Fig 6's and Fig 7's extensions of the network (homeostasis needs chunks of a multiple of 30 presentations).
EXTENSIONS = {"homeostasis": {"homeostasis": True, "target_rate": 5 * Hz, "gamma": 100.0, "chunk": 120},
              "concurrent Q": {"bottom_up_rule": "reverse", "zeta": 10.0, "chunk": 100},
              "multiplicative": {"multiplicative": True, "chunk": 100},
              "higher-layer input": {"higher_input": 1.0, "chunk": 100}}


@pytest.mark.standalone
@pytest.mark.parametrize("extension", EXTENSIONS)
def test_a_copy_with_an_extension_trains_as_it_does_alone(extension):
    """With each extension of Figs 6-7 a copy's history still equals its one-copy program's next to another
    Table 1 point, and the extension acts (the history differs from the network without it)."""
    options = dict(EXTENSIONS[extension])
    chunk = options.pop("chunk")

    def runs(points, seeds, extended=True):
        return make_runs([{**(options if extended else {}), **point} for point in points], seeds, caps=(2 * chunk,),
                         chunk=chunk)

    alone = td.train_many(runs([POINT_A], [5]), 1, progress=False)[0]
    side_by_side = td.train_many(runs([POINT_A, POINT_B], [5, 6]), 2, progress=False)
    np.testing.assert_array_equal(history(side_by_side[0]), history(alone))
    np.testing.assert_array_equal(side_by_side[0].final_state["w"], alone.final_state["w"])
    without = td.train_many(runs([POINT_A], [5], extended=False), 1, progress=False)[0]
    assert not np.allclose(history(without), history(alone))


def test_batch_needs_copy_streams_and_one_program_key():
    with pytest.raises(ParameterError, match="gaussian"):
        td.train_many([brian2_draws(make_runs([POINT_A], [1])[0])], 1)
    for other in ({"tau_syn": 5 * ms}, {"alpha": 3.0}):
        with pytest.raises(ParameterError, match="runs"):
            td.train_many(make_runs([POINT_A, other], [1, 2]), 2)
    structure, params = setup(**DENSE)
    with pytest.raises(ParameterError, match="copies"):
        td.build(structure.for_network((N, N), params), copies=2)


def brian2_draws(run):
    structure, params = setup(**DENSE)
    run.structure = structure.for_network((N, N), params)
    return run


def test_each_copy_is_classified_on_its_own():
    """Constructed histories through NetworkRun.record, as train_many gives each copy its outputs: fixed
    diverse weights converge, weights at the bounds are extreme, fixed near-equal weights are too similar,
    drifting weights are not classified before the cap."""
    bound = setup()[1].w_bound
    rng = np.random.default_rng(0)
    fixed = rng.normal(0, 1.0, N * N)
    weights = {"converged": lambda k: fixed, "extreme weights": lambda k: np.full(N * N, bound - NETWORK_EXTREME_MARGIN / 2),
               "weights too similar": lambda k: fixed * 0.01, "did not converge": lambda k: rng.normal(0, 1.0 + k, N * N)}
    outcomes = {}
    for expected, w_of in weights.items():
        run = make_runs([POINT_A], [1], caps=(20_000,), chunk=500)[0]
        k = 0
        while not run.finished:
            state = {**run.state, "w": w_of(k), "w_pending": np.zeros(N * N), "lower.spike_count": np.zeros(N),
                     "higher.spike_count": np.zeros(N)}
            run.record(state, {})
            k += 1
        outcomes[expected] = (run.result().outcome, run.done)
    assert {name: outcome for name, (outcome, _) in outcomes.items()} == {name: name for name in weights}
    assert outcomes["extreme weights"][1] == 500
    assert outcomes["converged"][1] == outcomes["weights too similar"][1] == 6500  # lags 3,000 and 6,000 after 500
    assert outcomes["did not converge"][1] == 20_000


def test_gain_fit_recovers_a_linear_gain_and_flags_a_nonlinear_response():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, 20_000)
    fit = gain_fit(x, 0.3 * x + 1 + rng.normal(0, 2.0, x.size))
    assert fit.slope == pytest.approx(0.3, abs=0.01) and fit.intercept == pytest.approx(1, abs=0.1)
    assert fit.r2_bins > 0.99
    assert gain_fit(x, np.where(x > 8, 5.0, 0.0) + rng.normal(0, 0.1, x.size)).r2_bins < 0.7
    assert np.isnan(gain_fit(np.ones(5), np.arange(5)).slope)


def test_loop_gain_of_a_linear_toy_network_matches_the_closed_form():
    """A linear rate toy: y = g_H Q^T x + noise, x' = g_L W y + noise. Gains measured with gain_fit give the
    loop gain g_L g_H max|eig(W Q^T)|; at the rSTDP fixed point W* = Q^-T / alpha it is g_L g_H / alpha."""
    rng = np.random.default_rng(2)
    q = linear.q_matrix(20, 1.0, seed=0)
    g_high, g_low, alpha = 0.02, 0.5, 1.2
    w = fixed_point_direction(q) * 10.0
    x = rng.uniform(0, 3, (20, 2000))
    y = g_high * q.T @ x + rng.normal(0, 0.05, x.shape)
    change = g_low * w @ y + rng.normal(0, 0.05, x.shape)
    high, low = gain_fit(q.T @ x, y), gain_fit(w @ y, change)
    assert high.slope == pytest.approx(g_high, rel=0.02) and low.slope == pytest.approx(g_low, rel=0.02)
    w_star = np.linalg.inv(q).T / alpha
    assert loop_gain(w_star, q) == pytest.approx(1 / alpha, rel=1e-9)
    assert loop_gain(w_star, q, g_low, g_high) == pytest.approx(g_low * g_high / alpha, rel=1e-9)
    assert bound_loop_gain(g_low, g_high, q, 50) == pytest.approx(loop_gain(50 * fixed_point_direction(q), q, g_low, g_high))


def test_the_fixed_point_measure_is_oriented_like_the_network():
    """W and Q are lower x higher; the loop is W Q^T, so the rSTDP fixed point is Q^-T / alpha: it scores 1,
    the transposed Q^-1 of a generic Q does not (a transposed measure scored the sample's runs ~0)."""
    q = np.random.default_rng(2).uniform(0, 1, (30, 30)) + 3 * np.eye(30)
    w_star = np.linalg.inv(q).T / 1.2
    assert loop_gain(w_star, q) == pytest.approx(1 / 1.2)
    assert fixed_point_correlation(w_star, q) == pytest.approx(1.0)
    assert fixed_point_correlation(np.linalg.inv(q) / 1.2, q) < 0.95
    q_orthogonal = linear.q_matrix(30, 0.1, seed=0)  # Fig 5's Q is near-orthogonal: Q^-1 ~ Q^T, far from Q^-T
    assert abs(fixed_point_correlation(np.linalg.inv(q_orthogonal), q_orthogonal)) < 0.3


def test_the_landscape_sample_is_stratified_and_reproducible():
    sample = landscape.stratified_sample(25, 20261203)
    assert len(sample) == 100
    labels = [rule_type(p["rule"], p["alpha"]) for p in sample]
    assert {label: labels.count(label) for label in landscape.RULE_TYPES} == dict.fromkeys(landscape.RULE_TYPES, 25)
    keys = [tuple(float(v) if not isinstance(v, str) else v for v in p.values()) for p in sample]
    assert len(set(keys)) == 100
    grid = {tuple(float(v) if not isinstance(v, str) else v for v in p.values()) for p in landscape.grid_points()}
    assert set(keys) <= grid and len(grid) == 2304
    assert keys == [tuple(float(v) if not isinstance(v, str) else v for v in p.values())
                    for p in landscape.stratified_sample(25, 20261203)]
    assert keys != [tuple(float(v) if not isinstance(v, str) else v for v in p.values())
                    for p in landscape.stratified_sample(25, 1)]
    points = landscape.sample_points(1, 0, max_presentations=1000)
    assert len(points) == 4 * 3 and len({p.seed for p in points}) == 3


def test_agreement_of_runs_is_the_fixed_points_share_of_the_variance():
    """Three runs = one fixed point W* (variance 1) + independent fluctuations (variance s^2): each run agrees
    with the others at 1 / (1 + s^2); 10,000 weights give an SE of ~0.01. Without a fixed point: ~0."""
    rng = np.random.default_rng(5)
    w_star = rng.normal(size=(100, 100))
    for s2 in (0.05, 0.25, 1.0):
        runs = [w_star + np.sqrt(s2) * rng.normal(size=w_star.shape) for _ in range(3)]
        np.testing.assert_allclose(agreement(runs), 1 / (1 + s2), atol=0.03)
    assert np.all(np.abs(agreement([rng.normal(size=(100, 100)) for _ in range(3)])) < 0.03)
    assert np.isnan(agreement([w_star])).all()
    with pytest.raises(ParameterError, match="weights"):
        agreement([w_star, w_star[:50]])


def test_calibration_probes_cover_every_configuration():
    configurations = loop_calibration.configurations()
    assert len(configurations) == 64 and len(loop_calibration.candidates()) == 80
    pairs = [pair for _, batch in loop_calibration.batches() for pair in batch]
    assert len(pairs) == 80 * 64 == len(set(pairs))
    for tau, batch in loop_calibration.batches():
        assert all(configurations[j]["tau_syn"] == tau * ms for _, j in batch)
    q, *_ = loop_calibration.configuration_inputs(0)
    w = np.random.default_rng(0).normal(size=q.shape)
    np.testing.assert_array_equal(td.weight_matrix(loop_calibration.synapse_order(w), *q.shape), w)


@pytest.mark.standalone
def test_the_burbank_if_sweep_runs_points_as_copies_and_resumes(tmp_path):
    """run_sweep(copies=B): the points of one structure train as copies in a spawned process, each written as
    it ends; a second call finds them done and runs nothing."""
    from gatedplasticity import sweep
    from gatedplasticity.papers.burbank2012.sweeps import BURBANK_IF

    points = sweep.points(BURBANK_IF, grid={"tau_syn": [5 * ms, 15 * ms], "max_presentations": [1000]}, repeats=2)
    table = sweep.run_sweep(points, tmp_path / "s", copies=2, workers=1, progress=False)
    assert len(table) == 4 and (table["presentations"] == 1000).all()
    assert sweep.Store(tmp_path / "s").status() == {"done": 4, "failed": 0}
    assert sorted(path.stem for path in (tmp_path / "s" / "checkpoints").glob("*.npz")) == sorted(table["key"])
    # each run's agreement is its final W's correlation with the other initial condition of its point
    agreeing = landscape.initial_condition_agreement(table, tmp_path / "s")
    for tau in (0.005, 0.015):
        pair = table.index[table["tau_syn [second]"] == tau]
        w = [landscape.final_weights(tmp_path / "s", table.loc[i, "key"]) for i in pair]
        assert w[0].shape == (100, 100) and not np.array_equal(w[0], w[1])
        assert agreeing[pair].tolist() == pytest.approx([np.corrcoef(w[0].ravel(), w[1].ravel())[0, 1]] * 2)
    again = sweep.run_sweep(points, tmp_path / "s", copies=2, workers=1, progress=False)
    assert again.equals(table)
    with pytest.raises(ParameterError, match="copies"):
        sweep.run_sweep(sweep.points("stdp-drift", grid={"mu": [0.01]}), tmp_path / "d", copies=2)


def test_the_learning_rate_probe_reruns_the_first_dep_rstdp_sample_point_with_the_samples_seeds():
    import pandas as pd

    from gatedplasticity.papers.burbank2012 import learning_rate_probe as probe

    point = probe.probe_point()
    assert rule_type(point["rule"], point["alpha"]) == "dep-rSTDP"
    assert point in landscape.stratified_sample(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED)
    sample_seeds = {p.seed for p in landscape.sample_points(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED)}
    runs = probe.points()
    assert {p.seed for p in runs} == sample_seeds and len(runs) == landscape.REPEATS
    assert all(p.values["mu"] == probe.MU and p.values["max_presentations"] == probe.CAP for p in runs)
    # same_run finds the row of a point and seed in a sweep table (SI columns with units)
    row = {"rule": point["rule"], **{(f"{k} [second]" if k in ("delay", "tau_stdp", "tau_syn") else
                                      "noise_rate [hertz]" if k == "noise_rate" else k): float(v)
                                     for k, v in point.items() if k != "rule"}}
    table = pd.DataFrame([{**row, "seed": 1}, {**row, "seed": 2}, {**row, "alpha": 3.0, "seed": 2}])
    assert probe.same_run(table, point, 2) == 1 and probe.same_run(table, point, 3) is None
    assert probe.grid_point(table.iloc[1]) == pytest.approx({k: v if k == "rule" else float(v) for k, v in point.items()})
    # the second probe: six other dep-rSTDP sample points, five at delay 1 ms and one at 15 ms, the same seeds
    second = probe.points(second=True)
    assert len(second) == 6 * landscape.REPEATS and {p.seed for p in second} == sample_seeds
    sample = landscape.stratified_sample(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED)
    assert all(p in sample and rule_type(p["rule"], p["alpha"]) == "dep-rSTDP" for p in probe.SECOND)
    assert point not in probe.SECOND and sorted(float(p["delay"] / ms) for p in probe.SECOND) == [1] * 5 + [15]
    # its reference: the same runs at the paper's mu, to REFERENCE_CAP
    reference = probe.reference_points()
    assert [(p.seed, {k: v for k, v in p.values.items() if k not in ("mu", "max_presentations")}) for p in reference] \
        == [(p.seed, {k: v for k, v in p.values.items() if k not in ("mu", "max_presentations")}) for p in second]
    assert all(p.values["mu"] == 0.01 and p.values["max_presentations"] == probe.REFERENCE_CAP for p in reference)
    assert probe.reference_folder() != probe.folder(second=True)


def test_the_rate_probe_matches_fig6s_dep_rstdp_run_with_the_input_alone():
    from gatedplasticity import sweep
    from gatedplasticity.papers.burbank2012 import fig6
    from gatedplasticity.papers.burbank2012 import rate_probe as probe

    # stage 1: closest in log ratio to 19.2 spikes (120 Hz x 160 ms), within x1.25, below the ceiling
    assert probe.TARGET_SPIKES == pytest.approx(19.2)
    assert probe.choose([1, 2, 4], [3.0, 16.0, 40.0]) == (2.0, "input_scale 2: 16.0 spikes per presentation")
    assert probe.choose([1, 2, 4], [3.0, 15.5, 23.5])[0] == 4.0  # in log ratio 0.202 < 0.214 (linear: 4.3 > 3.7)
    assert probe.choose([1, 2], [3.0, 14.0])[0] is None  # 19.2/14 = 1.37 > 1.25
    assert probe.choose([1, 2], [0.0, 0.0]) == (None, "no scale makes the lower layer fire")
    # the point is Fig 6's dep-rSTDP run without homeostasis; the first initial condition has Fig 6's seed
    assert rule_type(probe.POINT["rule"], probe.POINT["alpha"]) == "dep-rSTDP"
    activity, training = probe.activity_points(), probe.training_points([4.0])
    assert [p.values["input_scale"] for p in activity] == list(probe.SCALES)
    assert all(p.values["mu"] == 0 and p.values["max_presentations"] == 500 and not p.values["homeostasis"]
               for p in activity)
    assert len(training) == 3 and len({p.seed for p in training}) == 3
    fig6_runs = sweep.points("burbank-if", grid={**fig6.RULES, **fig6.MECHANISMS["homeostasis"][0]}, seed=0)
    assert training[0].seed == activity[0].seed == fig6_runs[0].seed
    values = training[0].values
    assert (values["mu"], values["w_bound"], values["eps"], values["smooth"], values["max_presentations"]) == \
        (0.01, 50.0, 0.1, False, 625_000)
    assert float(values["delay"] / ms) == 15 and float(values["tau_syn"] / ms) == 15 and values["input_scale"] == 4.0
    # the rate scan: scales 4, 5, 6 from the first initial condition; its registered criterion
    scan = probe.training_points(probe.SCAN_SCALES, repeats=1)
    assert [p.values["input_scale"] for p in scan] == [4.0, 5.0, 6.0] and {p.seed for p in scan} == {training[0].seed}
    runs = pd.DataFrame({"outcome": ["converged", "converged", "converged", "did not converge"],
                         "saturated": [0.05, 0.1, 0.05, 0.0], "corr_fixed_point": [0.5, 0.9, 0.49, 0.9]})
    assert probe.near_fixed_point(runs).tolist() == [True, False, False, False]


def test_the_rate_generalization_draws_the_registered_points():
    from gatedplasticity.papers.burbank2012 import rate_generalization as general

    drawn = general.drawn_points()
    sample = landscape.stratified_sample(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED)
    assert [(p["alpha"], p["delay"]) for p in drawn] == general.STRATA
    assert all({k: v for k, v in p.items() if k in landscape.GRID} in sample and p["w_bound"] == 20.0 for p in drawn)
    # pinned as registered in docs/burbank2012-calibration.md ("Rate generalization")
    assert [(float(p["tau_stdp"] / ms), float(p["noise_rate"] / Hz), float(p["tau_syn"] / ms), p["sigma_input"],
             p["sigma_noise"], p["q_seed"], p["c_seed"]) for p in drawn] == [
        (5, 1000, 5, 2, 2, 0, 10), (5, 1000, 15, 2, 1, 1, 10), (5, 2000, 15, 2, 1, 1, 11), (20, 1000, 15, 1, 2, 0, 11)]


def test_the_sample_continues_from_its_committed_table():
    """remaining_points drops the runs a per-run table holds (matched in its units: ms, Hz), none other."""
    points = landscape.sample_points(1, 0, max_presentations=1000)
    held = pd.DataFrame([{name: value for name, value in zip(landscape.IDENTITY, landscape.identity(p.values, p.seed))}
                         for p in points[:5]])
    assert landscape.remaining_points(points, held) == points[5:]
    assert held["delay_ms"].isin([1.0, 15.0]).all() and held["noise_rate_hz"].isin([1000.0, 2000.0]).all()
    assert landscape.remaining_points(points, held.iloc[:0]) == points
    held.loc[0, "seed"] += 1  # another initial condition of that point: its run is not held
    assert landscape.remaining_points(points, held) == points[:1] + points[5:]
    # the export: the committed rows first, then the new ones; a run in both keeps its committed row
    rows = pd.DataFrame([{**dict(zip(landscape.IDENTITY, landscape.identity(p.values, p.seed))), "std_w": k}
                         for k, p in enumerate(points[:7])]).reindex(columns=landscape.COLUMNS)
    merged = landscape.with_finished(rows.iloc[:5], rows.iloc[3:].assign(std_w=-1.0))
    assert merged["std_w"].tolist() == [0, 1, 2, 3, 4, -1, -1] and list(merged.columns) == landscape.COLUMNS


def test_fig5_reads_finished_runs_and_trains_only_the_others(tmp_path, monkeypatch):
    """The sample form of Fig 5 reads a per-run table instead of training its runs: it trains exactly the
    sample's runs the table lacks, leaves out the table's rows outside the sample and says what it read."""
    from gatedplasticity.papers.burbank2012 import fig5
    points = landscape.sample_points(landscape.SAMPLE_PER_TYPE, landscape.SAMPLE_SEED)
    rows = pd.DataFrame([dict(zip(landscape.IDENTITY, landscape.identity(p.values, p.seed))) for p in points])
    rows["rule_type"] = [rule_type(r, a) for r, a in zip(rows["rule"], rows["alpha"])]
    rows["outcome"] = np.where(rows["rule_type"] == "dep-rSTDP", "converged", "extreme weights")
    rows = rows.reindex(columns=landscape.COLUMNS)
    stranger = rows.iloc[[0]].assign(seed=-1, outcome="did not converge")  # a run of no sample point
    pd.concat([rows.iloc[5:], stranger]).to_csv(tmp_path / "runs.csv", index=False)
    trained = []
    monkeypatch.setattr(landscape.sweep, "run_sweep",  # records what it would train; returns the folder's table
                        lambda todo, folder, **options: trained.extend(todo) or landscape.sweep.Store(folder).table())
    monkeypatch.setattr(landscape, "sample_folder", lambda per_type, seed: tmp_path / "sample")
    data = fig5.simulate(finished=tmp_path / "runs.csv", progress=False)
    assert trained == points[:5]
    assert data.params["read, not trained"].startswith(f"{len(points) - 5} runs from")
    assert len(data.tables["runs"]) == len(points) - 5 and fig5.compare(data)["passed"].all()
    rows.drop(columns="outcome").to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ParameterError, match="finished.*lacks \\['outcome'\\]"):
        fig5.simulate(finished=tmp_path / "bad.csv", progress=False)
    # by default it reads the committed table of the checkout one works in (found from a subfolder too)
    (tmp_path / "docs" / "data").mkdir(parents=True)
    rows.to_csv(tmp_path / landscape.COMMITTED_SAMPLE, index=False)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert landscape.committed_sample() == tmp_path / landscape.COMMITTED_SAMPLE
    trained.clear()
    assert len(fig5.simulate(progress=False).tables["runs"]) == len(points) and not trained


def test_drift_probe_follows_the_mean_weight_from_zero_to_a_bound_or_a_zero_crossing():
    m = [20, -20, -5, 0, 5]  # any order
    assert drift_probe.predicted_end(m, [3, -1, -1, 1, 2]) == "upper bound"  # positive from 0 up
    assert drift_probe.predicted_end(m, [1, -3, -2, -1, 2]) == "lower bound"  # negative from 0 down
    assert drift_probe.predicted_end(m, [-1, -1, -1, 1, 2]) == "inside"  # it stops where the drift turns negative
    assert drift_probe.predicted_end(m, [1, -3, 2, -1, 2]) == "inside"  # on the way down it turns positive at -5
    assert drift_probe.predicted_end(m, [1, -1, -1, 0, 1]) == "inside"  # no drift at 0


def test_drift_probe_predictions_meet_every_run_of_the_sample():
    """Every sample run gets its configuration's prediction (units of both tables agree), scored where it ran."""
    rows = [{**dict(zip(drift_probe.DYNAMIC, key)), "m": m,
             **{drift_probe.drift_column(rule, alpha, tau): (1.0 if rule == "classical" else -1.0)
                for (rule, alpha) in drift_probe.RULES for tau in drift_probe.TAUS_MS}}
            for key, _ in drift_probe.configurations() for m in drift_probe.M_VALUES]
    predicted = drift_probe.predictions(pd.DataFrame(rows))
    points = landscape.sample_points(25, 20261203)
    finished = pd.DataFrame([dict(zip(landscape.IDENTITY, landscape.identity(p.values, p.seed))) for p in points[:2]])
    finished["outcome"] = ["extreme weights", "did not converge"]
    runs = drift_probe.compare(predicted, finished)
    assert len(runs) == 300 and runs["predicted"].notna().all()
    expected = {"classical": "upper bound", "reverse": "lower bound"}
    assert (runs["predicted"] == runs["rule"].map(expected)).all()
    assert runs["agrees"].tolist()[:2] == [True, False] and runs["agrees"][2:].isna().all()
    assert drift_probe.agreement(runs)["agree"].sum() == 1


def test_drift_probe_scores_the_committed_tables_without_running(capsys):
    data = Path(__file__).resolve().parents[1] / "docs" / "data"
    assert drift_probe.main(["--table", str(data / "burbank2012-drift-probe-fine.csv"),
                             "--sample", str(data / "burbank2012-landscape-sample.csv")]) == 0
    printed = capsys.readouterr().out
    assert "dep-rSTDP" in printed and "agree" in printed
