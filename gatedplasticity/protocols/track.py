"""An animal running laps on a circular linear track, place-tuned inputs and plateau-gated BTSP.

``track()`` gives the position over time (one speed per lap, optionally
variable), as TimedArrays for ``models.btsp``; ``btsp_network()`` wires
``n_inputs`` place inputs tiling the track to ``n_cells`` plateau cells
through the BTSP rule; plateaus are induced at chosen (lap, position) pairs
(the in-vivo induction experiments) and/or emitted at random with a
position-dependent rate (spatial foraging); ``run()`` returns the weights
after every lap and the plateaus. Protocols never edit a model and take an
explicit seed.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from brian2 import EventMonitor, Network, StateMonitor, TimedArray, cm, ms, second

from ..backends import Session
from ..models.btsp import TRACK_LENGTH, place_input, plateau_cell
from ..parameters import ParameterError
from ..rules import btsp
from ..weights import all_to_all, arrange, synapse_order
from .instructive import instructive_input
from .validation import non_negative, positive_int, quantity_array, seed_value

OWNER = "track"
DT = 10 * ms


@dataclass(frozen=True)
class Track:
    """Laps on a circular track: ``speeds`` (one per lap), ``length``; times on the grid ``dt``."""

    speeds: object
    length: object
    dt: object

    @property
    def lap_durations(self):
        """Duration of each lap, rounded to whole time steps."""
        steps = np.round(np.asarray(self.length / self.speeds / self.dt)).astype(int)
        return steps * self.dt

    @property
    def lap_starts(self):
        return np.concatenate([[0.0], np.cumsum(np.asarray(self.lap_durations))[:-1]]) * second

    @property
    def duration(self):
        return np.sum(np.asarray(self.lap_durations)) * second

    def time_at(self, lap, position):
        """Time step at which the animal passes ``position`` in lap ``lap`` (0-based)."""
        if not 0 <= lap < len(self.speeds):
            raise ParameterError("lap", f"{OWNER}: lap {lap} outside 0..{len(self.speeds) - 1}")
        if not 0 * cm <= position < self.length:
            raise ParameterError("position", f"{OWNER}: position {position} outside the track [0, {self.length})")
        return np.round(float((self.lap_starts[lap] + position / self.speeds[lap]) / self.dt)) * self.dt

    def timed_arrays(self):
        """(position, lap_number) TimedArrays on the time grid."""
        positions, laps = [], []
        for lap, (speed, duration) in enumerate(zip(self.speeds, self.lap_durations)):
            steps = int(round(float(duration / self.dt)))
            positions.append(np.minimum(np.arange(steps) * float(self.dt * speed / cm), float(self.length / cm) - 1e-9))
            laps.append(np.full(steps, lap))
        positions.append([0.0])  # one step into the next lap, so that the last lap ends too
        laps.append([len(self.speeds)])
        return (TimedArray(np.concatenate(positions) * cm, dt=self.dt, name="position"),
                TimedArray(np.concatenate(laps).astype(float), dt=self.dt, name="lap_number"))


def track(laps, speed=25 * cm / second, length=TRACK_LENGTH, speed_cv=0.0, seed=None, dt=DT):
    """``laps`` laps at ``speed`` (cm/s); ``speed_cv`` > 0 draws one speed per lap (needs ``seed``)."""
    laps = positive_int("laps", laps, OWNER)
    speed = quantity_array("speed", speed, cm / second, OWNER)[0]
    quantity_array("length", length, cm, OWNER)
    if speed <= 0 * cm / second:
        raise ParameterError("speed", f"{OWNER}: speed must be positive, got {speed}")
    if length <= 0 * cm:
        raise ParameterError("length", f"{OWNER}: length must be positive, got {length}")
    non_negative("speed_cv", speed_cv, OWNER)
    speeds = np.full(laps, float(speed / (cm / second)))
    if speed_cv > 0:
        rng = np.random.default_rng(seed_value(seed, OWNER))
        speeds = np.maximum(speeds * (1 + speed_cv * rng.standard_normal(laps)), 0.2 * speeds)
    return Track(speeds=speeds * cm / second, length=length, dt=dt)


def eligibility_max(speed, field_sd, tau_et, length=TRACK_LENGTH, dt=DT, laps=4):
    """Largest eligibility trace of an input while running at ``speed``: the ET normalisation.

    The unit-area filter is integrated exactly on the time grid (as Brian2's
    'exact' method does), from rest, over ``laps`` laps; the last lap's
    maximum is returned.
    """
    steps = int(round(float(length / speed / dt)))
    x = (np.arange(steps * laps) * float(dt * speed / cm)) % float(length / cm)
    d = np.abs(x - float(length / cm) / 2)
    rate = np.exp(-(d / float(field_sd / cm)) ** 2)
    decay = np.exp(-float(dt / tau_et))
    trace, values = 0.0, np.empty_like(rate)
    for k, r in enumerate(rate):
        trace = r + (trace - r) * decay
        values[k] = trace
    return values[-steps:].max()


@dataclass
class TrackRun:
    """Weights after every lap (lap x cell x input, normalised w), plateaus, input centres and the track."""

    weights: np.ndarray
    plateaus: pd.DataFrame
    centers: np.ndarray
    track: Track
    params: dict


def run(track_, n_cells=1, n_inputs=200, induced=(), base_rate=0 / second, reward_rate=0 / second,
        reward_position=0 * cm, integration="lap", seed=0, backend="runtime", initial_weights=None, progress=False,
        tau_et=None, rule_parameters=None):
    """Run the protocol; ``induced``: (cell, lap, position) triples of plateau onsets; ``tau_et`` replaces tau_ET;
    ``rule_parameters`` override the BTSP rule's (e.g. fitted values).

    Weights are recorded at the end of every lap (constant speed only; with
    variable speed the final weights only).
    """
    seed = seed_value(seed, OWNER)
    n_cells, n_inputs = positive_int("n_cells", n_cells, OWNER), positive_int("n_inputs", n_inputs, OWNER)
    induced = [(int(c), int(lap), p) for c, lap, p in induced]
    for cell, lap, position in induced:
        if not 0 <= cell < n_cells:
            raise ParameterError("induced", f"{OWNER}: induced cell {cell} outside 0..{n_cells - 1}")
        quantity_array("induced", position, cm, OWNER)
    times = [track_.time_at(lap, position) for _, lap, position in induced]
    steady = len(set(np.round(np.asarray(track_.speeds), 9))) == 1
    input_model, cell_model = place_input(), plateau_cell()
    tau_et = input_model.defaults["tau_ET"] if tau_et is None else tau_et
    quantity_array("tau_et", tau_et, ms, OWNER)
    et_max = eligibility_max(track_.speeds[0], input_model.defaults["field_sd"], tau_et, track_.length, track_.dt)
    with Session(backend, seed=seed, name=f"btsp-track-{n_cells}x{n_inputs}-{integration}", dt=track_.dt,
                 progress=progress) as session:
        position, lap_number = track_.timed_arrays()
        functions = {"position": position, "lap_number": lap_number}
        inputs = input_model.neurons(n_inputs, name="place_inputs", functions=functions, et_max=et_max,
                                     track_length=track_.length, tau_ET=tau_et)
        inputs.center = np.arange(n_inputs) * track_.length / n_inputs
        cells = cell_model.neurons(n_cells, name="place_cells", functions={"position": position}, base_rate=base_rate,
                                   reward_rate=reward_rate, reward_position=reward_position, track_length=track_.length)
        synapses = btsp.rule(integration).synapses(inputs, cells, name="btsp", **(rule_parameters or {}))
        if initial_weights is not None:
            order = all_to_all(n_inputs, n_cells)[::-1]  # (cell, input) of each synapse, as connected
            synapses.w = synapse_order(np.asarray(initial_weights, float), order)
        objects = [inputs, cells, synapses]
        plateaus = EventMonitor(cells, "plateau", name="plateaus")
        objects.append(plateaus)
        if induced:
            cell_indices = [c for c, _, _ in induced]
            for time, cell in zip(times, cell_indices):
                source, kick = instructive_input(cells, [time - track_.dt], 1.0, variable="induce", targets=[cell])
                objects += [source, kick]
        if steady:
            monitor = StateMonitor(synapses, "w", record=np.arange(n_inputs * n_cells), dt=track_.lap_durations[0],
                                   when="end", name="lap_weights")
            objects.append(monitor)
        session.run(track_.duration + track_.dt, Network(objects), description="laps")
        if steady:
            laps = np.asarray(monitor.w).T[1:]  # rows: t = lap ends (the first row is t = 0)
        else:
            laps = np.asarray(synapses.w)[None, :]
        weights = arrange(laps, (synapses.j[:], synapses.i[:]), (n_cells, n_inputs))  # lap x cell x input
        table = pd.DataFrame({"cell": np.asarray(plateaus.i), "time_s": np.asarray(plateaus.t / second)})
    params = {"n_cells": n_cells, "n_inputs": n_inputs, "integration": integration, "et_max": et_max, "tau_et": tau_et,
              "base_rate": base_rate, "reward_rate": reward_rate, "reward_position": reward_position}
    return TrackRun(weights=weights, plateaus=table, centers=np.arange(n_inputs) * float(track_.length / cm) / n_inputs,
                    track=track_, params=params)
