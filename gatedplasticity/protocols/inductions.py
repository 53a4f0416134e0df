"""Recorded place-field inductions, many at once: real running paths, measured plateaus, fitted initial weights.

An :class:`Induction` is what an in-vivo BTSP experiment records: the
animal's path (a table ``lap, t_s, position_cm``), the plateaus (``lap,
onset_s, duration_ms``) and the cell's weights before (fitted to its
"before" ramp with ``analysis.place_fields.fit_weights``).
:class:`InductionRuns` simulates ``n_candidates`` parameter sets x all
inductions in one network: inputs per induction (``models.btsp.path_input``,
the paths as 2-D TimedArrays), one cell per (candidate, induction)
(``models.btsp.scheduled_plateau_cell``), and the BTSP rule with the fitted
parameters batched per cell (``Rule.synapses(batched=...)``). Under
standalone it is built once and rerun with new candidate values through
run_args. The time grid is 10 ms (``track.DT``); every induction's path
starts at t = 0, and after its end the animal rests where it stopped, in
one extra lap, so that the last lap's change is applied. ET is normalised
by its steady-running peak at ``REFERENCE_SPEED`` (25 cm/s) for every
induction (not by each path's own peak, which a pause at rest would set).
"""

import hashlib
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
from brian2 import Network, Quantity, StateMonitor, TimedArray, cm, get_dimensions, ms, second

from ..analysis import place_fields
from ..backends import Session, check_backend
from ..models.btsp import FIELD_SD, TRACK_LENGTH, path_input, scheduled_plateau_cell
from ..parameters import ParameterError
from ..rules import btsp
from .track import DT, eligibility_max
from .validation import positive_int

OWNER = "inductions"
#: Cell-model parameters that can be fitted (batched per cell) besides the rule's.
CELL_PARAMETERS = ("tau_IS",)
N_INPUTS = 100
#: ET is normalised by its largest value while running steadily at this speed (the model's definition), the
#: same for every induction: a pause (the animal resting in a field) then drives ET above 1, as it would in vivo.
REFERENCE_SPEED = 25 * cm / second


@dataclass(frozen=True)
class Induction:
    """One recorded induction: ``path`` (lap, t_s, position_cm), ``plateaus`` (lap, onset_s, duration_ms),
    ``initial_weights`` (normalised w of each input before, n_inputs values)."""

    path: pd.DataFrame
    plateaus: pd.DataFrame
    initial_weights: np.ndarray

    @property
    def duration(self):
        return float(self.path["t_s"].max()) * second


def input_centers(n_inputs, length=TRACK_LENGTH):
    """Field centres (cm) of ``n_inputs`` inputs tiling the track."""
    return np.arange(n_inputs) * float(length / cm) / n_inputs


def sample_path(path, steps, length_cm, dt_s):
    """(positions in cm, lap indices from 0) of a path on the time grid; after its end: at rest, one lap later."""
    t = path["t_s"].to_numpy(float)
    laps = np.searchsorted(np.unique(path["lap"]), path["lap"].to_numpy())
    grid = np.arange(steps) * dt_s
    positions = np.interp(grid, t, place_fields.unwrap(path["position_cm"], length_cm)) % length_cm
    lap_index = laps[np.clip(np.searchsorted(t, grid, side="right") - 1, 0, len(t) - 1)].astype(float)
    lap_index[grid > t[-1]] = laps[-1] + 1
    return positions, lap_index


def schedule(inductions, steps, dt_s):
    """(steps x inductions) plateau durations (s) at each onset step, 0 elsewhere."""
    table = np.zeros((steps, len(inductions)))
    for k, induction in enumerate(inductions):
        onsets = np.round(induction.plateaus["onset_s"].to_numpy(float) / dt_s).astype(int)
        table[onsets, k] = induction.plateaus["duration_ms"].to_numpy(float) / 1000
    return table


