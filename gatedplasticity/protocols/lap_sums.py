"""Lap-integrated BTSP on recorded inductions in closed form: the weights after, without a network run.

With lap integration (``rules.btsp``, ``integration="lap"``) a weight is held
for a lap and changes once, at the lap's end, by

    dw = k+ (1 - w) P - k- w M,   P = sum dt gate q+(ET IS),   M = sum dt gate q-(ET IS),

the sums over the lap's time steps. ET (inputs along the path) and IS (the
cell's recorded plateaus) are linear filters of known inputs, so they are
computed once per :class:`~.inductions.InductionSetup` on the same 10-ms
grid, with the same exact updates and the same order of events as the
compiled network of ``inductions.build``; only the sigmoids q+ and q-, the
rates and (when fitted) tau_IS depend on a candidate, and only the steps
while a plateau's gate is open contribute. :class:`LapSums` returns the same
(candidate x induction x input) weights as ``inductions.simulate`` (tested
to 1e-9), typically 10-100x faster for a population of candidates
(``benchmarks/btsp_fit.py``). Continuous integration has no such closed
form: it stays with the compiled network.
"""

import numpy as np
from brian2 import cm, second
from scipy.signal import lfilter

from ..models.btsp import FIELD_SD, scheduled_plateau_cell
from ..parameters import ParameterError
from ..rules import btsp
from .inductions import OWNER, input_centers, sample_path
from .track import DT, eligibility_max

#: Candidates evaluated together (bounds the memory: candidates x gated steps x inputs doubles).
CHUNK = 2


def plateau_steps(induction, steps, dt_s, gate_s):
    """(active, gate) booleans per step of one induction's cell: plateau on (``t < plateau_end``) and the
    rule's gate open (``t < gate_open_until``), both set at a plateau event and seen from the next step on.
    A recorded plateau starts only after the previous one has ended (the cell's event condition)."""
    t = np.arange(steps) * dt_s
    active, gate, plateau_end = np.zeros(steps, bool), np.zeros(steps, bool), 0.0
    onsets = np.round(induction.plateaus["onset_s"].to_numpy(float) / dt_s).astype(int)
    for onset, duration in zip(onsets, induction.plateaus["duration_ms"].to_numpy(float) / 1000):
        if t[onset] < plateau_end:
            continue
        plateau_end = t[onset] + duration
        later = slice(onset + 1, None)
        active[later] |= t[later] < plateau_end
        gate[later] |= t[later] < t[onset] + gate_s
    return active, gate


def lap_windows(laps):
    """Per step, the index of the lap change that applies its increment: a change at step b (the lap number
    rises) applies the increments of every step up to and including b."""
    changes = np.flatnonzero(np.diff(laps, prepend=0.0) > 0)
    return np.searchsorted(changes, np.arange(len(laps))), len(changes)


