"""Continual-learning building blocks: tasks from groups of classes, and forgetting on constructed accuracy matrices."""

import numpy as np
import pytest

from gatedplasticity.analysis import continual
from gatedplasticity.parameters import ParameterError
from gatedplasticity.results import Result
from gatedplasticity.protocols.multilayer import class_tasks, digits


def test_class_tasks_split_any_grouping_and_keep_the_labels():
    data = digits()
    tasks = class_tasks(data, [(0, 1), (2, 3, 4), [9]])
    assert [sorted(set(task.train_y)) for task in tasks] == [[0, 1], [2, 3, 4], [9]]
    assert all(set(task.test_y) == set(task.train_y) and task.n_classes == 10 for task in tasks)
    assert len(tasks[0].train_y) == np.isin(data.train_y, [0, 1]).sum()
    np.testing.assert_array_equal(tasks[2].test_x, data.test_x[data.test_y == 9])
    assert len(class_tasks(data, [0, 1])) == 2  # single classes as groups


@pytest.mark.parametrize("groups, message", [
    ([], "at least one group"), ([(0, 1), ()], "group 1 is empty"), ([(0, 1), (1, 2)], "class 1 is in groups 0 and 1"),
    ([(0, 10)], "holds 10"), ([(0, 1.5)], "holds 1.5"), ([(True,)], "holds True"),
])
def test_bad_groups_are_refused_by_name(groups, message):
    with pytest.raises(ParameterError, match=message) as error:
        class_tasks(digits(), groups)
    assert error.value.parameter == "groups"


def test_forgetting_on_a_constructed_accuracy_matrix():
    """Task 0 peaks at 0.9 after task 1 and ends at 0.5; task 1 peaks at 0.8 and ends at 0.7; task 2 is not forgotten."""
    accuracy = [[0.8, 0.0, 0.1],
                [0.9, 0.8, 0.0],
                [0.5, 0.7, 0.95]]
    np.testing.assert_allclose(continual.forgetting(accuracy), [0.4, 0.1])
    assert continual.mean_forgetting(accuracy) == pytest.approx(0.25)
    assert continual.average_accuracy(accuracy) == pytest.approx((0.5 + 0.7 + 0.95) / 3)
    assert continual.mean_forgetting([[0.7]]) == 0.0
    for bad in ([[0.5, 0.2]], [[1.2]], [[np.nan]]):
        with pytest.raises(ParameterError) as error:
            continual.mean_forgetting(bad)
        assert error.value.parameter == "accuracy"


# --- the context gate, schedules and the continual / few-shot studies (issue 28) ---------------------------------

from gatedplasticity.protocols.multilayer import (Contexts, Dataset, contexts, few_shot_schedule, initial_weights,
                                                  reference, sequential_schedule, training)

SIZES = (3, 4, 2)
X = np.array([0.2, 0.9, 0.5])


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def one_sample():
    return Dataset("one", X[None], np.array([1]), X[None], np.array([1]), 2)


def one_update(task_of, fraction, theta, seed=3, step=0.05):
    """Hidden weights after one update of the context-gated plateau rule (decay 0), and the closed form's parts."""
    data = one_sample()
    gate = Contexts(task_of=np.array(task_of), n_contexts=1, fraction=fraction)
    record = training.train(data, SIZES, ["plateau_context"], [seed], 1, backend="runtime", contexts=gate,
                            parameters={"decay": 0.0, "eta_plateau": step, "theta_plateau": theta})
    (w1, w2), (b1,) = initial_weights(SIZES, seed)
    x = np.append(X, 1.0)
    r, y = sigmoid(w1 @ x), sigmoid(w2 @ sigmoid(w1 @ x))
    d = b1 @ (np.array([0.0, 1.0]) - y)
    change = step * np.outer(sigmoid(w1 @ x + d) - r, x)
    return record.forward["plateau_context"][0][1, 0], w1, change, np.abs(d), gate.weights(seed, SIZES[1])[:, 0]


@pytest.mark.parametrize("context_on, drive_on", [(False, True), (True, False), (False, False)])
def test_context_gate_needs_context_and_instructive_drive(context_on, drive_on):
    """No context (the image has none) or no instructive drive (theta above every |d|): the weights do not change."""
    after, before, _, _, _ = one_update([0 if context_on else -1] * 2, 1.0, 0.0 if drive_on else 10.0)
    np.testing.assert_array_equal(after, before)


