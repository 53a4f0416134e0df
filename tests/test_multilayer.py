"""Multi-layer networks with top-down feedback onto apical dendrites: closed forms, gate, reference, errors."""

from contextlib import contextmanager

import numpy as np
import pytest
from brian2 import EventMonitor, Network, ms

from gatedplasticity.analysis import classification
from gatedplasticity.backends import Session
from gatedplasticity.models.apical_rate import apical_neuron
from gatedplasticity.parameters import ParameterError
from gatedplasticity.protocols.multilayer import Dataset, continual, initial_weights, reference, tasks, training
from gatedplasticity.rules import dendritic

SIZES = (3, 4, 2)


@contextmanager
def names(parameter):
    """Expect a ParameterError naming ``parameter`` (its ``parameter`` attribute) and mentioning it."""
    with pytest.raises(ParameterError) as error:
        yield
    assert error.value.parameter == parameter, error.value
    assert parameter in str(error.value), error.value
EPS = 1e-12


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def one_sample(label=1):
    """One training image (and one test image): a single update is applied in epoch 1."""
    x = np.array([[0.2, 0.9, 0.5]])
    return Dataset("one", x, np.array([label]), x, np.array([label]), 2)


def after_one_update(method, seed=3, **parameters):
    record = training.train(one_sample(), SIZES, [method], [seed], 1, parameters=parameters, backend="runtime")
    return record, [w[1, 0] for w in record.forward[method]], [b[1, 0] for b in record.feedback[method]]


def closed_form(seed=3, beta=1.0, g_a=1.0):
    """Rates, dendritic signal and nudged rates of the one-sample network, written out by hand."""
    (w1, w2), (b1,) = initial_weights(SIZES, seed)
    x = np.array([0.2, 0.9, 0.5, 1.0])
    h = w1 @ x
    r = sigmoid(h)
    y = sigmoid(w2 @ r)
    out = y + beta * (np.array([0.0, 1.0]) - y)
    d = b1 @ out - b1 @ y
    return dict(w1=w1, w2=w2, b1=b1, x=x, h=h, r=r, y=y, out=out, d=d, r_dend=sigmoid(h + g_a * d))


@pytest.mark.parametrize("top_down", ["kolen_pollack", "fixed"])
def test_target_propagation_closed_form(top_down):
    method = "target" if top_down == "kolen_pollack" else "feedback_alignment"
    eta, decay = 0.3, 0.01
    _, (w1, w2), (b1,) = after_one_update(method, eta=eta, decay=decay)
    c = closed_form()
    np.testing.assert_allclose(w2, c["w2"] + eta * (np.outer(c["out"] - c["y"], c["r"]) - decay * c["w2"]), atol=EPS)
    np.testing.assert_allclose(w1, c["w1"] + eta * (np.outer(c["r_dend"] - c["r"], c["x"]) - decay * c["w1"]), atol=EPS)
    expected_b = c["b1"] + eta * (np.outer(c["r"], c["out"] - c["y"]) - decay * c["b1"]) if top_down == "kolen_pollack" else c["b1"]
    np.testing.assert_allclose(b1, expected_b, atol=EPS)


def test_kolen_pollack_increments_mirror_the_forward_ones():
    """W_out - B^T shrinks by exactly (1 - eta decay) per update: the top-down weights come to mirror W_out."""
    eta, decay = 0.3, 0.01
    _, (_, w2), (b1,) = after_one_update("target", eta=eta, decay=decay)
    c = closed_form()
    np.testing.assert_allclose(w2 - b1.T, (1 - eta * decay) * (c["w2"] - c["b1"].T), atol=EPS)


@pytest.mark.parametrize("theta, plateaus", [(0.0, True), (10.0, False)])
def test_plateau_gate(theta, plateaus):
    """Gated: eta_plateau (r_dend - r) x where |d| > theta; no plateau, no change (decay only)."""
    eta, decay, step = 0.3, 0.01, 0.05
    _, (w1, _), _ = after_one_update("plateau", eta=eta, decay=decay, eta_plateau=step, theta_plateau=theta)
    c = closed_form()
    change = step * np.outer(c["r_dend"] - c["r"], c["x"]) if plateaus else 0
    np.testing.assert_allclose(w1, c["w1"] + change - eta * decay * c["w1"], atol=EPS)


