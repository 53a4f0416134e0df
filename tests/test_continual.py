"""Continual-learning building blocks: tasks from groups of classes, and forgetting on constructed accuracy matrices."""

import numpy as np
import pytest

from gatedplasticity.analysis import continual
from gatedplasticity.parameters import ParameterError
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