def test_context_gate_with_both_is_the_closed_form_in_the_neurons_the_context_reaches():
    """Both: dw = eta_plateau (r_dend - r) x exactly where the context weight is 1 and |d| > theta."""
    after, before, change, _, _ = one_update([0, 0], 1.0, 0.0)
    np.testing.assert_allclose(after - before, change, atol=1e-12)
    after, before, change, magnitude, reached = one_update([0, 0], 0.5, 0.0, seed=11)
    assert 0 < reached.sum() < len(reached)  # the projection selects a subset (seed 11)
    np.testing.assert_allclose(after - before, change * reached[:, None], atol=1e-12)
    theta = float(np.median(magnitude))
    after, before, change, magnitude, reached = one_update([0, 0], 0.5, theta, seed=11)
    np.testing.assert_allclose(after - before, change * (reached * (magnitude > theta))[:, None], atol=1e-12)


def test_context_projection_is_seeded_and_has_the_registered_density():
    gate = contexts(digits(), [(0, 1), (2, 3)], fraction=0.2)
    np.testing.assert_array_equal(gate.weights(4, 500), gate.weights(4, 500))
    assert not np.array_equal(gate.weights(4, 500), gate.weights(5, 500))
    assert abs(gate.weights(4, 5000).mean() - 0.2) < 4 * np.sqrt(0.2 * 0.8 / 10000)  # 4 SE
    data = digits()
    assert set(gate.task_of[np.isin(data.labels, [2, 3])]) == {1} and set(gate.task_of[data.labels > 3]) == {-1}
    np.testing.assert_array_equal(gate.one_hot(np.flatnonzero(data.labels == 9)[0]), [0, 0])
    with pytest.raises(ParameterError) as error:
        contexts(digits(), [(0, 1)], fraction=0)
    assert error.value.parameter == "fraction"


def test_a_context_gated_method_without_contexts_is_refused_by_name():
    for call in (lambda: training.train(one_sample(), SIZES, ["plateau_context"], [0], 1, backend="runtime"),
                 lambda: reference.train(one_sample(), SIZES, "backprop_context", 0, 1)):
        with pytest.raises(ParameterError) as error:
            call()
        assert error.value.parameter == "contexts"


def test_sequential_schedule_learns_each_task_once_in_order():
    data, groups = digits(), [(4, 5), (0, 1), (9,)]
    plan = sequential_schedule(data, groups, [0, 1])
    n_test = len(data.test_y)
    assert list(plan.test_starts) == [0, *np.cumsum([n_test + np.isin(data.train_y, g).sum() for g in groups])]
    for task, group in enumerate(groups):
        rows = (plan.epoch == task + 1) & (plan.part == "train")
        for block in range(2):
            np.testing.assert_array_equal(np.sort(plan.order[rows, block]), np.flatnonzero(np.isin(data.train_y, group)))
        assert not np.array_equal(plan.order[rows, 0], plan.order[rows, 1])  # shuffled per seed
    assert plan.learning[plan.part == "train"].all() and not plan.learning[plan.part == "test"].any()
    assert not plan.regular
    np.testing.assert_array_equal(plan.block(1).order[:, 0], plan.order[:, 1])


def test_few_shot_schedule_draws_k_of_each_class_once():
    data = digits()
    plan = few_shot_schedule(data, 5, [0, 1], classes=(5, 6, 7, 8, 9))
    shots = plan.order[plan.part == "train"]
    assert shots.shape == (25, 2)
    for block in range(2):
        assert len(set(shots[:, block])) == 25
        np.testing.assert_array_equal(np.bincount(data.train_y[shots[:, block]], minlength=10), [0] * 5 + [5] * 5)
    with pytest.raises(ParameterError) as error:
        few_shot_schedule(data, 1000, [0])
    assert error.value.parameter == "shots"
    with pytest.raises(ParameterError) as error:
        few_shot_schedule(data, 1, [0], classes=(3, 12))
    assert error.value.parameter == "groups"


def test_accuracy_matrices_and_open_fraction_on_constructed_records():
    """Two tasks (classes 0-1, 2-3), one block, one test image per class; hand-made outputs."""
    labels = np.array([0, 1, 2, 3])
    order = np.array([[0], [1], [2], [3]] * 2)
    epoch, part = np.repeat([1, 2], 4), np.array(["test"] * 8)
    outputs = np.zeros((8, 1, 4))
    outputs[:4, 0] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 9], [0, 0, 0, 9]]  # after task 0: task 1 half right
    outputs[4:, 0] = [[0, 1, 9, 0], [0, 1, 9, 0], [0, 0, 1, 0], [0, 0, 0, 1]]  # after task 1: class-IL says 2
    task_il = continual.accuracy_matrices(outputs, order, epoch, part, labels, [(0, 1), (2, 3)])
    class_il = continual.accuracy_matrices(outputs, order, epoch, part, labels, [(0, 1), (2, 3)], "class")
    np.testing.assert_allclose(task_il[0], [[1, 0.5], [0.5, 1]])
    np.testing.assert_allclose(class_il[0], [[1, 0.5], [0, 1]])
    with pytest.raises(ParameterError) as error:
        continual.accuracy_matrices(outputs, order, epoch, part, labels, [(0, 1)], "domain")
    assert error.value.parameter == "scenario"
    counts = np.cumsum(np.array([[0, 0], [1, 2], [1, 0], [0, 0], [2, 2], [0, 0]], float), 0)[:, None]
    fraction = continual.open_fraction(counts, np.array([0, 1, 1, 1, 2, 2]), np.array(["test"] + ["train"] * 5))
    np.testing.assert_allclose(fraction[:, 0], [(1 + 2 + 1) / (3 * 2), (2 + 2) / (2 * 2)])