class InductionRuns:
    """``n_candidates`` parameter sets x all ``inductions`` in one network (built once under standalone).

    ``fitted``: the batched parameter names (the rule's, and ``tau_IS`` of
    the cell); :meth:`run` takes one value per candidate for each and
    returns the weights after (candidate x induction x input), or with
    ``record_every`` (e.g. the lap duration of constant-speed paths) the
    weights at t = 0, record_every, 2 record_every, ... (candidate x
    induction x time x input).
    """

    def __init__(self, inductions, n_candidates, fitted=(), length=TRACK_LENGTH, tau_et=None, integration="lap",
                 backend="standalone", record_every=None, reference_speed=REFERENCE_SPEED, progress=False):
        if not inductions:
            raise ParameterError("inductions", f"{OWNER}: no inductions given")
        self.inductions, self.backend = list(inductions), check_backend(backend)
        self.n_candidates = positive_int("n_candidates", n_candidates, OWNER)
        self.rule, self.cell_model, self.input_model = btsp.rule(integration), scheduled_plateau_cell(), path_input()
        self.fitted = tuple(fitted)
        for name in self.fitted:
            if name not in CELL_PARAMETERS and (name not in btsp.DEFAULTS or name == "w_initial"):
                raise ParameterError(name, f"{OWNER}: cannot fit '{name}'; fittable: "
                                           f"{', '.join([*[p for p in btsp.DEFAULTS if p != 'w_initial'], *CELL_PARAMETERS])}")
        self.n_inputs = len(self.inductions[0].initial_weights)
        if any(len(induction.initial_weights) != self.n_inputs for induction in self.inductions):
            raise ParameterError("initial_weights", f"{OWNER}: every induction needs {self.n_inputs} initial weights")
        self.length, self.integration, self.progress, self.record_every = length, integration, progress, record_every
        self.reference_speed = reference_speed
        self.tau_et = self.input_model.defaults["tau_ET"] if tau_et is None else tau_et
        self.steps = int(np.ceil(max(float(i.duration / DT) for i in self.inductions))) + 2
        self.session = None

    @property
    def shape(self):
        return self.n_candidates, len(self.inductions), self.n_inputs

    def key(self):
        """Hash of what the compiled program depends on (paths, plateaus, sizes, fitted names)."""
        digest = hashlib.sha256(repr((self.shape, self.fitted, float(self.length / cm), float(self.tau_et / ms),
                                      float(self.reference_speed / (cm / second)),
                                      self.integration)).encode())
        for induction in self.inductions:
            digest.update(pd.util.hash_pandas_object(induction.path, index=False).to_numpy().tobytes())
            digest.update(pd.util.hash_pandas_object(induction.plateaus, index=False).to_numpy().tobytes())
        return digest.hexdigest()[:12]

    def build(self, values):
        """The network (inputs, cells, synapses) with ``values`` for the fitted parameters."""
        n_cand, n_ind, n_in = self.shape
        length_cm, dt_s = float(self.length / cm), float(DT / second)
        centers = input_centers(n_in, self.length)
        sampled = [sample_path(i.path, self.steps, length_cm, dt_s) for i in self.inductions]
        et_max = eligibility_max(self.reference_speed, FIELD_SD, self.tau_et, self.length, DT)
        functions = {"path_position": TimedArray(np.column_stack([p for p, _ in sampled]) * cm, dt=DT),
                     "path_lap": TimedArray(np.column_stack([lap for _, lap in sampled]), dt=DT)}
        inputs = self.input_model.neurons(n_ind * n_in, name="path_inputs", functions=functions, et_max=et_max,
                                          track_length=self.length, tau_ET=self.tau_et)
        inputs.path = np.repeat(np.arange(n_ind), n_in)
        inputs.center = np.tile(centers, n_ind) * cm
        cell_values = {name: self.per_cell(values[name]) for name in self.fitted if name in CELL_PARAMETERS}
        cells = self.cell_model.neurons(n_cand * n_ind, name="induction_cells", batched=tuple(cell_values),
                                        functions={"plateau_schedule": TimedArray(schedule(self.inductions, self.steps,
                                                                                           dt_s) * second, dt=DT)},
                                        **cell_values)
        cells.path = np.tile(np.arange(n_ind), n_cand)
        cand, ind, inp = np.meshgrid(np.arange(n_cand), np.arange(n_ind), np.arange(n_in), indexing="ij")
        rule_values = {name: self.per_cell(values[name]) for name in self.fitted if name not in CELL_PARAMETERS}
        synapses = self.rule.synapses(inputs, cells, name="induction_btsp", batched=tuple(rule_values),
                                      connect={"i": (ind * n_in + inp).ravel(), "j": (cand * n_ind + ind).ravel()},
                                      **rule_values)
        synapses.w = self.initial_weights()
        if self.record_every is None:
            return inputs, cells, synapses
        return inputs, cells, synapses, StateMonitor(synapses, "w", record=True, dt=self.record_every, when="end",
                                                     name="induction_weights")

    def per_cell(self, value):
        """One value per cell (candidate-major) from one per candidate (or one for all), units kept."""
        magnitude = np.broadcast_to(np.asarray(value, float), self.n_candidates)
        return Quantity(np.repeat(magnitude, len(self.inductions)), dim=get_dimensions(value))

    def initial_weights(self):
        return np.tile(np.concatenate([i.initial_weights for i in self.inductions]), self.n_candidates)

    def check(self, values):
        missing = [name for name in self.fitted if name not in values]
        if missing:
            raise ParameterError(missing[0], f"{OWNER}: no values for the fitted parameter '{missing[0]}'")
        for name in self.fitted:
            if np.ndim(values[name]) and len(values[name]) != self.n_candidates:
                raise ParameterError(name, f"{OWNER}: '{name}' needs {self.n_candidates} values (one per candidate), "
                                           f"got {len(values[name])}")

    def run(self, values):
        """Weights after every induction (candidate x induction x input) for ``values`` {name: per-candidate array}."""
        self.check(values)
        duration = self.steps * DT
        if self.backend == "runtime":
            with Session("runtime", seed=0, name="btsp-inductions", dt=DT, progress=self.progress) as session:
                groups = self.build(values)
                session.run(duration, Network(*groups))
                return self.read(groups)
        self.compile(values)
        inputs, cells, synapses, *_ = self.groups
        run_args = {synapses.w: self.initial_weights()}
        for name in self.fitted:
            group = cells if name in CELL_PARAMETERS else synapses
            run_args.update(self.owner(name).batch_args(group, **{name: self.per_cell(values[name])}))
        self.session.rerun(run_args, results_directory=f"results-{os.getpid()}")
        return self.read(self.groups)

    def owner(self, name):
        """The model (cell) or rule a fitted parameter belongs to."""
        return self.cell_model if name in CELL_PARAMETERS else self.rule

    def defaults(self):
        """The fitted parameters at their default values (one for all candidates)."""
        return {name: self.owner(name).defaults[name] for name in self.fitted}

    def compile(self, values=None):
        """Build the standalone program once (``values`` only fill the build; reruns bring their own)."""
        if self.backend == "standalone" and self.session is None:
            self.session = Session("standalone", name=f"btsp-inductions-{self.key()}-{os.getpid()}", dt=DT,
                                   progress=self.progress).__enter__()
            self.groups = self.build(values or self.defaults())
            self.session.run_stage(self.steps * DT, Network(*self.groups))
            self.session.finish(run=False)

    def read(self, groups):
        if self.record_every is None:
            return np.array(groups[2].w[:]).reshape(self.shape)
        recorded = np.array(groups[3].w)  # synapse x time
        return recorded.reshape(*self.shape, -1).transpose(0, 1, 3, 2)

    def close(self):
        if self.session is not None:
            self.session.__exit__(None, None, None)
            self.session = None
