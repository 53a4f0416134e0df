"""Training the two-layer network until its weights are classified, resumable from a checkpoint.

After each chunk the top-down weights are classified
(``analysis.convergence.classify_network``) and training stops at the verdict
(checked every ``chunk`` presentations; the lags 3,000 and 6,000 are
multiples of the default 1,500). With ``checkpoint=`` the state after each
chunk is written atomically and an interrupted run resumes there.

Random streams (``streams``): initial weights ``"initial weights"``, input
strengths ``"inputs"``, and the Brian2 seed of chunk k ``("chunk", k)``.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import second
from tqdm import tqdm

from ... import streams
from ...analysis.convergence import (NETWORK_CORRELATION_LAG, NETWORK_DIAGNOSTIC_LAGS, NETWORK_EXTREME_MARGIN,
                                     NETWORK_MAX_PRESENTATIONS, NETWORK_STD_LAG, classify_network, safe_correlation)
from ...rules.stdp import applied
from ...analysis.loop_gain import fixed_point_direction
from ...parameters import ParameterError
from ...results import atomic_write
from ...weights import all_to_all, arrange
from ..validation import positive_int
from .inputs import input_strengths
from .runner import population_counts, program as network_program, run_chunk
from .structure import DT, OWNER, PRESENTATION, Parameters, Structure
from .trials import pairs_per_presentation, steps


@dataclass
class Training:
    """Outcome of one training run: history (one row per chunk), W snapshots, verdict."""

    history: pd.DataFrame
    snapshots: dict
    outcome: str
    presentations: int
    final_state: dict
    wall_time: float


HISTORY_COLUMNS = ["presentation", "std_w", "mean_w", "mean_abs_w", "fraction_extreme", "corr_lag", "std_change",
                   "std_slope", "corr_1500", "corr_6000", "corr_12000", "corr_fixed_point", "rate_lower", "rate_higher",
                   "spikes_lower", "spikes_higher", "pairs_top_down", "outcome", "outcome_caption"]
#: History columns holding verdicts (the rest are numbers). "outcome": the Methods' relative std criterion
#: (it decides); "outcome_caption": the Fig 3 caption's absolute slope criterion (reported).
VERDICT_COLUMNS = ("outcome", "outcome_caption")
#: Snapshots kept behind the latest: the longest diagnostic lag.
KEPT_LAG = max(NETWORK_DIAGNOSTIC_LAGS)


def initial_state(q, seed, w_range=0.05):
    """W uniform in [-w_range, w_range] (top-down synapses, higher -> lower, in synapse order)."""
    n_lower, n_higher = np.shape(q)
    rng = streams.generator(streams.check_seed(seed, OWNER), "initial weights")
    return {"w": rng.uniform(-w_range, w_range, n_lower * n_higher), "q": np.asarray(q, float).ravel(),
            "input_gain": np.ones(n_lower)}


def weight_matrix(w, n_lower, n_higher):
    """Top-down weights (synapse order, higher -> lower, all pairs) as a lower x higher matrix."""
    return arrange(w, all_to_all(n_higher, n_lower), (n_higher, n_lower)).T


class NetworkRun:
    """One network's training, advanced chunk by chunk by whoever runs its program (:func:`train`, or
    ``batch.train_many`` with many networks in one program).

    Holds the network's inputs (a generator of the ``"inputs"`` stream), its
    state, W snapshots, history and verdict; with ``checkpoint=`` the state is
    written atomically after every ``checkpoint_every``-th chunk and a new
    NetworkRun resumes from it. Arguments as :func:`train`'s.
    """

    def __init__(self, q, c, seed, params, structure=None, max_presentations=NETWORK_MAX_PRESENTATIONS, c_higher=None,
                 checkpoint=None, keep_snapshots=(), checkpoint_every=1):
        self.seed = streams.check_seed(seed, OWNER)
        self.max_presentations = positive_int("max_presentations", max_presentations, OWNER)
        self.checkpoint_every = positive_int("checkpoint_every", checkpoint_every, OWNER)
        self.params = Parameters.of(params)
        q = np.asarray(q, float)
        if q.ndim != 2:
            raise ParameterError("q", f"{OWNER}: q must be a 2-D matrix (lower x higher), got shape {q.shape}")
        self.structure = (structure or Structure()).for_network(q.shape, self.params)
        if self.structure.higher_layer_input and c_higher is None:
            raise ParameterError("c_higher", f"{OWNER}: higher_input needs the higher layer's correlation matrix c_higher")
        self.n_lower, self.n_higher = q.shape
        if np.shape(c) != (self.n_lower, self.n_lower):
            raise ParameterError("c", f"{OWNER}: c must be {self.n_lower} x {self.n_lower} like the lower layer, "
                                      f"got {np.shape(c)}")
        self.sides = {"lower": c, **({"higher": c_higher} if self.structure.higher_layer_input else {})}
        self.input_rng = streams.generator(self.seed, "inputs")
        self.checkpoint, self.keep_snapshots = checkpoint, keep_snapshots
        self.state, self.done, self.rows, self.snapshots = initial_state(q, self.seed), 0, [], {}
        saved = _load_checkpoint(checkpoint)
        if saved and any(k <= saved[1] and k % self.structure.chunk == 0 and k not in saved[3] for k in keep_snapshots):
            saved = None  # written by a run that kept fewer snapshots (e.g. a calibration): they cannot be resumed
        if saved:
            self.state, self.done, self.rows, self.snapshots = saved
            for _ in range(self.done // self.structure.chunk):
                self._draw()  # keep the input stream where it was
        self.target = fixed_point_direction(q)  # Q^-T: the rSTDP fixed point, lower x higher like W
        self.outcome = _outcome(self.rows)
        self.wall_time = 0.0

    @property
    def finished(self):
        return self.outcome is not None or self.done >= self.max_presentations

    def _draw(self):
        return {side: input_strengths(matrix, self.structure.chunk, self.input_rng) for side, matrix in self.sides.items()}

    def next_chunk(self):
        """(state, strengths, chunk seed) of the next chunk (draws its inputs)."""
        return self.state, self._draw(), streams.integer(self.seed, "chunk", self.done // self.structure.chunk)

    def record(self, state, outputs, wall_time=0.0):
        """Take the state and outputs at the end of a chunk: history row, verdict, checkpoint; returns the verdict."""
        chunk, w_bound = self.structure.chunk, self.params.w_bound
        counts = {side: self.state.get(f"{side}.spike_count", np.zeros(n))
                  for side, n in (("lower", self.n_lower), ("higher", self.n_higher))}
        self.state, self.done = state, self.done + chunk
        self.wall_time += wall_time
        w = weight_matrix(effective_weights(state, w_bound), self.n_lower, self.n_higher)
        self.snapshots[self.done] = w
        activity = {f"spikes_{side}": (state[f"{side}.spike_count"] - counts[side]).mean() / chunk for side in counts}
        activity["pairs_top_down"] = _pairs(outputs, self.structure, self.n_lower * self.n_higher)
        caption = classify_network(self.snapshots, w_bound, "absolute")
        self.outcome = classify_network(self.snapshots, w_bound) or (
            "did not converge" if self.done >= self.max_presentations else None)
        self.rows.append(_history_row(self.done, w, self.snapshots, self.target, activity, w_bound, self.outcome, caption))
        _forget_old(self.snapshots, self.done, self.keep_snapshots)
        if self.finished or (self.done // chunk) % self.checkpoint_every == 0:
            _save_checkpoint(self.checkpoint, self.state, self.done, self.rows, self.snapshots)
        return self.outcome

    def result(self):
        """The :class:`Training` so far (a resumed run at or past its cap: "did not converge")."""
        if self.outcome is None and self.rows and self.done >= self.max_presentations:
            self.outcome = self.rows[-1]["outcome"] = "did not converge"
        history = pd.DataFrame(self.rows, columns=HISTORY_COLUMNS)
        kept = {k: v for k, v in self.snapshots.items() if k in self.keep_snapshots or k == self.done}
        return Training(history, kept, self.outcome, self.done, self.state, self.wall_time)


def train(q, c, seed, params, structure=None, max_presentations=NETWORK_MAX_PRESENTATIONS, backend="standalone",
          program=None, c_higher=None, checkpoint=None, progress=True, keep_snapshots=()):
    """Train top-down weights until the run is classified (or ``max_presentations``).

    q : bottom-up weights (lower x higher). c : input cross-correlation
    matrix of the lower layer (``c_higher`` for the higher layer's input).
    ``params``: :class:`.Parameters` (or a mapping of all of them);
    ``structure``: a :class:`.Structure` of options (rule, traces, chunk,
    ...; its sizes and delay follow from ``q`` and ``params``).
    ``program``: an open one-copy Program of the same complete structure to reuse
    (e.g. a sweep's build); otherwise one is built and closed here.
    ``keep_snapshots``: presentations whose W (lower x higher) is returned
    besides the last one; every chunk's W is kept while needed for the verdict.
    """
    run = NetworkRun(q, c, seed, params, structure, max_presentations, c_higher, checkpoint, keep_snapshots)
    structure = run.structure
    reuse = program is not None and program.structure == structure and program.backend == backend
    runner = None
    bar = tqdm(total=run.max_presentations, initial=run.done, desc=f"{structure.rule} alpha={run.params.alpha}",
               unit="presentation", disable=not progress, leave=False)
    try:
        while not run.finished:
            runner = runner or (program if reuse else network_program(structure, backend).open())
            started = time.perf_counter()
            state, strengths, seed = run.next_chunk()
            state, outputs = run_chunk(runner, state, strengths, run.params, seed)
            run.record(state, outputs, time.perf_counter() - started)
            bar.update(structure.chunk)
    finally:
        bar.close()
        if runner is not None and not reuse:
            runner.close()
    return run.result()


def effective_weights(state, w_bound):
    """Top-down weights (synapse order) with the pending changes of the last presentation applied."""
    if "w_pending" not in state:
        return state["w"]
    return applied(state["w"], state["w_pending"], -w_bound, w_bound)


def _outcome(rows):
    """Verdict of a resumed run; "did not converge" only meant the earlier cap was reached."""
    if rows and rows[-1]["outcome"] == "did not converge":
        rows[-1]["outcome"] = None
    return rows[-1]["outcome"] if rows else None


def _pairs(outputs, structure, synapses):
    """Top-down spike pairs per synapse and presentation in the last chunk (NaN without population monitors)."""
    counts = population_counts(outputs, structure, structure.chunk * steps(PRESENTATION, DT))
    if counts is None:
        return np.nan
    window = None if structure.pair_window is None else steps(structure.pair_window, DT)
    return pairs_per_presentation(counts["lower"], counts["arrivals"], steps(PRESENTATION, DT), window) / synapses


def _history_row(done, w, snapshots, target, activity, w_bound, outcome, caption):
    """One history row: stability, diversity, weakness and activity diagnostics after ``done`` presentations."""
    lagged = {lag: snapshots.get(done - lag) for lag in NETWORK_DIAGNOSTIC_LAGS}
    corr = {lag: safe_correlation(w.ravel(), then.ravel()) if then is not None else np.nan for lag, then in lagged.items()}
    oldest = snapshots.get(done - NETWORK_STD_LAG)
    seconds = float(PRESENTATION / second)
    return {"presentation": done, "std_w": w.std(), "mean_w": w.mean(), "mean_abs_w": np.abs(w).mean(),
            "fraction_extreme": np.mean(np.abs(w) > w_bound - NETWORK_EXTREME_MARGIN), "corr_lag": corr[NETWORK_CORRELATION_LAG],
            "std_change": abs(w.std() - oldest.std()) / oldest.std() if oldest is not None else np.nan,
            "std_slope": (w.std() - oldest.std()) / NETWORK_STD_LAG if oldest is not None else np.nan,
            "corr_1500": corr[1500], "corr_6000": corr[6000], "corr_12000": corr[12_000],
            "corr_fixed_point": safe_correlation(w.ravel(), target.ravel()),
            "rate_lower": activity["spikes_lower"] / seconds, "rate_higher": activity["spikes_higher"] / seconds,
            **activity, "outcome": outcome, "outcome_caption": caption}


def _forget_old(snapshots, done, keep):
    for presentation in [p for p in snapshots if p < done - KEPT_LAG and p not in keep]:
        del snapshots[presentation]


def _save_checkpoint(path, state, done, rows, snapshots):
    if path is None:
        return
    arrays = {f"state/{k}": v for k, v in state.items()}
    arrays.update({f"snapshot/{k}": v for k, v in snapshots.items()})
    table = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    arrays["history"] = table.drop(columns=list(VERDICT_COLUMNS)).to_numpy(float)
    arrays["history_columns"] = np.array(_NUMBER_COLUMNS)
    arrays.update({f"verdict/{column}": np.array(["None" if pd.isna(v) else str(v) for v in table[column]])
                   for column in VERDICT_COLUMNS})
    arrays["done"] = np.array(done)
    atomic_write(Path(path), lambda tmp: np.savez(open(tmp, "wb"), **arrays))


_NUMBER_COLUMNS = [c for c in HISTORY_COLUMNS if c not in VERDICT_COLUMNS]


def _load_checkpoint(path):
    """(state, presentations done, history rows, {presentation: W}), or None: no checkpoint, or one whose
    history has other columns (an older version's: the run starts again)."""
    if path is None or not Path(path).exists():
        return None
    with np.load(path) as saved:
        if "history_columns" not in saved.files or list(saved["history_columns"]) != _NUMBER_COLUMNS:
            return None
        state = {k.split("/", 1)[1]: saved[k] for k in saved.files if k.startswith("state/")}
        rows = [dict(zip(_NUMBER_COLUMNS, map(float, row))) for row in saved["history"]]
        for column in VERDICT_COLUMNS:
            for row, verdict in zip(rows, saved[f"verdict/{column}"]):
                row[column] = None if verdict in ("None", "nan") else str(verdict)
        for row in rows:
            row["presentation"] = int(row["presentation"])
        return state, int(saved["done"]), rows, load_snapshots(path)


def load_snapshots(path):
    """{presentation: W (lower x higher)} kept in a run's checkpoint (any version), or {} without one.
    A finished run's checkpoint keeps its last ``KEPT_LAG`` presentations' snapshots."""
    if path is None or not Path(path).exists():
        return {}
    with np.load(path) as saved:
        return {int(k.split("/", 1)[1]): saved[k] for k in saved.files if k.startswith("snapshot/")}
