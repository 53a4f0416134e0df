"""The closed form of lap-integrated BTSP (protocols.btsp_closed_form) against the compiled network, and fits with it."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from brian2 import ms, second

from gatedplasticity import streams
from gatedplasticity.fitting import fit, synthetic
from gatedplasticity.papers.milstein2021 import real
from gatedplasticity.parameters import ParameterError
from gatedplasticity.protocols import inductions, btsp_closed_form

EVERYTHING = ("k_plus", "k_minus", "th_plus", "th_minus", "h_plus", "h_minus", "tau_IS")


def candidates(count, seed=1):
    rng = np.random.default_rng(seed)
    return {"k_plus": rng.uniform(0.5, 3, count) / second, "k_minus": rng.uniform(0.1, 1, count) / second,
            "th_plus": rng.uniform(0.2, 0.6, count), "th_minus": rng.uniform(0.01, 0.2, count),
            "h_plus": rng.uniform(0.2, 0.8, count), "h_minus": rng.uniform(0.05, 0.3, count),
            "tau_IS": rng.uniform(200, 900, count) * ms}


def test_closed_form_equals_the_compiled_network_for_every_fittable_parameter():
    """Variable speed, pauses, 1-4 plateaus of 100-1000 ms (one in two pieces), laps joined as recorded: weights
    equal to 1e-9."""
    rng = streams.generator(7, "synthetic-layout")
    layouts = [synthetic.layout(rng, (1, 4), True, 0.5) for _ in range(3)]
    first = layouts[0].plateaus.iloc[0]
    piece = first.copy()
    piece["onset_s"], piece["duration_ms"] = first["onset_s"] + first["duration_ms"] / 1000 + 0.05, 95.0
    layouts[0] = replace(layouts[0], plateaus=pd.concat([layouts[0].plateaus, piece.to_frame().T]).sort_values("onset_s"))
    setup = inductions.InductionSetup(layouts, fitted=EVERYTHING)
    values = candidates(3)
    network = inductions.simulate(setup, values, 3, backend="runtime")
    closed = btsp_closed_form.ClosedForm(setup).weights(values, 3)
    initial = np.stack([induction.initial_weights for induction in setup.inductions])
    assert np.abs(network - initial).max() > 0.3  # the plateaus changed the weights
    np.testing.assert_allclose(closed, network, atol=1e-9)


def test_closed_form_refuses_what_it_cannot_give():
    rng = streams.generator(8, "synthetic-layout")
    induction = synthetic.layout(rng, (1, 1), True, 0.5)
    with pytest.raises(ParameterError) as error:
        inductions.InductionSetup([induction], integration="sometimes")
    assert error.value.parameter == "integration"
    with pytest.raises(ParameterError) as error:
        inductions.InductionSetup([induction], normalisation="by eye")
    assert error.value.parameter == "normalisation"
    with pytest.raises(ParameterError) as error:
        btsp_closed_form.ClosedForm(inductions.InductionSetup([induction])).weights({"tau_ET": [1.0]})
    assert error.value.parameter == "tau_ET"


def test_one_plateau_changes_weights_only_through_its_own_gate():
    """A plateau whose gate (5 s) ends before the lap does: the same weights whatever follows in that lap."""
    rng = streams.generator(9, "synthetic-layout")
    induction = synthetic.layout(rng, (1, 1), False, 1.0)
    closed = btsp_closed_form.ClosedForm(inductions.InductionSetup([induction])).weights()
    assert closed.shape == (1, 1, inductions.N_INPUTS)
    assert closed.max() > 0.5 and closed.min() >= 0


@pytest.mark.skipif(real.missing() is not None, reason=real.missing() or "")
def test_cli_fits_the_default_parameters_on_the_real_inductions(tmp_path):
    """All four shared tables on the command line, every default parameter (dimensionless ones included)."""
    out = tmp_path / "fit"
    command = [sys.executable, "-m", "gatedplasticity.cli", "fit", "btsp", *map(str, real.paths()),
               "--format", "induction", "--out", str(out), "--population", "8", "--generations", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    fitted = json.loads((out / "fitted.json").read_text())
    assert set(fitted["best"]) == set(fit.DEFAULT_FITTED)
    assert fitted["best"]["th_plus"]["unit"] == "1" and fitted["settings"]["backend"] == "closed-form"
    assert fitted["loss_mV2"] <= fitted["published_parameters_loss_mV2"]  # the published candidate is evaluated too
    assert fitted["published_parameters_loss_mV2"] == pytest.approx(6.62, abs=0.01)  # as the compiled network gave


def test_continuous_closed_form_equals_the_compiled_network():
    rng = streams.generator(11, "synthetic-layout")
    setup = inductions.InductionSetup([synthetic.layout(rng, (1, 3), True, 0.5) for _ in range(2)],
                                      fitted=EVERYTHING, integration="continuous")
    values = candidates(2, seed=2)
    network = inductions.simulate(setup, values, 2, backend="runtime")
    closed = btsp_closed_form.ClosedForm(setup).weights(values, 2)
    lap = btsp_closed_form.ClosedForm(inductions.InductionSetup(setup.inductions, fitted=EVERYTHING)).weights(values, 2)
    assert np.abs(lap - network).max() > 0.05  # the two integrations differ
    np.testing.assert_allclose(closed, network, atol=1e-9)


def test_pooled_normalisation_divides_by_the_largest_traces_of_the_inductions():
    """Pooled: IS peaks at exactly 1 over the inductions, ET at most 1 (its peak may lie outside a gate); both are the
    reference's traces rescaled by one constant."""
    rng = streams.generator(12, "synthetic-layout")
    induction = synthetic.layout(rng, (2, 2), True, 1.0)
    reference = btsp_closed_form.ClosedForm(inductions.InductionSetup([induction]))
    pooled = btsp_closed_form.ClosedForm(inductions.InductionSetup([induction], normalisation="pooled"))
    ratio = pooled.parts[0]["eligibility"] / reference.parts[0]["eligibility"]
    assert pooled.parts[0]["eligibility"].max() <= 1 + 1e-12 and np.ptp(ratio) < 1e-9 * ratio.mean()
    tau = np.array([0.437])
    assert pooled.instructive(tau)[0].max() == pytest.approx(1.0)
    assert reference.instructive(tau)[0].max() != pytest.approx(1.0)  # recorded plateaus are not 300 ms
    with pytest.raises(ParameterError) as error:
        inductions.simulate(inductions.InductionSetup([induction], normalisation="pooled"))
    assert error.value.parameter == "normalisation"


