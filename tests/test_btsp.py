"""BTSP (Milstein et al. 2021): closed-form rule, gating, weight dependence, track protocol, bad inputs."""

import numpy as np
import pandas as pd
import pytest
from brian2 import NeuronGroup, StateMonitor, cm, ms, second

import gatedplasticity as gp
from gatedplasticity.analysis import place_fields
from gatedplasticity.models.btsp import FIELD_SD, place_input
from gatedplasticity.protocols import track as tr
from gatedplasticity.rules import btsp

K_PLUS, K_MINUS = 1.11, 0.425


def q(x, th, h):
    y = lambda v: 1 / (1 + np.exp(-2 / h * (v - th)))  # noqa: E731
    return (y(x) - y(0)) / (y(1) - y(0))


def rate(signal, w):
    return K_PLUS * q(signal, 0.415, 0.454) * (1 - w) - K_MINUS * q(signal, 0.0262, 0.0998) * w


def fixed_traces(eligibility, instructive, w0, integration, duration, plateau=True):
    """Inputs with constant ET, cells with constant IS and one plateau event at t = 0; final w."""
    n = len(eligibility)
    with gp.Session(dt=1 * ms, progress=False) as session:
        pre = NeuronGroup(n, "eligibility : 1\nlast_lap : 1", events={"lap_end": "t >= lap_time and last_lap < 1"},
                          namespace={"lap_time": duration - 2 * ms}, name="pre")
        pre.run_on_event("lap_end", "last_lap = 1")
        post = NeuronGroup(n, "instructive : 1", events={"plateau": "t < 0.5*ms" if plateau else "t < 0*ms"}, name="post")
        pre.eligibility, post.instructive = eligibility, instructive
        synapses = btsp.rule(integration).synapses(pre, post, connect={"j": "i"})
        synapses.w = w0
        session.run(duration, [pre, post, synapses])
        return np.array(synapses.w)


def test_sigmoids_are_normalised():
    assert q(0.0, 0.415, 0.454) == 0 and q(1.0, 0.415, 0.454) == pytest.approx(1)


def test_continuous_rule_matches_the_closed_form():
    """Constant ET IS: w relaxes exponentially to k+q+/(k+q+ + k-q-) at rate k+q+ + k-q-."""
    eligibility = np.array([1.0, 0.5, 0.9, 0.2, 1.0])
    instructive = np.array([1.0, 0.6, 0.1, 0.3, 0.05])
    w0 = np.array([0.2, 0.9, 0.5, 0.214, 0.7])
    w = fixed_traces(eligibility, instructive, w0, "continuous", 1 * second)
    s = eligibility * instructive
    up, down = K_PLUS * q(s, 0.415, 0.454), K_MINUS * q(s, 0.0262, 0.0998)
    w_inf = up / (up + down)
    expected = w_inf + (w0 - w_inf) * np.exp(-(up + down) * 1.0)
    np.testing.assert_allclose(w, expected, rtol=1e-3)  # Brian2's integrator at dt = 1 ms
    assert w[0] > w0[0] and w[1] < w0[1]  # strong signal potentiates a weak synapse; weak signal depresses


def test_per_lap_rule_applies_the_integrated_change_with_w_fixed():
    eligibility, instructive, w0 = np.array([1.0, 0.4]), np.array([0.8, 0.1]), np.array([0.3, 0.6])
    w = fixed_traces(eligibility, instructive, w0, "lap", 500 * ms)
    lap_steps = 498  # the lap ends at 498 ms: the change of steps 0..497 is applied
    expected = np.clip(w0 + rate(eligibility * instructive, w0) * lap_steps * 1e-3, 0, 1)
    np.testing.assert_allclose(w, expected, rtol=1e-9)


@pytest.mark.parametrize("integration", btsp.INTEGRATIONS)
def test_no_plateau_no_change(integration):
    w0 = np.array([0.3, 0.6])
    w = fixed_traces(np.array([1.0, 1.0]), np.array([1.0, 1.0]), w0, integration, 500 * ms, plateau=False)
    np.testing.assert_array_equal(w, w0)


def test_weight_dependence_saturated_cannot_grow_and_zero_cannot_shrink():
    # a saturated synapse can only be depressed; a zero weight only potentiated, even at a depressing signal
    w = fixed_traces(np.array([1.0, 0.1, 1.0]), np.array([1.0, 0.3, 1.0]), np.array([1.0, 0.0, 0.5]), "continuous",
                     1 * second)
    assert w[0] < 1.0 and w[1] >= 0.0
    assert rate(0.03, 0.5) < 0 < rate(0.03, 0.0)  # the same signal depresses w = 0.5 and potentiates w = 0
    grow = fixed_traces(np.array([1.0]), np.array([1.0]), np.array([0.0]), "continuous", 1 * second)
    assert 0 < grow[0] < 1


def test_track_positions_laps_and_induction_times():
    track = tr.track(2, speed=25 * cm / second)
    assert float(track.lap_durations[0] / second) == pytest.approx(7.48)
    assert float(track.time_at(1, 90 * cm) / second) == pytest.approx(7.48 + 3.6)
    position, lap = track.timed_arrays()
    assert float(position.values[200]) == pytest.approx(0.5)  # 2 s at 25 cm/s, in metres
    assert lap.values[747] == 0 and lap.values[748] == 1 and lap.values[-1] == 2


