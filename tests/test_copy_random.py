"""backends.copy_random: each copy's uniform and normal numbers, their distribution and their independence.

Statistical checks use 1,000,000 draws per copy at fixed seeds; each bound is 4-5 standard errors (or a
Kolmogorov-Smirnov p-value of 1e-4), so a correct generator fails it with a probability below 1e-4.
"""

import numpy as np
import pytest
from brian2 import NeuronGroup, ms
from scipy import stats

from gatedplasticity.backends import Built, Program, copy_random

N = 1_000_000
TAIL = 3.442619855899  # where the C++ ziggurat's tail begins: its own code path


def draws(structure, copies):
    """One step: every element draws one normal and one uniform number from its copy's generator."""
    n, = structure
    group = NeuronGroup(copies * n, "normal : 1\nuniform : 1\ncopy : integer (constant)", name="draws",
                        namespace=dict(copy_random.FUNCTIONS))
    group.copy = copy_random.copy_indices(copies, n)
    step = group.run_regularly("normal = copy_randn(copy)\nuniform = copy_rand(copy)", when="start")
    return Built(objects=[group, step], duration=0.1 * ms, outputs={"normal": group.normal, "uniform": group.uniform},
                 copy_streams=True)


BACKENDS = [pytest.param("standalone", marks=pytest.mark.standalone), "runtime"]


@pytest.fixture(scope="module", params=BACKENDS)
def drawn(request):
    """Two copies under seeds 11, 11 again and 12, and under their own seeds 3 and 4; one copy under 11 and 4."""
    runs = {}
    with Program(draws, (N,), backend=request.param, copies=2) as program:
        runs.update(first=program.run(seed=11), again=program.run(seed=11), other=program.run(seed=12),
                    own=program.run(seed=[3, 4]))
    with Program(draws, (N,), backend=request.param, copies=1) as program:
        runs.update(alone=program.run(seed=11), alone_4=program.run(seed=[4]))
    return request.param, runs


def test_normal_draws_follow_the_standard_normal(drawn):
    _, runs = drawn
    for x in runs["first"]["normal"]:
        assert abs(x.mean()) < 4 / np.sqrt(N) and abs(x.var() - 1) < 4 * np.sqrt(2 / N)
        assert abs(stats.skew(x)) < 4 * np.sqrt(6 / N) and abs(stats.kurtosis(x)) < 5 * np.sqrt(24 / N)
        assert stats.kstest(x, "norm").pvalue > 1e-4
        tail = stats.norm.sf(TAIL) * N  # ~288 draws on each side beyond the ziggurat's base layer
        for side in (x[x > TAIL], -x[x < -TAIL]):
            assert abs(len(side) - tail) < 5 * np.sqrt(tail)
            assert stats.kstest(side, lambda v: 1 - stats.norm.sf(v) / stats.norm.sf(TAIL)).pvalue > 1e-4
        # Equal-probability bins: a chi-square test sees a wrong shape anywhere (wedges included).
        counts = np.bincount(np.minimum((stats.norm.cdf(x) * 1000).astype(int), 999), minlength=1000)
        assert stats.chisquare(counts).pvalue > 1e-4


def test_uniform_draws_are_uniform(drawn):
    _, runs = drawn
    for u in runs["first"]["uniform"]:
        assert u.min() >= 0 and u.max() < 1 and stats.kstest(u, "uniform").pvalue > 1e-4


def test_copies_and_seeds_are_independent_and_reproducible(drawn):
    backend, runs = drawn
    bound = 4 / np.sqrt(N)
    for name in ("normal", "uniform"):
        first = runs["first"][name]
        assert abs(np.corrcoef(first[0], first[1])[0, 1]) < bound, (backend, name, "copies")
        assert abs(np.corrcoef(first[0], runs["other"][name][0])[0, 1]) < bound, (backend, name, "seeds")
        assert np.array_equal(first, runs["again"][name])
        # One seed: copy k draws its ("copy", k) stream, so copy 0 equals a one-copy program under that seed;
        # one seed per copy: copy k equals a one-copy program under its own seed.
        assert np.array_equal(first[0], runs["alone"][name][0])
        assert np.array_equal(runs["own"][name][1], runs["alone_4"][name][0])
