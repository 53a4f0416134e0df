"""Metrics and baselines for dendritic logistic regression (Rao et al. 2021).

Rates are in Hz (plain floats); potentials, weights and eta in mV; beta in 1/mV.
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from ..models.dlr import TAU_F, TAU_R
from ..parameters import ParameterError

#: Integral of the PSP kernel exp(-s/tau_r) - exp(-s/tau_f): 8 ms (in s) per input spike.
KERNEL_INTEGRAL = float(TAU_R - TAU_F)


def expected_xbar(rates):
    """Presentation-averaged PSP trace of Poisson inputs at ``rates`` (Hz): rate x 8 ms."""
    return np.asarray(rates, dtype=float) * KERNEL_INTEGRAL


def nll(q, z, eps=1e-12):
    """Mean negative log-likelihood (nats) of labels ``z`` under predictions ``q``."""
    q = np.clip(np.asarray(q, dtype=float), eps, 1 - eps)
    z = np.asarray(z, dtype=float)
    if q.shape[-1] != z.shape[-1]:
        raise ParameterError("z", f"nll: q has {q.shape[-1]} predictions per set but z has {z.shape[-1]} labels")
    return -np.mean(z * np.log(q) + (1 - z) * np.log(1 - q), axis=-1)


def dlr_predictions(weights, features, beta, u0):
    """q = sigmoid(beta (w . xbar - u0)) for weights (..., d) on features (n, d); returns (..., n)."""
    weights, features = np.asarray(weights, dtype=float), np.asarray(features, dtype=float)
    if weights.shape[-1] != features.shape[-1]:
        raise ParameterError("features", f"dlr_predictions: weights have {weights.shape[-1]} inputs, features {features.shape[-1]}")
    return expit(beta * (weights @ features.T - u0))


def fit_logistic_regression(features, z):
    """Exact (maximum-likelihood) logistic regression with intercept.

    Returns (coefficients, intercept, nll in nats) on the fitting data.
    """
    features, z = np.asarray(features, dtype=float), np.asarray(z, dtype=float)
    if len(features) != len(z):
        raise ParameterError("z", f"fit_logistic_regression: {len(features)} patterns but {len(z)} labels")
    scale = features.std(0) + 1e-12
    design = np.column_stack([features / scale, np.ones(len(z))])

    def loss(theta):
        logits = design @ theta
        value = np.mean(np.logaddexp(0, logits) - z * logits)
        return value, design.T @ (expit(logits) - z) / len(z)

    theta = minimize(loss, np.zeros(design.shape[1]), jac=True, method="BFGS", options={"gtol": 1e-10}).x
    coefficients, intercept = theta[:-1] / scale, theta[-1]
    return coefficients, intercept, loss(theta)[0]


def perceptron(patterns, labels, eta0, eta_final, w0, record_every):
    """Perceptron rule w <- w + eta (z - H(w . x)) x (Rao et al. Eq 24), many runs at once.

    patterns: (runs, iterations, d) rates incl. bias; labels: (runs, iterations);
    eta decays harmonically from eta0 to eta_final. Returns (n_records, runs, d)
    weights recorded before iteration 0, record_every, 2 record_every, ...
    """
    runs, iterations, _ = patterns.shape
    w = np.array(w0, dtype=float)
    records = []
    for n in range(iterations):
        if n % record_every == 0:
            records.append(w.copy())
        eta = eta0 / (1 + (eta0 / eta_final - 1) * n / iterations)
        x = patterns[:, n]
        fired = np.einsum("rd,rd->r", w, x) > 0
        w += eta * (labels[:, n] - fired)[:, None] * x
    records.append(w.copy())
    return np.stack(records)


def error_rate(predicted, z):
    """Fraction of wrong 0/1 predictions (last axis: patterns)."""
    return np.mean(np.asarray(predicted) != np.asarray(z), axis=-1)


def branch_interaction(f_total, interaction, alpha, theta, dtheta=1.0):
    """psi(f_total): "saturating" sigmoid(alpha (f - theta)) or "soft_xor" (Rao et al. Eqs 5-6, 9)."""
    if interaction == "saturating":
        return expit(alpha * (f_total - theta))
    if interaction == "soft_xor":
        return expit(alpha * (f_total - theta)) * expit(alpha * (theta + dtheta - f_total))
    raise ParameterError("interaction", f"branch_interaction: unknown interaction {interaction!r}; valid: saturating, soft_xor")


def multi_branch_predictions(weights, features, beta, u0, interaction, alpha, theta, dtheta=1.0):
    """q = psi(sum_b sigmoid(beta (w_b . xbar - u0))) for weights (..., branches, d) on features (n, d): (..., n)."""
    weights, features = np.asarray(weights, dtype=float), np.asarray(features, dtype=float)
    if weights.shape[-1] != features.shape[-1]:
        raise ParameterError("features", f"multi_branch_predictions: weights have {weights.shape[-1]} inputs, features {features.shape[-1]}")
    f_total = expit(beta * (weights @ features.T - u0)).sum(-2)
    return branch_interaction(f_total, interaction, alpha, theta, dtheta)