def test_plateau_gate_selects_neurons_and_ablation_ignores_it():
    """With theta between the |d| values only the neurons above it step; ungated, all step whatever theta."""
    c = closed_form()
    theta = float(np.median(np.abs(c["d"])))
    _, (gated, _), _ = after_one_update("plateau", decay=0.0, eta_plateau=0.05, theta_plateau=theta)
    _, (ungated, _), _ = after_one_update("plateau_ungated", decay=0.0, eta_plateau=0.05, theta_plateau=theta)
    above = np.abs(c["d"]) > theta
    assert 0 < above.sum() < len(above)
    signal = c["r_dend"] - c["r"]
    np.testing.assert_allclose(gated - c["w1"], 0.05 * np.outer(signal * above, c["x"]), atol=EPS)
    np.testing.assert_allclose(ungated - c["w1"], 0.05 * np.outer(signal, c["x"]), atol=EPS)


def test_output_only_freezes_the_hidden_layer():
    _, (w1, w2), _ = after_one_update("output_only", eta=0.3, decay=0.01)
    c = closed_form()
    np.testing.assert_array_equal(w1, c["w1"])
    assert np.abs(w2 - c["w2"]).max() > 1e-3


def test_no_inhibition_dendrite_sees_the_raw_top_down_input():
    _, (w1, _), _ = after_one_update("target", eta=0.3, decay=0.0, inhibition=0.0)
    c = closed_form()
    r_dend = sigmoid(c["h"] + c["b1"] @ c["out"])
    np.testing.assert_allclose(w1, c["w1"] + 0.3 * np.outer(r_dend - c["r"], c["x"]), atol=EPS)


@pytest.mark.parametrize("sizes", [(2, 5, 2), (2, 4, 3, 2)])
def test_compiled_training_equals_numpy_reference(sizes):
    """Forward outputs and weights of every method, one and two hidden layers, two seeds as blocks."""
    data = tasks.xor_clouds(n_train=12, n_test=6, tuning=None)
    methods = list(training.METHODS)
    contexts = continual.contexts(data, [(0,), (1,)], fraction=0.5)  # the context-gated method: context = class
    record = training.train(data, sizes, methods, [0, 5], 2, parameters={"theta_plateau": 0.02}, backend="runtime",
                            contexts=contexts)
    for key in methods:
        for block, seed in enumerate(record.seeds):
            ref = reference.train(data, sizes, key, seed, 2, {"theta_plateau": 0.02}, contexts=contexts)
            np.testing.assert_allclose(record.outputs[key][:, block], ref["outputs"], atol=1e-12, err_msg=key)
            for compiled, numpy_values in zip(record.forward[key] + record.feedback[key], ref["forward"] + ref["feedback"]):
                np.testing.assert_allclose(compiled[:, block], numpy_values, atol=1e-12, err_msg=key)
    assert record.outputs["target"].shape == (len(record.schedule.order), 2, 2)


def test_backprop_reference_is_the_gradient():
    """Backprop's first update equals -eta times the numerical gradient of the cross-entropy (plus decay)."""
    data, eta = one_sample(), 0.1
    after = reference.train(data, SIZES, "backprop", 3, 1, {"eta": eta, "decay": 0.0})["forward"]
    (w1, w2), _ = initial_weights(SIZES, 3)

    def loss(a, b):
        y = sigmoid(b @ sigmoid(a @ np.array([0.2, 0.9, 0.5, 1.0])))
        t = np.array([0.0, 1.0])
        return -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y))

    gradient = np.zeros_like(w1)
    for index in np.ndindex(w1.shape):
        step = np.zeros_like(w1)
        step[index] = 1e-6
        gradient[index] = (loss(w1 + step, w2) - loss(w1 - step, w2)) / 2e-6
    np.testing.assert_allclose(after[0][1], w1 - eta * gradient, atol=1e-8)