def test_pooled_normalisation_can_come_from_other_inductions():
    """Predicting cells left out of a fit: their signals are normalised by the fitted cells' largest ET and IS."""
    rng = streams.generator(13, "synthetic-layout")
    first, second_ = (synthetic.layout(rng, (1, 3), True, 0.5) for _ in range(2))
    own = btsp_closed_form.ClosedForm(inductions.InductionSetup([first], normalisation="pooled"))
    both = btsp_closed_form.ClosedForm(inductions.InductionSetup([first, second_], normalisation="pooled"))
    borrowed = btsp_closed_form.ClosedForm(inductions.InductionSetup([first], normalisation="pooled"),
                                           pooled_over=[first, second_])
    np.testing.assert_allclose(borrowed.weights(), both.weights()[:, :1], atol=1e-12)
    assert np.abs(own.weights() - borrowed.weights()).max() > 1e-4


def test_a_fit_that_converged_early_is_finished_when_called_again(tmp_path):
    """tol large enough to stop after the first generation: calling the fit again evaluates nothing new."""
    data = synthetic.generate({"k_plus": 1.6 / second}, n_inductions=2, seed=14, plateau_counts=(1, 2),
                              backend="runtime")
    settings = dict(fitted=fit.parameters(("k_plus",)), population=6, generations=5, progress=False, tol=1e9,
                    bootstrap=5)
    first = fit.fit(data, tmp_path, **settings)
    assert len(first.history) < 5  # converged early
    again = fit.fit(data, tmp_path, **settings)
    assert again.evaluations == first.evaluations and again.loss == first.loss


def test_quick_form_of_the_recovery_figure_recovers_the_truth(tmp_path):
    """milstein2021-fig4 --quick's settings (6 inductions, population 32, 30 generations) recover every parameter
    within the figure's own tolerances; the closed form gives the compiled fit's losses, so it stands in for it."""
    from gatedplasticity.papers.milstein2021 import fig4, recordings

    settings = fig4.SETTINGS[True]
    result = fit.fit(recordings.load(inductions=settings["inductions"]), tmp_path,
                     fitted=fit.parameters(tuple(recordings.TRUTH)), population=settings["population"],
                     generations=settings["generations"], backend="closed-form", bootstrap=0, progress=False)
    for name, (kind, size) in fig4.TOLERANCES.items():
        truth, found = float(recordings.TRUTH[name]), float(result.best[name])
        assert abs(found - truth) <= (size * truth if kind == "relative" else size), (name, found, truth)
    assert result.loss < result.published_loss
