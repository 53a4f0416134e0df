"""Classification of top-down weight learning (Burbank & Kreiman 2012).

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

WINDOW = 50
FLAT = 1e-3
TOO_SIMILAR = 0.1


def classify_linear(rows, initial_std):
    """Verdict for a history of (presentation, std_w, mean_abs_dw, max_eig, ...) rows, or None."""
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