def test_stochastic_plateaus_follow_the_logistic_probability():
    """P(plateau) = sigmoid((|d| - theta) / width), 4 SE; width 0 is the deterministic threshold."""
    theta, width, steps = 0.1, 0.05, 20
    d_values = np.linspace(-0.3, 0.3, 61).repeat(40)
    for plateau_width in (width, 0.0):
        with Session("runtime", seed=7, dt=1 * ms):
            group = apical_neuron().neurons(len(d_values), theta_plateau=theta, plateau_width=plateau_width)
            group.top_down, group.nudged, group.learning = d_values, 1, 1
            monitor = EventMonitor(group, "plateau")
            Network(group, monitor).run(steps * ms)
            counts = np.bincount(np.asarray(monitor.i[:]), minlength=len(d_values)) / steps
        if plateau_width:
            p = sigmoid((np.abs(d_values) - theta) / width)
            se = np.sqrt(p * (1 - p) / steps / 40)
            observed = counts.reshape(61, 40).mean(1)
            assert np.all(np.abs(observed - p[::40]) <= 4 * se[::40] + 1e-9)
        else:
            np.testing.assert_array_equal(counts, (np.abs(d_values) > theta).astype(float))


def test_accuracy_and_alignment():
    outputs = np.array([[[0.9, 0.1]], [[0.2, 0.8]], [[0.6, 0.4]]])
    assert classification.accuracy(outputs, np.array([[0], [1], [2]]), np.array([0, 1, 1]))[0] == pytest.approx(2 / 3)
    w = np.arange(6.0).reshape(2, 3) + 1
    assert classification.alignment_angle(w, w.T) == pytest.approx(0, abs=1e-6)
    assert classification.alignment_angle(np.array([[1.0, 0]]), np.array([[0.0], [1]])) == pytest.approx(90)
    with names("feedback"):
        classification.alignment_angle(w, w)


def test_bad_inputs_name_the_parameter():
    data = tasks.xor_clouds(n_train=4, n_test=2, tuning=None)
    with names("sizes"):
        training.train(data, (2, 2), ["target"], [0], 1, backend="runtime")
    with names("sizes"):
        training.train(data, (3, 4, 2), ["target"], [0], 1, backend="runtime")
    with names("sizes"):
        training.train(data, (2, 0, 2), ["target"], [0], 1, backend="runtime")
    with names("method"):
        training.train(data, (2, 4, 2), ["hebb"], [0], 1, backend="runtime")
    with names("eta"):
        training.train(data, (2, 4, 2), ["target"], [0, 1], 1, parameters={"eta": [0.1, 0.2, 0.3]}, backend="runtime")
    with names("tau"):
        training.train(data, (2, 4, 2), ["target"], [0], 1, parameters={"tau": 1.0}, backend="runtime")
    with names("epochs"):
        training.train(data, (2, 4, 2), ["target"], [0], 0, backend="runtime")
    with names("variant"):
        dendritic.rule("hebbian")
    with names("variant"):
        dendritic.top_down("mirror")
    with names("eta_plateau"):
        dendritic.rule("target", eta_plateau=0.1)
    with names("method"):
        reference.train(data, (2, 4, 2), "hebb", 0, 1)
    with names("test_x"):
        Dataset("bad", np.zeros((4, 2)), np.zeros(4, int), np.zeros((2, 3)), np.zeros(2, int), 2)
    with names("train_x"):
        Dataset("bad", np.zeros((4, 2)), np.zeros(3, int), np.zeros((2, 2)), np.zeros(2, int), 2)
    with names("train_y"):
        Dataset("bad", np.zeros((4, 2)), np.full(4, 2), np.zeros((2, 2)), np.zeros(2, int), 2)


def test_digits_split_is_fixed_and_stratified():
    data = tasks.digits()
    assert (len(data.train_y), len(data.test_y), data.n_inputs) == (1438, 359, 64)
    assert np.array_equal(data.test_y, tasks.digits().test_y)
    assert np.all(np.abs(np.bincount(data.test_y) - 36) <= 1)
    assert 0 <= data.train_x.min() and data.train_x.max() <= 1
    held = tasks.validation_split(data)
    assert len(held.train_y) + len(held.test_y) == 1438


def test_schedule_orders_and_reshuffles():
    plan = training.schedule(5, 2, [0, 1], 2)
    assert list(plan.part[:2]) == ["test", "test"] and plan.learning.sum() == 10
    first, second = plan.order[2:7], plan.order[9:14]
    assert sorted(first[:, 0]) == list(range(5)) and not np.array_equal(first, second)
    assert not np.array_equal(first[:, 0], first[:, 1])