def test_inputs_are_place_tuned_and_eligibility_normalised():
    track = tr.track(3, speed=25 * cm / second)
    et_max = tr.eligibility_max(track.speeds[0], FIELD_SD, 1664 * ms, track.length, track.dt)
    with gp.Session(dt=tr.DT, progress=False) as session:
        position, lap = track.timed_arrays()
        inputs = place_input().neurons(2, functions={"position": position, "lap_number": lap}, et_max=et_max)
        inputs.center = [50, 150] * cm
        monitor = StateMonitor(inputs, ["rate", "eligibility"], record=True)
        session.run(track.duration, [inputs, monitor])
        rates, eligibility = np.asarray(monitor.rate), np.asarray(monitor.eligibility)
    assert rates[0, 200] == pytest.approx(1.0)  # at 50 cm after 2 s
    sd = float(FIELD_SD / cm)
    assert rates[1, 200] == pytest.approx(np.exp(-(87 / sd) ** 2))  # circular distance from 50 to 150 cm = 87 cm
    last_lap = slice(2 * 748, 3 * 748)
    assert eligibility[:, last_lap].max() == pytest.approx(1.0, abs=0.01)


def test_one_plateau_creates_a_field_before_the_plateau():
    """The protocol end to end (runtime, small): field peak 5-15 cm before the plateau."""
    track = tr.track(3, speed=25 * cm / second)
    run = tr.run(track, n_inputs=100, induced=[(0, 1, 90 * cm)])
    assert run.weights.shape == (3, 1, 100) and len(run.plateaus) == 1
    assert np.abs(run.weights[2] - run.weights[1]).max() < 0.01  # a lap without plateau: the lap's change is reset
    positions, ramps = place_fields.ramp(run.weights[-1], run.centers, float(FIELD_SD / cm), 187.0)
    metrics = place_fields.field_metrics(positions, ramps[0], 90.0, 187.0)
    assert -15 <= metrics["peak_shift_cm"] <= -5 and metrics["asymmetry"] > 1.5
    np.testing.assert_allclose(run.weights[0], 1 / 4.68)  # nothing changes in the lap before


@pytest.mark.parametrize("call, name", [
    (lambda: tr.track(2, speed=-25 * cm / second), "speed"),
    (lambda: tr.track(2, speed=25), "speed"),
    (lambda: tr.track(0), "laps"),
    (lambda: tr.track(2, length=-10 * cm), "length"),
    (lambda: tr.track(2).time_at(0, 200 * cm), "position"),
    (lambda: tr.track(2).time_at(5, 10 * cm), "lap"),
    (lambda: tr.run(tr.track(2), induced=[(3, 1, 90 * cm)]), "induced"),
    (lambda: tr.track(2, speed_cv=0.2), "seed"),
])
def test_bad_track_inputs_are_named(call, name):
    with pytest.raises(gp.ParameterError) as error:
        call()
    assert error.value.parameter == name


def test_unknown_integration_is_named():
    with pytest.raises(ValueError, match="integration"):
        btsp.rule("euler")


@pytest.mark.slow
def test_induction_and_translocation_figures_meet_their_targets_and_can_fail():
    from gatedplasticity.papers import figure
    from gatedplasticity.papers.milstein2021 import fig1, fig2

    induction = figure.run(fig1, quick=True, backend="runtime", progress=False)
    assert fig1.compare(induction)["passed"].all(), fig1.compare(induction).to_string()
    translocation = figure.run(fig2, quick=True, backend="runtime", progress=False)
    assert fig2.compare(translocation)["passed"].all(), fig2.compare(translocation).to_string()
    assert induction.backend == translocation.backend == "runtime"  # the figure contract: the backend that ran
    other = fig1.simulate(seed=1, quick=True, backend="runtime", progress=False)  # SEEDED = False: nothing random
    assert all(other.tables[name].equals(table) for name, table in induction.tables.items())
    assert len(fig1.plot(induction).axes) == 2 and len(fig2.plot(translocation).axes) == 2
    fields = induction.tables["fields"]
    broken = fig1.Result(name="b", tables={"fields": fields.assign(amplitude_mV=3.4, peak_shift_cm=2.0, asymmetry=1.1)})
    assert list(fig1.compare(broken)["passed"]) == [False, False, False, True, True, True]
    laps = translocation.tables["laps"].copy()
    laps["ramp_at_old_peak_mV"] = 5.0  # the old field not depressed
    assert list(fig2.compare(fig2.Result(name="b", tables={"laps": laps}))["passed"]) == [True, False, False]


def test_population_figure_measure_follows_the_data():
    import pandas as pd

    from gatedplasticity.papers.milstein2021 import fig3

    def result(peaks):
        cells = pd.DataFrame({"peak_cm": peaks, "amplitude_mV": 5.0})
        return fig3.Result(name="p", tables={"cells": cells})

    assert fig3.compare(result([93.5] * 10 + list(np.linspace(0, 180, 10))))["passed"].all()
    assert not fig3.compare(result(np.linspace(0, 186, 40)))["passed"].iloc[0]


def test_population_figure_plots_the_place_cells_it_is_given():
    from gatedplasticity.papers.milstein2021 import fig3
    from gatedplasticity.results import Result

    cells = pd.DataFrame({"cell": np.arange(5), "amplitude_mV": [1.0, 3.0, 4.0, 5.0, 0.5],
                          "peak_cm": [10.0, 50.0, 90.0, 120.0, 30.0]})
    data = Result(name="fig3", tables={"cells": cells, "laps": pd.DataFrame({"lap": [0, 1], "place_cells": [1, 3]})},
                  arrays={"positions": np.arange(0, 187, 1.0), "ramps": np.random.default_rng(0).uniform(size=(5, 187))})
    left, middle, _ = fig3.plot(data).axes
    assert left.get_images()[0].get_array().shape == (3, 187)  # the three cells with a field (>= 2 mV)
    assert sum(patch.get_height() for patch in middle.patches) == 3
