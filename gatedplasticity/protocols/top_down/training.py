"""Training the two-layer network until its weights are classified, resumable from a checkpoint.

After each chunk the top-down weights are classified
(``analysis.convergence.classify_if``) and training stops at the verdict
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
from ...analysis.convergence import (IF_CORRELATION_LAG, IF_EXTREME_MARGIN, IF_MAX_PRESENTATIONS, IF_STD_LAG,
                                     classify_if, safe_correlation)
from ...parameters import ParameterError
from ...results import atomic_write
from ...weights import all_to_all, arrange
from ..validation import positive_int
from .inputs import input_strengths
from .network import OWNER, PRESENTATION, parameters, structure_of
from .runner import CompiledNetwork, RuntimeNetwork


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
                   "corr_q_inverse", "rate_lower", "rate_higher", "outcome"]


def initial_state(q, seed, w_range=0.05):
    """W uniform in [-w_range, w_range] (top-down synapses, higher -> lower, in synapse order)."""
    n_lower, n_higher = np.shape(q)
    rng = streams.generator(streams.check_seed(seed, OWNER), "initial weights")
    return {"w": rng.uniform(-w_range, w_range, n_lower * n_higher), "q": np.asarray(q, float).ravel(),
            "input_gain": np.ones(n_lower)}


def weight_matrix(w, n_lower, n_higher):
    """Top-down weights (synapse order, higher -> lower, all pairs) as a lower x higher matrix."""
    return arrange(w, all_to_all(n_higher, n_lower), (n_higher, n_lower)).T


def train(q, c, seed, params, max_presentations=IF_MAX_PRESENTATIONS, backend="standalone", compiled=None,
          c_higher=None, checkpoint=None, progress=True, keep_snapshots=(), **structure):
    """Train top-down weights until the run is classified (or ``max_presentations``).

    q : bottom-up weights (lower x higher). c : input cross-correlation
    matrix of the lower layer (``c_higher`` for the higher layer's input).
    ``params``: every parameter of ``network.UNITS``. ``structure``:
    options of ``network.STRUCTURE`` (rule, traces, chunk, ...).
    ``compiled``: a :class:`CompiledNetwork` to reuse (standalone).
    ``keep_snapshots``: presentations whose W (lower x higher) is returned
    besides the last one; every chunk's W is kept while needed for the verdict.
    """
    seed = streams.check_seed(seed, OWNER)
    max_presentations = positive_int("max_presentations", max_presentations, OWNER)
    params = parameters(params)
    structure = structure_of(**structure, higher_layer_input=params["higher_input"] > 0)
    if structure["higher_layer_input"] and c_higher is None:
        raise ParameterError("c_higher", f"{OWNER}: higher_input needs the higher layer's correlation matrix c_higher")
    q = np.asarray(q, float)
    n_lower, n_higher = q.shape
    if np.shape(c) != (n_lower, n_lower):
        raise ParameterError("c", f"{OWNER}: c must be {n_lower} x {n_lower} like the lower layer, got {np.shape(c)}")
    chunk = structure["chunk"]
    n_chunks = -(-max_presentations // chunk)
    input_rng = streams.generator(seed, "inputs")
    sides = {"lower": c, **({"higher": c_higher} if structure["higher_layer_input"] else {})}

    def draw(rows):
        return {side: input_strengths(matrix, rows, input_rng) for side, matrix in sides.items()}

    state, done, rows, snapshots = initial_state(q, seed), 0, [], {}
    saved = _load_checkpoint(checkpoint)
    if saved:
        state, done, rows, snapshots = saved
        for _ in range(done // chunk):
            draw(chunk)  # keep the input stream where it was
    def make_runner():
        if backend == "runtime":
            return RuntimeNetwork(q.shape, structure, params["delay"], params["tau_stdp"], draw(n_chunks * chunk - done), seed)
        if compiled is not None and compiled.matches(q.shape, structure, params["delay"], params["tau_stdp"]):
            return compiled
        return CompiledNetwork(q.shape, structure, params["delay"], params["tau_stdp"])

    target = np.linalg.pinv(q)  # Q^-1, compared with W (lower x higher)
    started, outcome, runner = time.perf_counter(), _outcome(rows), None
    bar = tqdm(total=max_presentations, initial=done, desc=f"{structure['rule']} alpha={params['alpha']}",
               unit="presentation", disable=not progress, leave=False)
    try:
        while outcome is None and done < max_presentations:
            runner = runner or make_runner()
            counts = {side: state.get(f"{side}.spike_count", np.zeros(n)) for side, n in (("lower", n_lower), ("higher", n_higher))}
            inputs = draw(chunk) if backend != "runtime" else {}
            state = runner.run_chunk(state, inputs, streams.integer(seed, "chunk", done // chunk), params)
            done += chunk
            w = weight_matrix(state["w"], n_lower, n_higher)
            snapshots[done] = w
            rates = {side: (state[f"{side}.spike_count"] - counts[side]).mean() / float(chunk * PRESENTATION / second)
                     for side in counts}
            outcome = classify_if(snapshots, params["w_bound"]) or ("did not converge" if done >= max_presentations else None)
            rows.append(_history_row(done, w, snapshots, target, rates, params["w_bound"], outcome))
            _forget_old(snapshots, done, keep_snapshots)
            _save_checkpoint(checkpoint, state, done, rows, snapshots)
            bar.update(chunk)
    finally:
        bar.close()
        if runner is not None and runner is not compiled:
            runner.close()
    if outcome is None and rows:  # resumed at (or past) its cap
        outcome = "did not converge"
        rows[-1] = (*rows[-1][:-1], outcome)
    history = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    kept = {k: v for k, v in snapshots.items() if k in keep_snapshots or k == done}
    return Training(history, kept, outcome, done, state, time.perf_counter() - started)


def _outcome(rows):
    """Verdict of a resumed run; "did not converge" only meant the earlier cap was reached."""
    if rows and rows[-1][-1] == "did not converge":
        rows[-1] = (*rows[-1][:-1], None)
    return rows[-1][-1] if rows else None


def _history_row(done, w, snapshots, target, rates, w_bound, outcome):
    earlier, oldest = snapshots.get(done - IF_CORRELATION_LAG), snapshots.get(done - IF_STD_LAG)
    corr_lag = safe_correlation(w.ravel(), earlier.ravel()) if earlier is not None else np.nan
    std_change = abs(w.std() - oldest.std()) / oldest.std() if oldest is not None else np.nan
    return (done, w.std(), w.mean(), np.abs(w).mean(), np.mean(np.abs(w) > w_bound - IF_EXTREME_MARGIN), corr_lag,
            std_change, safe_correlation(w.ravel(), target.ravel()), rates["lower"], rates["higher"], outcome)


def _forget_old(snapshots, done, keep):
    for presentation in [p for p in snapshots if p < done - IF_STD_LAG and p not in keep]:
        del snapshots[presentation]


def _save_checkpoint(path, state, done, rows, snapshots):
    if path is None:
        return
    arrays = {f"state/{k}": v for k, v in state.items()}
    arrays.update({f"snapshot/{k}": v for k, v in snapshots.items()})
    rows_table = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    arrays["history"] = rows_table.drop(columns="outcome").to_numpy(float)
    arrays["outcomes"] = np.array([str(o) for o in rows_table["outcome"]])
    arrays["done"] = np.array(done)
    atomic_write(Path(path), lambda tmp: np.savez(open(tmp, "wb"), **arrays))


def _load_checkpoint(path):
    if path is None or not Path(path).exists():
        return None
    with np.load(path) as saved:
        state = {k.split("/", 1)[1]: saved[k] for k in saved.files if k.startswith("state/")}
        snapshots = {int(k.split("/", 1)[1]): saved[k] for k in saved.files if k.startswith("snapshot/")}
        outcomes = [None if o == "None" else str(o) for o in saved["outcomes"]]
        rows = [(*map(float, row), outcome) for row, outcome in zip(saved["history"], outcomes)]
        rows = [(int(r[0]), *r[1:]) for r in rows]
        return state, int(saved["done"]), rows, snapshots