def test_context_input_of_backprop_keeps_the_other_weights():
    data = one_sample()
    gate = Contexts(task_of=np.array([0, 0]), n_contexts=2, fraction=0.5)
    ref = reference.train(data, SIZES, "backprop_context", 3, 1, {"eta": 0.0}, contexts=gate)
    plain = initial_weights(SIZES, 3)[0][0]
    first = ref["forward"][0][0]
    assert first.shape == (4, 6)
    np.testing.assert_array_equal(first[:, [0, 1, 2, 5]], plain)
    assert np.all(np.abs(first[:, 3:5]) <= 1 / np.sqrt(6)) and np.all(first[:, 3:5] != 0)


@pytest.mark.slow
def test_continual_study_runs_end_to_end_on_a_tiny_task():
    """Every method of fig4 on three tiny tasks: tables, the gate's open fraction, the plot; few-shot tables too."""
    from gatedplasticity.papers.gatedplasticity2026 import continual as study, fig4, few_shot
    from gatedplasticity.protocols.multilayer import tasks

    data = tasks.xor_clouds(n_train=12, n_test=6, tuning=None)
    values = {m: {"eta": 0.2, "eta_plateau": 0.5} for m in study.ALL_METHODS}
    raw = study.run(data, (2, 6, 2), (0, 1), values, groups=[(0,), (1,)], backend="runtime", fraction=0.5)
    tables = study.tables(raw)
    assert set(tables["summary"]["method"]) == set(study.ALL_METHODS)
    assert len(tables["matrix"]) == len(study.ALL_METHODS) * 2 * 2 * 4  # methods x scenarios x seeds x 2 x 2
    gate = tables["gate"].groupby("method")["open_fraction"]
    assert gate.max()["plateau_ungated"] == 1.0 and gate.max()["plateau_context"] <= 1.0
    assert set(tables["gate"]["method"]) == {"plateau_context", "plateau", "plateau_ungated"}
    result = Result(name="tiny", tables=tables)
    assert len(fig4.compare(result)) == 4 and len(fig4.plot(result).axes) == 6  # 5 panels and the colour bar
    plan = few_shot_schedule(data, 2, (0, 1))
    raw = study.run(data, (2, 6, 2), (0, 1), values, methods=few_shot.METHODS_FEW, groups=[(0, 1)], backend="runtime",
                    plan=plan)
    rows = few_shot.tables(raw, 2, new=(0, 1))
    assert set(rows["method"]) == set(few_shot.METHODS_FEW) and rows["accuracy_10_way_%"].between(0, 100).all()


def summary_of(forgetting, average):
    import pandas as pd

    return pd.DataFrame([{"method": m, "scenario": "task", "forgetting_%": forgetting[m], "average_%": average.get(m, 0)}
                         for m in forgetting])


def test_continual_and_few_shot_comparisons_follow_the_data():
    import pandas as pd

    from gatedplasticity.papers.gatedplasticity2026 import fig4, fig5

    gate = pd.DataFrame({"method": ["plateau_context"] * 2, "task": [0, 1], "open_fraction": [0.2, 0.3]})
    good = Result(name="c", tables={"summary": summary_of({"plateau_context": 1.0, "backprop": 15.0,
                                                           "plateau_ungated": 12.0},
                                                          {"plateau_context": 96.0, "backprop": 95.0}), "gate": gate})
    assert fig4.compare(good)["passed"].all()
    bad = Result(name="c", tables={"summary": summary_of({"plateau_context": 6.0, "backprop": 15.0,
                                                          "plateau_ungated": 12.0},
                                                         {"plateau_context": 94.0, "backprop": 95.0}),
                                   "gate": gate.assign(open_fraction=[0.2, 0.6])})
    assert list(fig4.compare(bad)["passed"]) == [False, False, False, False]
    rows = [{"method": m, "shots": k, "seed": s, "accuracy_%": a, "open_fraction": 0.2}
            for k in (1, 5) for s in (0, 1) for m, a in (("backprop", 40.0), ("plateau_context", 46.0 if k == 1 else 44.0))]
    checks = fig5.compare(Result(name="f", tables={"accuracy": pd.DataFrame(rows)}))
    assert list(checks["passed"]) == [True, True, False, True]
