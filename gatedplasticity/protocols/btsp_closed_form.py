"""BTSP on recorded inductions without a network run: the weights after, for many candidates at once.

ET (inputs along the path) and IS (the cell's recorded plateaus) are linear
filters of known inputs, so they are computed once per
:class:`~.inductions.InductionSetup` on the same 10-ms grid, with the same
exact updates and the same order of events as the compiled network of
``inductions.build``; only the sigmoids q+ and q-, the rates and (when
fitted) tau_IS depend on a candidate, and only the steps while a plateau's
gate is open contribute. Then, with lap integration (``rules.btsp``), a
weight is held for a lap and changes once, at the lap's end, by

    dw = k+ (1 - w) P - k- w M,   P = sum dt gate q+(ET IS),   M = sum dt gate q-(ET IS),

the sums over the lap's steps; with continuous integration the network's
Euler step w <- w (1 - dt (k+ q+ + k- q-)) + dt k+ q+ is a linear recurrence,
solved in blocks of steps by cumulative products. :class:`ClosedForm`
returns the same (candidate x induction x input) weights as
``inductions.simulate`` (tested to 1e-9 for both integrations), 10-100x
faster for a population of candidates (``benchmarks/btsp_fit.py``).

Normalisation (``InductionSetup.normalisation``): ``"reference"`` (the
network's): ET by its steady-running peak at the reference speed, IS to
peak 1 after a 300-ms plateau; ``"pooled"``: both by their largest values
over all inductions of the setup (as Milstein et al. 2021 normalise over
their data set) [R: their code pools the maxima over the cells fitted
together; here: over the setup's inductions]. Pooled normalisation exists
in this closed form only.
"""

from dataclasses import replace

import numpy as np
from brian2 import cm, second
from scipy.signal import lfilter

from ..models.btsp import FIELD_SD, scheduled_plateau_cell
from ..parameters import ParameterError
from ..rules import btsp
from .inductions import OWNER, input_centers, sample_path
from .track import DT, eligibility_max

#: Candidates evaluated together (bounds the memory: candidates x gated steps x inputs doubles; 2 is fastest here).
CHUNK = 2
#: Steps per block of the continuous recurrence (the product of a block's factors stays far from underflow).
BLOCK = 32


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


def eligibility(induction, setup):
    """(raw ET per step x input, before normalisation; lap index per step) of one induction on ``setup``'s grid."""
    dt_s, length_cm = float(DT / second), float(setup.length / cm)
    positions, laps = sample_path(induction.path, setup.steps, length_cm, dt_s)
    distance = np.abs(positions[:, None] - input_centers(setup.n_inputs, setup.length)[None, :])
    distance = np.where(distance > length_cm / 2, length_cm - distance, distance)
    rate = np.exp(-(distance / float(FIELD_SD / cm)) ** 2)
    decay = np.exp(-dt_s / float(setup.tau_et / second))
    return lfilter([0.0, 1 - decay], [1.0, -decay], rate, axis=0), laps  # values at the start of each step


