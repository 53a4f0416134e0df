"""Presentations of pre-drawn spike trains to many DLR learners through event-driven inputs.

For large, sparse input populations (Rao et al. Fig 3: 24,000 inputs, ~100
spikes per 400 ms presentation) stepping every input every millisecond
would dominate the run. Here the input spikes are drawn beforehand (seeded,
by the task) and replayed by a ``SpikeGeneratorGroup``; the inputs are
``models.dlr.event_driven_psp_input`` neurons that only compute when a
spike arrives and, once per presentation, when they were active. The rule's
synapses run on the clock of the presentations, so only the synapses of
active inputs update: no dense pass over all synapses.

Ordering at each presentation boundary T (all on exact multiples of the
presentation): active inputs store xbar (after thresholds), the rule's
synapses add to u and learn (synapses), then the learners' read-out restarts
(end). Input spikes at T belong to the new presentation. The instructive
kick for z = 1 arrives ``teach_at`` into the presentation.
"""

from dataclasses import dataclass

import numpy as np
from brian2 import SpikeGeneratorGroup, Synapses, mV, ms

from ..models.dlr import BRANCH_READOUT_RESET, SPIKE_ARRIVAL, event_driven_psp_input
from ..parameters import ParameterError
from .validation import positive_int, quantity_array

OWNER = "spike_train_presentations"


@dataclass(frozen=True)
class SpikePresentations:
    """Brian2 objects of the protocol; connect the rule's synapses from ``inputs`` with ``dt=presentation``."""

    inputs: object
    objects: list
    presentation: object
    duration: object


def spike_train_presentations(learner, n_inputs, spike_indices, spike_times, teach_learners, teach_presentations,
                              presentations, presentation=400 * ms, teach_at=100 * ms, kick=30 * mV,
                              readout_reset=BRANCH_READOUT_RESET, every_input=False):
    """Replay input spikes and instructive kicks over ``presentations`` presentations.

    spike_indices, spike_times : input spikes (times as a Quantity, at most one
        per input and time step). teach_learners, teach_presentations : which
        learner gets z = 1 in which presentation (0-based).
    ``duration`` of the result includes one extra step so the last
    presentation's update happens.
    """
    presentations = positive_int("presentations", presentations, OWNER)
    n_inputs = positive_int("n_inputs", n_inputs, OWNER)
    quantity_array("presentation", presentation, ms, OWNER)
    quantity_array("kick", kick, mV, OWNER)
    spike_times = quantity_array("spike_times", spike_times, ms, OWNER)
    spike_indices = np.asarray(spike_indices)
    teach_learners, teach_presentations = np.asarray(teach_learners, dtype=int), np.asarray(teach_presentations, dtype=int)
    if spike_indices.shape != spike_times.shape:
        raise ParameterError("spike_indices", f"{OWNER}: {spike_indices.size} spike indices but {spike_times.size} spike times")
    if len(spike_indices) and not 0 <= spike_indices.min() <= spike_indices.max() < n_inputs:
        raise ParameterError("spike_indices", f"{OWNER}: spike indices must lie in [0, {n_inputs})")
    if teach_learners.shape != teach_presentations.shape:
        raise ParameterError("teach_learners", f"{OWNER}: {teach_learners.size} teach_learners but {teach_presentations.size} teach_presentations")
    if not 0 * ms < teach_at < presentation:
        raise ParameterError("teach_at", f"{OWNER}: 'teach_at' must lie inside the presentation, got {teach_at}")
    duration = presentations * presentation + learner.clock.dt

    source = SpikeGeneratorGroup(n_inputs, spike_indices, spike_times, name="input_spikes")
    inputs = event_driven_psp_input(every_input).neurons(n_inputs, dt=presentation, presentation=presentation, name="inputs")
    arrival = Synapses(source, inputs, on_pre=SPIKE_ARRIVAL, name="spike_arrival")
    arrival.connect(j="i")
    teacher_source = SpikeGeneratorGroup(len(learner), teach_learners, teach_presentations * presentation + teach_at, name="teacher_spikes")
    teacher = Synapses(teacher_source, learner, on_pre="v_a_post += kick", namespace={"kick": kick}, name="teacher")
    teacher.connect(j="i")
    learner.run_regularly(readout_reset, dt=presentation, when="end", name="readout_presentation_start")
    return SpikePresentations(inputs=inputs, objects=[source, inputs, arrival, teacher_source, teacher],
                              presentation=presentation, duration=duration)
