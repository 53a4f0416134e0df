"""Recorded place-field inductions, many at once: real running paths, measured plateaus, fitted initial weights.

An :class:`Induction` is what an in-vivo BTSP experiment records: the
animal's path (a table ``lap, t_s, position_cm``), the plateaus (``lap,
onset_s, duration_ms``) and the cell's weights before (fitted to its
"before" ramp with ``analysis.place_fields.fit_weights``).
:class:`InductionSetup` (hashable: the compile-time structure) describes
one network of all inductions: inputs per induction
(``models.btsp.path_input``, the paths as 2-D TimedArrays), one cell per
induction (``models.btsp.scheduled_plateau_cell``) and the BTSP rule with the
``fitted`` parameters stored per synapse or cell. :func:`program` makes a
``backends.Program`` of it whose copies are parameter candidates: built once,
each run takes one value per candidate of each fitted parameter, and
:func:`weights` reads the weights after every induction. The time grid is 10 ms (``track.DT``); every induction's path
starts at t = 0, and after its end the animal rests where it stopped, in
one extra lap, so that the last lap's change is applied. ET is normalised
by its steady-running peak at ``REFERENCE_SPEED`` (25 cm/s) for every
induction (not by each path's own peak, which a pause at rest would set).
"""

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from brian2 import StateMonitor, TimedArray, cm, ms, second

from ..analysis import place_fields
from ..backends import Built, Program
from ..models.btsp import FIELD_SD, TRACK_LENGTH, path_input, scheduled_plateau_cell
from ..parameters import ParameterError
from ..rules import btsp
from .track import DT, eligibility_max
from .validation import one_of

OWNER = "inductions"
N_INPUTS = 100
#: ET is normalised by its largest value while running steadily at this speed (the model's definition), the
#: same for every induction: a pause (the animal resting in a field) then drives ET above 1, as it would in vivo.
REFERENCE_SPEED = 25 * cm / second
#: How ET and IS are normalised: at the reference speed and plateau (the model's), or by their largest values
#: over the inductions simulated together (``protocols.btsp_closed_form``).
NORMALISATIONS = ("reference", "pooled")


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


@dataclass(frozen=True, eq=False)
class InductionSetup:
    """What the compiled network of ``inductions`` depends on (hashable by content, see :meth:`key`).

    ``fitted``: parameters stored per synapse (the rule's) or per cell (``tau_IS``), so that every copy
    (candidate) of the program has its own; ``record_every`` (e.g. the lap duration of constant-speed
    paths): also record the weights at t = 0, record_every, 2 record_every, ...
    """

    inductions: tuple
    fitted: tuple = ()
    length: object = None  # default TRACK_LENGTH
    tau_et: object = None  # default: the input model's tau_ET
    integration: str = "lap"
    record_every: object = None
    reference_speed: object = None  # default REFERENCE_SPEED
    normalisation: str = "reference"  # or "pooled" (``protocols.btsp_closed_form`` only)

    def __post_init__(self):
        object.__setattr__(self, "inductions", tuple(self.inductions))
        object.__setattr__(self, "fitted", tuple(self.fitted))
        if not self.inductions:
            raise ParameterError("inductions", f"{OWNER}: no inductions given")
        for name in self.fitted:
            if name not in btsp.FITTABLE:
                raise ParameterError(name, f"{OWNER}: cannot fit '{name}'; fittable: {', '.join(btsp.FITTABLE)}")
        one_of("integration", self.integration, btsp.INTEGRATIONS, OWNER)
        one_of("normalisation", self.normalisation, NORMALISATIONS, OWNER)
        if any(len(i.initial_weights) != self.n_inputs for i in self.inductions):
            raise ParameterError("initial_weights", f"{OWNER}: every induction needs {self.n_inputs} initial weights")
        defaults = {"length": TRACK_LENGTH, "tau_et": path_input().defaults["tau_ET"], "reference_speed": REFERENCE_SPEED}
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)

    @property
    def n_inputs(self):
        return len(self.inductions[0].initial_weights)

    @property
    def steps(self):
        """Time steps of one run: the longest path, and the extra lap at rest."""
        return int(np.ceil(max(float(i.duration / DT) for i in self.inductions))) + 2

    def key(self):
        """Hash of everything the compiled program depends on (paths, plateaus, sizes, fitted names, options)."""
        digest = hashlib.sha256(repr((len(self.inductions), self.n_inputs, self.fitted, float(self.length / cm),
                                      float(self.tau_et / ms), float(self.reference_speed / (cm / second)),
                                      self.integration, self.normalisation, None if self.record_every is None
                                      else float(self.record_every / ms))).encode())
        for induction in self.inductions:
            for table in (induction.path, induction.plateaus):
                digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
            digest.update(np.asarray(induction.initial_weights, float).tobytes())
        return digest.hexdigest()[:16]

    def __hash__(self):
        return int(self.key(), 16)

    def __eq__(self, other):
        return isinstance(other, InductionSetup) and self.key() == other.key()


