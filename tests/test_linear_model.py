"""Linear two-layer model of Burbank & Kreiman 2012: updates, fixed points, Q recipe, classification."""

import numpy as np
import pytest

from gatedplasticity.analysis.convergence import WINDOW, classify_linear
from gatedplasticity.models import linear
from gatedplasticity.parameters import ParameterError
from gatedplasticity.protocols.linear import train
from gatedplasticity.rules import rate_stdp


@pytest.fixture
def q():
    return linear.q_matrix(6, 0.5, seed=3)


@pytest.mark.parametrize("rule, factor", [("reverse", lambda wq, a: np.eye(6) - a * wq),
                                          ("classical", lambda wq, a: wq - a * np.eye(6))])
def test_three_step_update_matches_its_closed_form(q, rule, factor):
    """L1 = s, H2 = Q s, L3 = W Q s: rSTDP dW = mu (I - a WQ) s s^T Q^T, cSTDP dW = mu (WQ - a I) s s^T Q^T."""
    rng = np.random.default_rng(0)
    w, s = rng.normal(0, 0.1, (6, 6)), rng.uniform(0, 1, 6)
    expected = 0.01 * factor(w @ q, 1.5) @ np.outer(s, s) @ q.T
    np.testing.assert_allclose(rate_stdp.stdp_update(w, q, s, rule, 1.5, 0.01), expected, atol=1e-14)


@pytest.mark.parametrize("rule, eigenvalue", [("reverse", 1 / 1.5), ("classical", 1.5)])
def test_fixed_point_is_a_fixed_point_with_the_predicted_eigenvalues(q, rule, eigenvalue):
    w_star = rate_stdp.fixed_point(q, rule, 1.5)
    for s in np.random.default_rng(1).uniform(0, 1, (5, 6)):
        np.testing.assert_allclose(rate_stdp.stdp_update(w_star, q, s, rule, 1.5, 0.01, steps=5), 0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.eigvals(w_star @ q), eigenvalue)


def test_q_recipe_gives_equal_column_means_peak_5_and_an_invertible_matrix():
    q = linear.q_matrix(20, 0.1, seed=4, smooth=True)
    assert q.max() == pytest.approx(5.0)
    np.testing.assert_allclose(q.mean(axis=0), q.mean(axis=0)[0])
    assert np.linalg.cond(q) < 100
    assert not np.allclose(q, linear.q_matrix(20, 0.1, seed=5, smooth=True))


def test_depression_biased_rstdp_recovers_the_fixed_point_and_others_grow_strong_loops(q):
    history, _, outcome = train(q, "reverse", 3.0, 2e-3, 20_000, seed=6)  # 5e-3 overshoots into a strong loop
    assert outcome == "converged"
    assert history["corr_fixed_point"].iloc[-1] > 0.999
    assert history["max_eig"].iloc[-1] == pytest.approx(1 / 3, abs=1e-6)
    for rule, alpha in (("classical", 3.0), ("reverse", 1 / 3)):
        assert train(q, rule, alpha, 2e-3, 20_000, seed=6)[2] == "extreme weights"


def history(std, dw, eig=0.5, presentations=2 * WINDOW):
    return [(k + 1, std(k), dw(k), eig, 0.0) for k in range(presentations)]


def test_each_classification_branch_is_reached():
    assert classify_linear(history(lambda k: 1.0, lambda k: 1.0, eig=1.2), initial_std=1.0) == "extreme weights"
    assert classify_linear(history(lambda k: 0.05, lambda k: 1.0), initial_std=1.0) == "weights too similar"
    assert classify_linear(history(lambda k: 1.0, lambda k: 1e-6 if k >= WINDOW else 1.0), initial_std=1.0) == "converged"
    assert classify_linear(history(lambda k: 1.0 + 0.01 * k, lambda k: 1e-6), initial_std=1.0) is None  # std still moving
    assert classify_linear(history(lambda k: 1.0, lambda k: 0.5), initial_std=1.0) is None  # still learning
    assert classify_linear(history(lambda k: 1.0, lambda k: 1e-6, presentations=WINDOW), initial_std=1.0) is None


def test_bad_inputs_name_the_parameter(q):
    cases = [("rule", lambda: rate_stdp.stdp_update(np.zeros((6, 6)), q, np.ones(6), "hebbian", 1.2, 0.01)),
             ("rule", lambda: rate_stdp.fixed_point(q, "hebbian", 1.2)),
             ("eps", lambda: linear.q_matrix(5, -0.1, seed=0)),
             ("n", lambda: linear.q_matrix(2.5, 0.1, seed=0)),
             ("presentations", lambda: train(q, "reverse", 3.0, 0.01, 0, seed=0)),
             ("seed", lambda: train(q, "reverse", 3.0, 0.01, 10, seed=None))]
    for parameter, call in cases:
        with pytest.raises(ParameterError) as error:
            call()
        assert error.value.parameter == parameter


def test_each_integrate_and_fire_classification_branch_is_reached():
    from gatedplasticity.analysis.convergence import classify_network

    rng = np.random.default_rng(0)
    diverse = rng.normal(0, 2.0, (10, 10))
    stable = {n: diverse for n in (0, 3000, 6000)}
    assert classify_network(stable, w_bound=50) == "converged"
    assert classify_network({n: 0.1 * diverse for n in (0, 3000, 6000)}, w_bound=50) == "weights too similar"
    extreme = np.where(rng.uniform(size=(10, 10)) < 0.6, 49.95, diverse)
    assert classify_network({6000: extreme}, w_bound=50) == "extreme weights"
    moving = {0: diverse, 3000: rng.normal(0, 2.0, (10, 10)), 6000: rng.normal(0, 2.0, (10, 10))}
    assert classify_network(moving, w_bound=50) is None  # decorrelated: still learning
    growing = {0: diverse, 3000: diverse, 6000: 1.01 * diverse}
    assert classify_network(growing, w_bound=50) is None  # correlated but std still changing by 1%
    assert classify_network({625_000: rng.normal(0, 2.0, (10, 10))}, w_bound=50) == "did not converge"
    assert classify_network({6000: diverse}, w_bound=50) is None  # not enough history yet