class ClosedForm:
    """The rule of ``setup`` (an ``inductions.InductionSetup``) on its inductions, without a network run.

    ``pooled_over``: with pooled normalisation, the inductions whose largest ET and IS normalise (default: the
    setup's own; to predict cells left out of a fit, the fitted cells)."""

    def __init__(self, setup, gate_duration=btsp.GATE_DURATION, pooled_over=None):
        if setup.record_every is not None:
            raise ParameterError("record_every", f"{OWNER}: the closed form gives the weights after only")
        self.setup, self.continuous = setup, setup.integration == "continuous"
        self.dt_s, self.parts, traces = float(DT / second), [], []
        gate_s = float(gate_duration / second)
        for induction in setup.inductions:
            trace, laps = eligibility(induction, setup)
            traces.append(trace)
            active, gate = plateau_steps(induction, setup.steps, self.dt_s, gate_s)
            window, n_windows = lap_windows(laps)
            # lap integration: increments after the last lap change are never applied
            open_steps = np.flatnonzero(gate if self.continuous else gate & (window < n_windows))
            starts = np.flatnonzero(np.diff(window[open_steps], prepend=-1))
            self.parts.append({"active": active.astype(float), "steps": open_steps, "window_starts": starts,
                               "window_steps": np.diff(np.append(starts, len(open_steps))),
                               "initial": np.asarray(induction.initial_weights, float)})
        self.pool = None  # with pooled normalisation: the plateaus of other inductions (None: its own)
        if setup.normalisation == "pooled" and pooled_over is None:
            et_max = max(trace.max() for trace in traces)
        elif setup.normalisation == "pooled":
            pool = replace(setup, inductions=tuple(pooled_over), fitted=())
            et_max = max(eligibility(induction, pool)[0].max() for induction in pool.inductions)
            self.pool = [plateau_steps(i, pool.steps, self.dt_s, gate_s)[0].astype(float) for i in pool.inductions]
        else:
            et_max = eligibility_max(setup.reference_speed, FIELD_SD, setup.tau_et, setup.length, DT)
        for part, trace in zip(self.parts, traces):
            part["eligibility"] = trace[part["steps"]] / et_max

    def instructive(self, tau_is):
        """IS at the open steps of every induction (candidate x open step each) for each tau_IS (s):
        tau_IS dIS/dt = active / norm - IS, norm = 1 - exp(-d_ref / tau_IS) or the pooled maximum."""
        reference = float(scheduled_plateau_cell().defaults["plateau_duration"] / second)
        decay = np.exp(-self.dt_s / tau_is)
        filtered = lambda active: np.stack([lfilter([0.0, 1 - d], [1.0, -d], active) for d in decay])
        raw = [filtered(part["active"]) for part in self.parts]
        if self.setup.normalisation == "pooled":
            pooled = raw if self.pool is None else [filtered(active) for active in self.pool]
            norm = np.max([trace.max(axis=1) for trace in pooled], axis=0)
        else:
            norm = 1 - np.exp(-reference / tau_is)
        return [trace[:, part["steps"]] / norm[:, None] for trace, part in zip(raw, self.parts)]

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
            instructive = self.instructive(chunk["tau_IS"])
            for k, part in enumerate(self.parts):
                weights = np.tile(part["initial"], (len(chunk["k_plus"]), 1))
                if len(part["steps"]):
                    step = self._continuous if self.continuous else self._laps
                    weights = step(part, instructive[k], chunk, weights)
                result[start:start + CHUNK, k] = weights
        return result

    def _half_tanh(self, part, instructive, chunk, sign, out):
        """tanh((ET IS - th) / h) at every open step (candidate x step x input), and y(0), y(1) per candidate:
        the logistic y(s) = 1 / (1 + exp(-2 (s - th) / h)) = (1 + tanh((s - th) / h)) / 2."""
        width, threshold = chunk[f"h_{sign}"][:, None, None], chunk[f"th_{sign}"][:, None, None]
        np.multiply(part["eligibility"][None], instructive[:, :, None] / width, out=out)
        out -= threshold / width
        np.tanh(out, out=out)
        ends = [(1 + np.tanh((end - threshold) / width)) / 2 for end in (0.0, 1.0)]
        return out, ends

    def _laps(self, part, instructive, chunk, weights):
        """Lap integration: q is affine in the logistic, so sum tanh over each lap's open steps, then normalise."""
        scratch, sums = np.empty((len(instructive), *part["eligibility"].shape)), {}
        counts = part["window_steps"][None, :, None]
        for sign in ("plus", "minus"):
            half_tanh, (y0, y1) = self._half_tanh(part, instructive, chunk, sign, scratch)
            summed = (counts + np.add.reduceat(half_tanh, part["window_starts"], axis=1)) / 2
            sums[sign] = (summed - counts * y0) / (y1 - y0) * self.dt_s  # candidate x window x input
        k_plus, k_minus = chunk["k_plus"][:, None], chunk["k_minus"][:, None]
        for j in range(sums["plus"].shape[1]):
            change = k_plus * (1 - weights) * sums["plus"][:, j] - k_minus * weights * sums["minus"][:, j]
            weights = np.clip(weights + change, 0.0, 1.0)
        return weights

    def _continuous(self, part, instructive, chunk, weights):
        """Continuous integration: w_{n+1} = f_n w_n + a_n over the open steps, in blocks of ``BLOCK`` steps:
        a block maps w to F w + c (F the product of its f, c = sum a_m x the product of the later f)."""
        q = {}
        for sign in ("plus", "minus"):
            half_tanh, (y0, y1) = self._half_tanh(part, instructive, chunk, sign,
                                                  np.empty((len(instructive), *part["eligibility"].shape)))
            q[sign] = ((1 + half_tanh) / 2 - y0) / (y1 - y0)
        a = self.dt_s * chunk["k_plus"][:, None, None] * q["plus"]
        factor = 1 - a - self.dt_s * chunk["k_minus"][:, None, None] * q["minus"]
        steps = a.shape[1]
        padding = ((0, 0), (0, -steps % BLOCK), (0, 0))
        a, factor = np.pad(a, padding), np.pad(factor, padding, constant_values=1.0)
        shape = (a.shape[0], -1, BLOCK, a.shape[2])
        a, factor = a.reshape(shape), factor.reshape(shape)
        later = np.cumprod(factor[:, :, ::-1], axis=2)[:, :, ::-1]  # product of f_m ... f_end within the block
        block_factor = later[:, :, 0]
        offset = (a[:, :, :-1] * later[:, :, 1:]).sum(axis=2) + a[:, :, -1]
        for j in range(block_factor.shape[1]):
            weights = block_factor[:, j] * weights + offset[:, j]
        return weights
