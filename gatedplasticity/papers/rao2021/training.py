"""Batched DLR learners of Rao et al. 2021: one learner neuron per run (Fig 2), pixel (Fig 3) or initialisation (Fig 4).

Every trainer builds one network inside a ``Session`` (all runs batched, one
compiled program under standalone) and returns final or recorded weights in
mV. Random streams of the seed: "presentations" (Poisson inputs and
labels), "initial weights", "training samples" (Fig 3); Brian2 from the
session's "brian2" stream.
"""

import numpy as np
from brian2 import Hz, StateMonitor, mV, second

from ... import streams
from ...analysis import dlr as metrics
from ...backends import Session
from ...models import dlr_neuron, multi_branch_neuron
from ...models.dlr import branch_readout_reset
from ...protocols import mixture_presentations
from ...protocols.spike_presentations import spike_train_presentations
from ...rules import dlr
from ...weights import arrange
from .parameters import (
    CONFIGURATIONS,
    DATASETS,
    DT,
    MIXTURE,
    PRESENTATION,
    U0,
    VALUES,
    mixture,
)


def with_bias(patterns, bias=VALUES["fig2_bias"]):
    """Rates (x1, x2) in Hz extended by the constant bias input: (..., 3)."""
    patterns = np.atleast_2d(patterns)
    return np.concatenate([patterns, np.full(patterns.shape[:-1] + (1,), float(bias / Hz))], -1)


def features(patterns):
    """Expected presentation-averaged PSP traces of (x1, x2, bias) for Fig 2's task."""
    return metrics.expected_xbar(with_bias(patterns))


def initial_weights(runs, seed):
    """Fig 2: w ~ N(9, 4.5) mV clipped at 0 (Dale's law) [P]; the seed's "initial weights" stream."""
    draws = streams.generator(seed, "initial weights").normal(
        VALUES["fig2_initial_weight_mean_mV"], VALUES["fig2_initial_weight_sd_mV"], (runs, 3))
    return np.clip(draws, 0, None)


def train_single_branch(runs, presentations, record_every, seed, backend, progress, task=MIXTURE):
    """Fig 2: spiking DLR on one branch, ``runs`` learners in one network; recorded weights (records, runs, 3) in mV.

    ``task``: the labelled clusters (a ``protocols.GaussianMixture``; default: the paper's two clusters)."""
    with Session(backend, seed=seed, name=f"rao2021-fig2-{runs}runs", dt=DT, progress=progress) as session:
        learner = dlr_neuron().neurons(runs, name="learner")
        protocol = mixture_presentations(task, learner, seed=streams.integer(seed, "presentations"),
                                         bias=VALUES["fig2_bias"], presentation=PRESENTATION, dt=DT)
        synapses = dlr.single_branch().synapses(
            protocol.inputs, learner, connect=protocol.connect, name="dlr_synapses",
            t_train=presentations * PRESENTATION,  # eta0 = 1.8 mV -> eta0 / 6 [P]: the rule's defaults
        )
        synapses.w = initial_weights(runs, seed).ravel() * mV
        monitor = StateMonitor(synapses, "w", record=True, dt=record_every * PRESENTATION, when="end")
        session.run(presentations * PRESENTATION, [learner, *protocol.objects, synapses, monitor], description="DLR training")
        history = np.vstack([np.asarray(monitor.w / mV).T, np.asarray(synapses.w / mV)[None]])
    return history.reshape(len(history), runs, protocol.n_inputs)


