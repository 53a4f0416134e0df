"""Classification of top-down weight learning (Burbank & Kreiman 2012).

``classify_network`` holds the integrate-and-fire network's rules (see its
docstring); ``classify_linear`` the linear model's.

Linear model [P rules, R details]: after each presentation,

- any eigenvalue of WQ with modulus > 1 -> "extreme weights" (strong loops);
- std(W) < 10% of its initial value -> "weights too similar";
- over the last WINDOW presentations the slope of std(W) is below 0.1% of
  its mean and mean |dW| is below 0.1% of its value in the first WINDOW
  presentations -> "converged" [R: the paper asks both curves to be flat
  (slopes < 0.1% of their means); mean |dW| decays geometrically toward a
  fixed point, so its flatness is read relative to its start];
- otherwise None (not classified yet; "did not converge" at the end).
"""

import numpy as np

from ..parameters import ParameterError

WINDOW = 50
FLAT = 1e-3
TOO_SIMILAR = 0.1


def classify_linear(rows, initial_std):
    """Verdict for a history of (presentation, std_w, mean_abs_dw, max_eig, ...) rows, or None."""
    if len(rows) == 0:
        raise ParameterError("rows", "classify_linear: the history has no rows to classify")
    _, std_w, _, max_eig, *_ = rows[-1]
    if not np.isfinite(max_eig) or max_eig > 1:
        return "extreme weights"
    if std_w < TOO_SIMILAR * initial_std:
        return "weights too similar"
    if len(rows) < 2 * WINDOW:
        return None
    recent = np.array([row[:3] for row in rows[-WINDOW:]])
    first_dw = np.mean([row[2] for row in rows[:WINDOW]])
    slope = np.polyfit(recent[:, 0], recent[:, 1], 1)[0]
    if abs(slope) < FLAT * recent[:, 1].mean() and recent[:, 2].mean() < FLAT * first_dw:
        return "converged"
    return None


#: Integrate-and-fire network rules [P]: lags in presentations and thresholds.
NETWORK_EXTREME_FRACTION = 0.5
NETWORK_EXTREME_MARGIN = 0.1
NETWORK_CORRELATION_LAG = 3000
NETWORK_STD_LAG = 6000
NETWORK_CORRELATION = 0.99
NETWORK_STD_CHANGE = 1e-3
NETWORK_STD_SLOPE = 1e-5  # Fig 3 caption: |std(N) - std(N - 6000)| / 6000 per presentation
STD_CRITERIA = ("relative", "absolute")
#: Lags (presentations) of the stability diagnostics corr(W(N), W(N - lag)).
NETWORK_DIAGNOSTIC_LAGS = (1500, 3000, 6000, 12_000)
NETWORK_TOO_SIMILAR_STD = 0.3
NETWORK_MAX_PRESENTATIONS = 625_000


def std_stable(std_now, std_then, criterion="relative"):
    """Whether std(W) stopped changing over NETWORK_STD_LAG presentations.

    "relative" (Methods): |change| <= 0.1% of the earlier value; "absolute"
    (Fig 3 caption): |change| / NETWORK_STD_LAG < 1e-5 per presentation.
    """
    if criterion == "relative":
        return abs(std_now - std_then) <= NETWORK_STD_CHANGE * std_then
    if criterion == "absolute":
        return abs(std_now - std_then) / NETWORK_STD_LAG < NETWORK_STD_SLOPE
    raise ValueError(f"unknown std criterion {criterion!r}; choose one of {', '.join(STD_CRITERIA)}")


def classify_network(snapshots, w_bound, std_criterion="relative"):
    """Verdict for top-down weights of the integrate-and-fire network, or None (not classified yet).

    ``snapshots``: {presentation: W}, including the presentations NETWORK_CORRELATION_LAG
    and NETWORK_STD_LAG before the latest. Rules (Burbank & Kreiman 2012, Methods):
    more than half of the weights within 0.1 of a bound (+-w_bound) -> "extreme
    weights"; corr(W(N), W(N - 3000)) > 0.99 and std(W) stable over 6000
    presentations (:func:`std_stable`, ``std_criterion``) -> stabilised, then
    std < 0.3 -> "weights too similar", else "converged"; 625,000
    presentations without either -> "did not converge".
    """
    if not snapshots:
        raise ParameterError("snapshots", "classify_network: no weight snapshots to classify")
    latest = max(snapshots)
    w = np.asarray(snapshots[latest], float)
    if np.mean(np.abs(w) > w_bound - NETWORK_EXTREME_MARGIN) > NETWORK_EXTREME_FRACTION:
        return "extreme weights"
    earlier, oldest = latest - NETWORK_CORRELATION_LAG, latest - NETWORK_STD_LAG
    if earlier in snapshots and oldest in snapshots:
        previous = np.asarray(snapshots[earlier])
        correlation = 1.0 if np.array_equal(w, previous) else safe_correlation(w.ravel(), previous.ravel())
        std_then = np.std(snapshots[oldest])
        if correlation > NETWORK_CORRELATION and std_stable(w.std(), std_then, std_criterion):
            return "weights too similar" if w.std() < NETWORK_TOO_SIMILAR_STD else "converged"
    if latest >= NETWORK_MAX_PRESENTATIONS:
        return "did not converge"
    return None


#: Verdicts of the integrate-and-fire classifier, in the order of the paper's bar plots.
OUTCOMES = ("converged", "weights too similar", "extreme weights", "did not converge")


def rule_type(rule, alpha):
    """The paper's label: "dep-" (alpha > 1) or "pot-" (alpha < 1) + "rSTDP" / "cSTDP"."""
    return f"{'dep' if alpha > 1 else 'pot'}-{'r' if rule == 'reverse' else 'c'}STDP"


def agreement(weights):
    """Per run of one point: the mean correlation of its weights with each other run's (NaN for a lone run).

    Runs from independent initial conditions that settle around one fixed point W*, each with
    independent fluctuations of variance s^2 per weight, agree at var(W*) / (var(W*) + s^2): the share
    of the weights' variance that the fixed point holds. Runs without a common fixed point agree at ~0.
    """
    flat = [np.asarray(w, float).ravel() for w in weights]
    if len({w.size for w in flat}) > 1:
        raise ParameterError("weights", f"agreement: the runs' weights differ in size ({sorted({w.size for w in flat})})")
    return np.array([np.mean([safe_correlation(w, other) for j, other in enumerate(flat) if j != i])
                     if len(flat) > 1 else np.nan for i, w in enumerate(flat)])


def safe_correlation(a, b):
    """Pearson correlation, NaN where either vector is constant."""
    if np.std(a) == 0 or np.std(b) == 0:
        return np.nan
    return float(np.corrcoef(a, b)[0, 1])
