"""BTSP fitting end to end (standalone builds): recorded inductions, parameter recovery in both formats, resume, CLI.

Recovery tolerances are those of docs/btsp-fitting.md (k_plus +-20%,
k_minus +-25%), for a smaller problem: 6 inductions with 1-3 plateaus,
k_plus and k_minus free, population 16, 10 generations.
"""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from brian2 import cm, second

from gatedplasticity.fitting import data as recorded, fit, synthetic
from gatedplasticity.fitting.evaluation import History
from gatedplasticity.fitting.pooled import constant_path
from gatedplasticity.protocols import inductions, track
from gatedplasticity.rules.btsp import W_MAX

pytestmark = pytest.mark.standalone
TRUTH = {"k_plus": 1.6 / second, "k_minus": 0.3 / second}
FITTED = ("k_plus", "k_minus")


def recovered(result):
    return (abs(float(result.best["k_plus"]) / 1.6 - 1) <= 0.20 and abs(float(result.best["k_minus"]) / 0.3 - 1) <= 0.25
            and result.loss < result.published_loss)


@pytest.fixture(scope="module")
def realistic():
    return synthetic.generate(TRUTH, n_inductions=6, seed=3, plateau_counts=(1, 3))


def test_recorded_induction_at_constant_speed_equals_the_track_protocol():
    """One plateau of 300 ms at 90 cm in lap 1 from a silent cell: the same weights as protocols.track.run."""
    length, speed = 187.0, 25.0
    path = constant_path(3, speed, length)
    onset = length / speed + 90.0 / speed
    plateaus = pd.DataFrame({"lap": [1], "onset_s": [onset], "duration_ms": [300.0]})
    setup = inductions.InductionSetup([inductions.Induction(path, plateaus, np.full(100, 1 / W_MAX))])
    weights = inductions.simulate(setup)[0, 0]
    reference = track.run(track.track(3, speed=speed * cm / second), n_inputs=100, backend="standalone",
                          induced=[(0, 1, 90 * cm)]).weights[-1, 0]
    assert weights.max() > 0.5
    np.testing.assert_allclose(weights, reference, atol=2e-5)  # ET normalised by the path's own peak, not steady laps


def test_induction_format_recovers_the_parameters_and_beats_the_published_ones(realistic, tmp_path):
    result = fit.fit(realistic, tmp_path, fitted=fit.parameters(FITTED), population=16, generations=10,
                     progress=False, tol=0)
    assert recovered(result), (result.best, result.loss, result.published_loss)
    assert result.published_loss > 3 * result.loss
    table = result.uncertainty.set_index("parameter")
    assert (table["sd"] > 0).all() and (table["p2.5"] <= table["p97.5"]).all()
    assert set(result.comparison.columns) >= {"t_s", "initial_ramp_mV", "data_delta_mV", "model_delta_mV"}


def test_pooled_format_recovers_the_parameters_under_its_assumptions(tmp_path):
    """Pooled rows (with their induction column) of inductions made under the pooled objective's assumptions:
    constant speed, 300-ms plateaus at one place; half the cells with a prior field. (Silent cells alone leave
    k_plus and k_minus unidentifiable: depression needs potentiated synapses.)"""
    steady = synthetic.generate(TRUTH, n_inductions=8, seed=4, plateau_counts=(1, 3), variable=False)
    pooled = recorded.read_pooled(synthetic.pooled(steady))
    result = fit.fit(pooled, tmp_path, fitted=fit.parameters(FITTED), population=16, generations=10,
                     progress=False, tol=0)
    assert recovered(result), (result.best, result.loss, result.published_loss)


def test_a_fit_resumes_from_its_folder_without_evaluating_again(realistic, tmp_path):
    first = fit.fit(realistic, tmp_path, fitted=fit.parameters(FITTED), population=10, generations=2, progress=False,
                    tol=0, bootstrap=10)
    saved = json.loads((tmp_path / "checkpoint.json").read_text())
    assert saved["generation"] == 2 and len(saved["population"]) == 10
    again = fit.fit(realistic, tmp_path, fitted=fit.parameters(FITTED), population=10, generations=2, progress=False,
                    tol=0, bootstrap=10)
    assert again.evaluations == first.evaluations and again.loss == first.loss  # nothing left to run
    longer = fit.fit(realistic, tmp_path, fitted=fit.parameters(FITTED), population=10, generations=3, progress=False,
                     tol=0, bootstrap=10)
    assert len(longer.history) == 3 and longer.evaluations > first.evaluations
    params, _, _ = History(tmp_path / "evaluations.npz").arrays()
    assert len(np.unique(params, axis=0)) == len(params)  # no candidate simulated twice


def test_cli_fits_a_synthetic_dataset_end_to_end(tmp_path):
    small = synthetic.generate(TRUTH, n_inductions=2, seed=5, plateau_counts=(1, 2))
    files = []
    for name in ("ramps", "paths", "plateaus"):
        files.append(tmp_path / f"{name}.csv")
        getattr(small, name).to_csv(files[-1], index=False)
    out = tmp_path / "fit"
    command = [sys.executable, "-m", "gatedplasticity.cli", "fit", "btsp", *map(str, files), "--format", "induction",
               "--out", str(out), "--population", "8", "--generations", "2",
               "--prior", "k_plus=1.1/second,1.0/second"]  # the default parameters, dimensionless ones included
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    fitted = json.loads((out / "fitted.json").read_text())
    assert fitted["best"]["k_plus"]["unit"] == "hertz" and "sd" in fitted["best"]["k_plus"]
    assert fitted["best"]["th_minus"]["unit"] == "1" and set(fitted["best"]) == set(fit.DEFAULT_FITTED)
    assert (out / "fit.png").stat().st_size > 10_000 and (out / "provenance.json").exists()
    bad = subprocess.run([*command[:5], str(files[0]), str(files[1]), "--format", "induction", "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "plateaus table" in bad.stderr


def test_a_fit_on_a_dask_cluster_equals_the_local_fit(tmp_path):
    """Batches as sweep points on a real Dask LocalCluster (each worker builds once) give the local fit's result."""
    distributed = pytest.importorskip("distributed")
    small = synthetic.generate(TRUTH, n_inductions=2, seed=6, plateau_counts=(1, 2))
    settings = dict(fitted=fit.parameters(("k_plus",)), population=6, generations=2, batch=3, progress=False,
                    bootstrap=10, backend="standalone")  # the network in batches (the closed form runs no batches)
    local = fit.fit(small, tmp_path / "local", **settings)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            remote = fit.fit(small, tmp_path / "dask", executor=client, **settings)
    assert remote.loss == local.loss and float(remote.best["k_plus"]) == float(local.best["k_plus"])
    assert remote.evaluations == local.evaluations