def build(setup, copies):
    """The network of ``setup`` for ``copies`` candidates: shared inputs, one cell per (candidate, induction)."""
    if setup.normalisation != "reference":
        raise ParameterError("normalisation", f"{OWNER}: the network normalises ET and IS at the reference; "
                                              "pooled normalisation exists in protocols.btsp_closed_form only")
    n_ind, n_in = len(setup.inductions), setup.n_inputs
    length_cm, dt_s, steps = float(setup.length / cm), float(DT / second), setup.steps
    sampled = [sample_path(i.path, steps, length_cm, dt_s) for i in setup.inductions]
    et_max = eligibility_max(setup.reference_speed, FIELD_SD, setup.tau_et, setup.length, DT)
    functions = {"path_position": TimedArray(np.column_stack([p for p, _ in sampled]) * cm, dt=DT),
                 "path_lap": TimedArray(np.column_stack([lap for _, lap in sampled]), dt=DT)}
    inputs = path_input().neurons(n_ind * n_in, name="path_inputs", functions=functions, et_max=et_max,
                                  track_length=setup.length, tau_ET=setup.tau_et)
    inputs.path = np.repeat(np.arange(n_ind), n_in)
    inputs.center = np.tile(input_centers(n_in, setup.length), n_ind) * cm
    cell_fitted = tuple(name for name in setup.fitted if name in btsp.CELL_FITTABLE)
    plateaus = TimedArray(schedule(setup.inductions, steps, dt_s) * second, dt=DT)
    cells = scheduled_plateau_cell().neurons(copies * n_ind, name="induction_cells", batched=cell_fitted,
                                             functions={"plateau_schedule": plateaus})
    cells.path = np.tile(np.arange(n_ind), copies)
    candidate, induction, source = np.meshgrid(np.arange(copies), np.arange(n_ind), np.arange(n_in), indexing="ij")
    rule_fitted = tuple(name for name in setup.fitted if name not in btsp.CELL_FITTABLE)
    synapses = btsp.rule(setup.integration).synapses(
        inputs, cells, name="induction_btsp", batched=rule_fitted,
        connect={"i": (induction * n_in + source).ravel(), "j": (candidate * n_ind + induction).ravel()})
    synapses.w = np.tile(np.concatenate([i.initial_weights for i in setup.inductions]), copies)
    objects, outputs = [inputs, cells, synapses], {"w": synapses.w}
    if setup.record_every is not None:
        monitor = StateMonitor(synapses, "w", record=True, dt=setup.record_every, when="end", name="induction_weights")
        objects.append(monitor)
        outputs["w"] = lambda: np.asarray(monitor.w)  # synapse x time
    values = {name: getattr(cells if name in cell_fitted else synapses, name) for name in setup.fitted}
    n_synapses = copies * n_ind * n_in
    return Built(objects=objects, duration=steps * DT, values=values, outputs=outputs,
                 sizes={"w": n_synapses, **{name: n_synapses for name in rule_fitted}})


def program(setup, candidates=1, backend="standalone", progress=False):
    """A ``backends.Program`` of ``setup`` with one copy per candidate (enter it to build)."""
    return Program(build, setup, backend=backend, copies=candidates, name="btsp-inductions", dt=DT, progress=progress)


def weights(setup, outputs):
    """Weights after every induction (candidate x induction x input) from a run's outputs, or with
    ``record_every`` the recorded ones (candidate x induction x time x input)."""
    w = outputs["w"]
    shape = (len(w), len(setup.inductions), setup.n_inputs)
    if setup.record_every is None:
        return w.reshape(shape)
    return w.reshape(*shape, -1).transpose(0, 1, 3, 2)


def simulate(setup, values=None, candidates=1, backend="standalone"):
    """One run of ``setup``: ``values`` {fitted name: one value per candidate}; returns :func:`weights`."""
    with program(setup, candidates, backend) as built:
        return weights(setup, built.run(values or {}))
