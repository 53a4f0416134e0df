"""Pair STDP of the two-layer linear rate model (Burbank & Kreiman 2012, Results and Text S1).

During a presentation the activity alternates L_1 = s, H_2 = Q L_1, L_3 = W H_2, ...
(``models.linear.propagate``); W changes once per presentation from adjacent
pairs of time points:

    pre before post (H_t then L_{t+1}): "causal"   C = sum L_{t+1} H_t^T
    post before pre (L_t then H_{t+1}): "acausal"  A = sum L_t H_{t+1}^T
    cSTDP: dW = mu (C - alpha A)        rSTDP: dW = mu (A - alpha C)

[R: Eq A22 was not recovered; this is the pair form.] Fixed points:
W* = alpha Q^-1 (cSTDP) and W* = Q^-1 / alpha (rSTDP).
"""

import numpy as np

from ..models.linear import propagate
from ..parameters import ParameterError
from .stdp import VARIANTS


def check_rule(rule):
    if rule not in VARIANTS:
        raise ParameterError("rule", f"unknown rule {rule!r}; choose one of {', '.join(VARIANTS)}")
    return rule


def pair_sums(sequence):
    """(causal C, acausal A) outer-product sums of adjacent time points (lower x higher)."""
    n_lower, n_higher = len(sequence[0]), len(sequence[1])
    causal, acausal = np.zeros((n_lower, n_higher)), np.zeros((n_lower, n_higher))
    for t in range(len(sequence) - 1):
        if t % 2 == 0:  # L_t then H_{t+1}: post before pre
            acausal += np.outer(sequence[t], sequence[t + 1])
        else:  # H_t then L_{t+1}: pre before post
            causal += np.outer(sequence[t + 1], sequence[t])
    return causal, acausal


def stdp_update(w, q, s, rule, alpha, mu, steps=3):
    """dW of one presentation of input s."""
    check_rule(rule)
    causal, acausal = pair_sums(propagate(w, q, s, steps))
    return mu * (causal - alpha * acausal) if rule == "classical" else mu * (acausal - alpha * causal)


def fixed_point(q, rule, alpha):
    """W* = alpha Q^-1 (classical) or Q^-1 / alpha (reverse)."""
    check_rule(rule)
    inverse = np.linalg.inv(q)
    return alpha * inverse if rule == "classical" else inverse / alpha