def train_grid(task, presentations, seed, backend="standalone", progress=True, every_input=False, pixels=None):
    """Fig 3: train one learner per pixel (``pixels``: a subset of pixel indices, default all) on
    ``presentations`` fresh samples; returns (weights (pixels, inputs) in mV, samples).

    A learner only ever sees its own pixel's teaching signal, so a subset of
    pixels trains exactly as it would inside the whole grid.
    """
    pixels = np.arange(task.grid**2) if pixels is None else np.asarray(pixels, int)
    rng = streams.generator(seed, "training samples")
    samples = task.sample(presentations, rng)
    spike_indices, spike_times = task.input_spikes(samples, rng, PRESENTATION, DT)
    teach_presentations, teach_pixels = task.covered_pixels(samples)
    learner_of = np.full(task.grid**2, -1)
    learner_of[pixels] = np.arange(len(pixels))
    taught = learner_of[teach_pixels] >= 0
    name = f"rao2021-fig3-{task.grid}x{task.grid}-{len(pixels)}learners-{task.n_inputs}inputs" + ("-dense" if every_input else "")
    with Session(backend, seed=seed, name=name, dt=DT, progress=progress) as session:
        learner = dlr_neuron().neurons(len(pixels), name="learner")
        protocol = spike_train_presentations(
            learner, task.n_inputs, spike_indices, spike_times * second, learner_of[teach_pixels[taught]],
            teach_presentations[taught], presentations, presentation=PRESENTATION, every_input=every_input)
        eta0 = VALUES["fig3_eta0"]
        synapses = dlr.single_branch().synapses(protocol.inputs, learner, name="dlr_synapses", dt=PRESENTATION,
                                                eta0=eta0, eta_final=eta0 / 6, t_train=presentations * PRESENTATION)
        synapses.w = VALUES["fig3_initial_weight_mV"] * mV
        session.run(protocol.duration, [learner, *protocol.objects, synapses], description="DLR training (Fig 3)")
        weights = arrange(np.asarray(synapses.w / mV), (synapses.j[:], synapses.i[:]), (len(pixels), task.n_inputs))
    return weights, samples


def initial_branch_weights(runs, branches, u0, rng):
    """Fig 4: (runs, branches, 3) mV: hyperplanes w . xbar = u0 through U[110, 130]^2 Hz with random unit normals [P]."""
    points = metrics.expected_xbar(rng.uniform(110, 130, (runs, branches, 2)))
    normals = rng.standard_normal((runs, branches, 2))
    normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
    slopes = VALUES["fig4_init_slope"] * normals
    bias = (u0 - (slopes * points).sum(-1)) / metrics.expected_xbar(float(VALUES["fig4_bias"] / Hz))
    return np.concatenate([slopes, bias[..., None]], -1)


def train_branches(name, presentations, initialisations, seed, backend, progress, datasets=DATASETS, clusters=None):
    """Fig 4: one configuration on all datasets x initialisations; weights (datasets, inits, branches, 3) in mV.

    ``datasets``: {name: the label of each cluster} (default: OR, AND, XOR); ``clusters``: the
    ``GaussianMixture`` whose cluster positions are presented (default: the paper's four clusters)."""
    branches, interaction, update, psi, _ = CONFIGURATIONS[name]
    clusters = clusters or mixture("OR")
    runs = len(datasets) * initialisations
    labels = np.repeat([datasets[d] for d in datasets], initialisations, axis=0)
    tag = name.replace(" ", "").replace(",", "-").replace(".", "")
    eta0 = VALUES["fig4_eta0"]
    with Session(backend, seed=seed, name=f"rao2021-fig4-{tag}-{runs}runs", dt=DT, progress=progress) as session:
        learner = multi_branch_neuron(branches, interaction).neurons(runs, name="learner", **psi)
        protocol = mixture_presentations(clusters, learner, seed=streams.integer(seed, "presentations"),
                                         bias=VALUES["fig4_bias"], presentation=PRESENTATION, dt=DT, labels=labels,
                                         readout_reset=branch_readout_reset(branches))
        connect, branch = protocol.branch_connect(branches)
        synapses = dlr.multi_branch(branches, update).synapses(
            protocol.inputs, learner, connect=connect, name="dlr_synapses",
            eta0=eta0, eta_final=eta0 / 6, t_train=presentations * PRESENTATION, w_min=-1e6 * mV, w_max=1e6 * mV)
        synapses.branch = branch
        order = (branch, connect["j"], connect["i"] % 3)  # synapse k's (branch, run, input), as connected
        weights = initial_branch_weights(runs, branches, U0, streams.generator(seed, "initial weights"))
        synapses.w = weights.transpose(1, 0, 2)[order] * mV
        session.run(presentations * PRESENTATION, [learner, *protocol.objects, synapses], description=f"Fig 4: {name}")
        final = arrange(np.asarray(synapses.w / mV), order, (branches, runs, 3)).transpose(1, 0, 2)
    return final.reshape(len(datasets), initialisations, branches, 3)
