"""Named random streams: reproducible, and independent across roles and repeats."""

import numpy as np
import pytest

from gatedplasticity import ParameterError, papers, streams, sweep


def draws(seed, role, *index, n=4096):
    return streams.generator(seed, role, *index).integers(0, 2**62, n)


def shared(a, b):
    return np.intersect1d(a, b).size


def test_the_same_seed_and_role_give_the_same_draws():
    np.testing.assert_array_equal(draws(3, "circuit"), draws(3, "circuit"))
    assert streams.integer(3, "chunk", 2) == streams.integer(3, "chunk", 2)


def test_two_roles_of_one_run_share_no_draws():
    # 4096 draws of 62 bits each: a shared value by chance has probability ~1e-11
    assert shared(draws(0, "circuit"), draws(0, "rotation")) == 0
    assert shared(draws(0, "chunk", 0), draws(0, "chunk", 1)) == 0


def test_two_sweep_repeats_share_no_draws_in_any_role():
    points = sweep.points(papers.experiment("stdp-drift"), rows=[{}], repeats=3, seed=5)
    seeds = [point.seed for point in points]
    assert seeds[0] == 5 and len(set(seeds)) == 3
    for role in ("circuit", "rotation", "targets"):
        first, second = (draws(seed, role) for seed in seeds[:2])
        assert shared(first, second) == 0
    # the old scheme (seed + 1) made repeat 1's circuit stream repeat 0's "seed + 1" stream; now it is unrelated
    assert shared(draws(seeds[1], "circuit"), draws(5 + 1, "circuit")) == 0


def test_stream_integers_are_uniform_enough_for_seeding():
    values = np.array([streams.integer(0, "chunk", k) for k in range(2000)])
    assert values.min() >= 0 and values.max() < 2**31 and len(set(values)) == 2000
    assert abs(values.mean() / 2**31 - 0.5) < 4 * np.sqrt(1 / 12 / 2000)  # 4 SE of a uniform mean


@pytest.mark.parametrize("seed", [-1, 1.5, "3", None, True])
def test_bad_seeds_are_named(seed):
    with pytest.raises(ParameterError) as error:
        streams.generator(seed, "circuit")
    assert error.value.parameter == "seed"


def test_a_role_must_be_a_name():
    with pytest.raises(ParameterError) as error:
        streams.integer(0, "")
    assert error.value.parameter == "role"