class LapSums:
    """The lap-integrated rule of ``setup`` (an ``inductions.InductionSetup``) in closed form."""

    def __init__(self, setup, gate_duration=btsp.GATE_DURATION):
        if setup.integration != "lap":
            raise ParameterError("integration", f"{OWNER}: the closed form holds for lap integration only, "
                                                f"not {setup.integration!r}")
        if setup.record_every is not None:
            raise ParameterError("record_every", f"{OWNER}: the closed form gives the weights after only")
        self.setup = setup
        dt_s, steps, length_cm = float(DT / second), setup.steps, float(setup.length / cm)
        et_max = eligibility_max(setup.reference_speed, FIELD_SD, setup.tau_et, setup.length, DT)
        decay = np.exp(-dt_s / float(setup.tau_et / second))
        centers = input_centers(setup.n_inputs, setup.length)
        self.dt_s, self.parts = dt_s, []
        for induction in setup.inductions:
            positions, laps = sample_path(induction.path, steps, length_cm, dt_s)
            distance = np.abs(positions[:, None] - centers[None, :])
            distance = np.where(distance > length_cm / 2, length_cm - distance, distance)
            rate = np.exp(-(distance / float(FIELD_SD / cm)) ** 2) / et_max
            eligibility = lfilter([0.0, 1 - decay], [1.0, -decay], rate, axis=0)  # value at the start of each step
            active, gate = plateau_steps(induction, steps, dt_s, float(gate_duration / second))
            window, n_windows = lap_windows(laps)
            open_steps = np.flatnonzero(gate & (window < n_windows))  # after the last lap change: never applied
            starts = np.flatnonzero(np.diff(window[open_steps], prepend=-1))
            self.parts.append({"active": active.astype(float), "steps": open_steps,
                               "eligibility": eligibility[open_steps], "window_starts": starts,
                               "window_steps": np.diff(np.append(starts, len(open_steps))),
                               "initial": np.asarray(induction.initial_weights, float)})

    def instructive(self, active, tau_is):
        """IS per step (rows) for each tau_IS (columns, s): tau_IS dIS/dt = active / (1 - exp(-d_ref / tau_IS)) - IS."""
        reference = float(scheduled_plateau_cell().defaults["plateau_duration"] / second)
        tau_is = np.atleast_1d(tau_is)
        decay = np.exp(-self.dt_s / tau_is)
        return np.column_stack([lfilter([0.0, 1 - d], [1.0, -d], active) / (1 - np.exp(-reference / tau))
                                for d, tau in zip(decay, tau_is)])

    def weights(self, values=None, candidates=1):
        """Weights after every induction (candidate x induction x input), ``values`` {fitted name: one value per
        candidate} as for ``inductions.simulate``; other parameters published."""
        values = dict(values or {})
        unknown = set(values) - set(btsp.FITTABLE)
        if unknown:
            raise ParameterError(sorted(unknown)[0], f"{OWNER}: not a fittable BTSP parameter")
        columns = {name: np.broadcast_to(np.asarray(values.get(name, btsp.PUBLISHED[name]), float), (candidates,))
                   for name in btsp.FITTABLE}
        result = np.empty((candidates, len(self.parts), self.setup.n_inputs))
        for start in range(0, candidates, CHUNK):
            chunk = {name: column[start:start + CHUNK] for name, column in columns.items()}
            for k, part in enumerate(self.parts):
                result[start:start + CHUNK, k] = self._induction(part, chunk)
        return result

    def _induction(self, part, chunk):
        weights = np.tile(part["initial"], (len(chunk["k_plus"]), 1))
        if len(part["steps"]) == 0:
            return weights
        instructive = self.instructive(part["active"], chunk["tau_IS"])[part["steps"]].T  # candidate x open step
        size, (steps, inputs) = len(instructive), part["eligibility"].shape
        half_tanh, sums = np.empty((size, steps, inputs)), {}
        for sign in ("plus", "minus"):
            # q = (y(s) - y(0)) / (y(1) - y(0)) is affine in the logistic y(s) = (1 + tanh((s - th) / h)) / 2
            # (y(x) = 1 / (1 + exp(-2 (x - th) / h))), s = ET IS: sum tanh over the lap's open steps, then normalise
            width = chunk[f"h_{sign}"][:, None, None]
            threshold = chunk[f"th_{sign}"][:, None, None]
            np.multiply(part["eligibility"][None], instructive[:, :, None] / width, out=half_tanh)
            half_tanh -= threshold / width
            np.tanh(half_tanh, out=half_tanh)
            y0, y1 = ((1 + np.tanh((end - threshold[:, :, 0]) / width[:, :, 0])) / 2 for end in (0.0, 1.0))
            summed = (part["window_steps"][None, :, None] + np.add.reduceat(half_tanh, part["window_starts"], axis=1)) / 2
            sums[sign] = (summed - part["window_steps"][None, :, None] * y0[:, :, None]) / (y1 - y0)[:, :, None] * self.dt_s
        k_plus, k_minus = chunk["k_plus"][:, None], chunk["k_minus"][:, None]
        for j in range(sums["plus"].shape[1]):
            change = k_plus * (1 - weights) * sums["plus"][:, j] - k_minus * weights * sums["minus"][:, j]
            weights = np.clip(weights + change, 0.0, 1.0)
        return weights
