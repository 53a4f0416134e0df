"""Input strengths of the two-layer network: one correlated vector per presentation.

Burbank & Kreiman 2012 ask only that the strengths' average cross-correlation
equal a matrix C. :func:`correlation_matrix` draws a random C of low rank,
:func:`input_strengths` draws strengths with uniform (0, 1) marginals and
that correlation through a Gaussian copula.
"""

import numpy as np
from scipy.stats import norm


def correlation_matrix(n, seed, rank=10):
    """A random input cross-correlation matrix C (n x n): C = corr(B B^T), B ~ N(0, 1) of shape n x rank."""
    factors = np.random.default_rng(seed).standard_normal((n, rank))
    covariance = factors @ factors.T + 1e-6 * np.eye(n)
    scale = np.sqrt(np.diag(covariance))
    return covariance / np.outer(scale, scale)


def input_strengths(c, presentations, rng):
    """One strength vector per presentation (rows), uniform marginals in (0, 1), cross-correlated by C.

    Gaussian copula: z ~ N(0, C), strength = Phi(z); ``rng`` a NumPy Generator.
    """
    z = rng.standard_normal((presentations, len(c))) @ np.linalg.cholesky(c).T
    return norm.cdf(z)