@pytest.mark.standalone
def test_standalone_training_equals_numpy_reference():
    data = tasks.xor_clouds(n_train=10, n_test=4, tuning=None)
    record = training.train(data, (2, 4, 2), ["target", "plateau"], [2], 2, parameters={"theta_plateau": 0.02})
    for key in ("target", "plateau"):
        ref = reference.train(data, (2, 4, 2), key, 2, 2, {"theta_plateau": 0.02})
        np.testing.assert_allclose(record.outputs[key][:, 0], ref["outputs"], atol=1e-12)


def test_xor_population_code_is_additive_and_linear_readout_fails():
    """Ten tuning curves per coordinate: 20 rates in (0, 1]; a logistic read-out stays near chance."""
    from sklearn.linear_model import LogisticRegression

    data = tasks.xor_clouds()
    assert data.n_inputs == 20 and 0 < data.train_x.min() and data.train_x.max() <= 1
    model = LogisticRegression().fit(data.train_x, data.train_y)
    assert model.score(data.test_x, data.test_y) < 0.7
    np.testing.assert_allclose(tasks.population_code(np.array([[0.0, 2.0]]), 3, width=1.0),
                               [np.exp(-np.array([4, 0, 4, 16, 4, 0]) / 2)])
    with names("tuning"):
        tasks.xor_clouds(tuning=0)


def study_result(accuracies, linear=None):
    import pandas as pd

    from gatedplasticity.results import Result

    summary = pd.DataFrame({"method": list(accuracies), "accuracy_%": list(accuracies.values())})
    arrays = {} if linear is None else {"linear_accuracy": np.array([linear])}
    return Result(name="study", tables={"summary": summary}, arrays=arrays, params={}, seed=0, backend="standalone",
                  quick=False, wall_time=0.0)


def test_study_comparisons_follow_the_data():
    from gatedplasticity.papers.gatedplasticity2026 import fig1, fig2

    good = {"backprop": 95.0, "target": 94.0, "plateau": 92.0, "plateau_ungated": 88.0, "output_only": 85.0}
    assert fig1.compare(study_result(good))["passed"].all()
    for method, value in (("target", 92.9), ("plateau", 89.9), ("output_only", 89.5), ("plateau_ungated", 92.0)):
        rows = fig1.compare(study_result({**good, method: value}))
        assert rows["passed"].sum() == 3, (method, rows)
    xor = {"target": 96.0, "plateau": 99.0, "output_only": 55.0}
    assert fig2.compare(study_result(xor, linear=0.5))["passed"].all()
    assert not fig2.compare(study_result({**xor, "output_only": 61.0}, linear=0.5))["passed"].all()


def test_study_runs_end_to_end_on_a_tiny_task():
    """Every method, two hidden layers, learning curves, both projections' alignment, the plot's three panels."""
    from gatedplasticity.papers.gatedplasticity2026 import study

    data = tasks.xor_clouds(n_train=10, n_test=4, tuning=None)
    result = study.run("tiny", data, (2, 4, 3, 2), (0, 1), 2, "runtime", True)
    assert set(result.tables["summary"]["method"]) == {*training.METHODS, "backprop"} - {"plateau_context"}
    assert set(result.tables["alignment"]["projection"]) == {"onto hidden 1", "onto hidden 2"}
    assert result.tables["curves"]["epoch"].max() == 2
    assert len(study.plot(result, "tiny").axes) == 3


def test_selection_takes_the_best_mean_and_fails_a_candidate_with_a_failed_seed():
    import pandas as pd

    from gatedplasticity.papers.gatedplasticity2026 import selection

    table = pd.DataFrame({"eta": [0.1, 0.1, 0.2, 0.2, 0.4, 0.4], "seed": [1, 2] * 3,
                          "validation": [0.9, 0.8, 0.85, 0.85, 0.99, np.nan]})
    assert selection.choose(table, ["eta"]) == {"eta": 0.1}  # tie at 0.85: the smaller value; 0.4 failed
    table.loc[2, "validation"] = 0.9
    assert selection.choose(table, ["eta"]) == {"eta": 0.2}
    assert list(selection.summary(table, ["eta"])["per seed %"])[0] == "90.0 80.0"
