"""Presentation protocol of DLR: sampled input patterns as Poisson trains, instructive Ca2+ spikes.

Many independent training runs are batched in one network: run r has its
own learner neuron, its own inputs and its own random samples, all drawn in
compiled code (Brian2's random numbers, seeded by ``seed``). Every
``presentation`` (400 ms [P]) each run draws a cluster of the task, its
label z and a pattern x; input c of the run fires as a Poisson train at rate
x_c (a last input at the constant ``bias`` rate); if z = 1 the teacher kicks
the apical branch at ``teach_at``, which fires a Ca2+ spike. The protocol
never edits the learner's equations: it adds spike sources, Synapses and
per-presentation resets of the read-out.
"""

from dataclasses import dataclass

import brian2
import numpy as np
from brian2 import Hz, NeuronGroup, Synapses, mV, ms
from scipy.special import gammaln, logsumexp

from ..models.dlr import BRANCH_READOUT_RESET, PSP_INPUT_RESET, psp_input
from ..parameters import ParameterError
from .validation import positive_int, quantity_array, seed_value

OWNER = "mixture_presentations"


@dataclass(frozen=True)
class GaussianMixture:
    """Labelled 2-D Gaussian clusters of input rates.

    means, sds : (K, 2) arrays in Hz (sds along the rotated principal axes)
    angles : (K,) rotation of each cluster's axes (rad)
    priors, labels : (K,) cluster probabilities and their z in {0, 1}
    """

    means: np.ndarray
    sds: np.ndarray
    angles: np.ndarray
    priors: np.ndarray
    labels: np.ndarray

    def __post_init__(self):
        for name in ("means", "sds", "angles", "priors", "labels"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=float))
        k = len(self.priors)
        shapes = {"means": (k, 2), "sds": (k, 2), "angles": (k,), "labels": (k,)}
        for name, shape in shapes.items():
            if getattr(self, name).shape != shape:
                raise ParameterError(name, f"GaussianMixture: '{name}' must have shape {shape} for {k} clusters, got {getattr(self, name).shape}")
        if np.any(self.sds <= 0) or np.any(self.priors < 0) or not np.isclose(self.priors.sum(), 1):
            raise ParameterError("priors", "GaussianMixture: sds must be positive and priors non-negative, summing to 1")

    @property
    def transforms(self):
        """(K, 2, 2) matrices A_k with x = mean_k + A_k n, n ~ N(0, I): rotation x diag(sd)."""
        cos, sin = np.cos(self.angles), np.sin(self.angles)
        rotations = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)
        return rotations * self.sds[:, None, :]

    def sample(self, n, rng):
        """n patterns (Hz) and labels, drawn with the numpy Generator ``rng``."""
        clusters = rng.choice(len(self.priors), size=n, p=self.priors)
        noise = rng.standard_normal((n, 2))
        x = self.means[clusters] + np.einsum("nij,nj->ni", self.transforms[clusters], noise)
        return x, self.labels[clusters]

    def log_densities(self, x):
        """(n, K) log p(x | cluster k)."""
        covariances = self.transforms @ np.swapaxes(self.transforms, 1, 2)
        out = []
        for mean, covariance in zip(self.means, covariances):
            diff = x - mean
            solved = np.linalg.solve(covariance, diff.T).T
            out.append(-0.5 * np.sum(diff * solved, 1) - 0.5 * np.log(np.linalg.det(2 * np.pi * covariance)))
        return np.stack(out, 1)

    def posterior(self, x):
        """Bayes-optimal p(z = 1 | x)."""
        log_joint = self.log_densities(np.asarray(x, dtype=float)) + np.log(self.priors)
        weights = np.exp(log_joint - log_joint.max(1, keepdims=True))
        return (weights * self.labels).sum(1) / weights.sum(1)

    def presented_posterior(self, rates, duration_s, points=801):
        """p(z = 1 | rates estimated from one presentation): each input's spike count over ``duration_s``
        (s) is Poisson(x duration_s) with x the cluster's rate, so the observed ``rates`` (n, 2) (Hz; count
        / duration, any non-negative value) are scored by quadrature over x of N(x; mean, sd) x Poisson.
        Axis-aligned clusters only (angles 0 or equal sds), where the two inputs are independent."""
        if np.any((self.angles != 0) & (self.sds[:, 0] != self.sds[:, 1])):
            raise ParameterError("angles", "presented_posterior: needs axis-aligned clusters (angle 0 or equal sds)")
        if duration_s <= 0:
            raise ParameterError("duration_s", f"presented_posterior: duration must be positive, got {duration_s}")
        counts = np.asarray(rates, dtype=float) * duration_s  # (n, 2)
        log_joint = np.log(self.priors) + np.zeros((len(counts), len(self.priors)))
        for k, (means, sds) in enumerate(zip(self.means, self.sds)):
            for d in range(2):
                x = np.linspace(max(1e-6, means[d] - 8 * sds[d]), means[d] + 8 * sds[d], points)  # Hz
                log_prior = -0.5 * ((x - means[d]) / sds[d]) ** 2 - np.log(sds[d] * np.sqrt(2 * np.pi)) + np.log(x[1] - x[0])
                lam = x * duration_s
                log_poisson = counts[:, d:d + 1] * np.log(lam) - lam - gammaln(counts[:, d:d + 1] + 1)
                log_joint[:, k] += logsumexp(log_poisson + log_prior, axis=1)
        weights = np.exp(log_joint - log_joint.max(1, keepdims=True))
        return (weights * self.labels).sum(1) / weights.sum(1)


@dataclass(frozen=True)
class Presentations:
    """The protocol's Brian2 objects; ``connect`` wires each run's inputs to its learner."""

    inputs: NeuronGroup
    sampler: NeuronGroup
    objects: list
    connect: dict
    n_inputs: int

    def branch_connect(self, branches):
        """(connect, branch): one synapse per input and branch, and each synapse's branch index."""
        n = len(self.connect["i"])
        connect = {key: np.tile(value, branches) for key, value in self.connect.items()}
        return connect, np.repeat(np.arange(branches), n)


def mixture_presentations(mixture, learner, seed, bias=40 * Hz, presentation=400 * ms,
                          teach_at=100 * ms, kick=30 * mV, dt=1 * ms, labels=None,
                          readout_reset=BRANCH_READOUT_RESET):
    """Batch one run per ``learner`` neuron on samples of ``mixture``; see module doc.

    ``labels``: optional (runs, clusters) z of each cluster per run (default:
    ``mixture.labels`` for all), e.g. OR, AND and XOR tasks in one network.
    ``readout_reset``: the learner's read-out code run at each presentation start.
    """
    quantity_array("bias", bias, Hz, OWNER)
    quantity_array("kick", kick, mV, OWNER)
    for name, value in (("presentation", presentation), ("teach_at", teach_at), ("dt", dt)):
        quantity_array(name, value, ms, OWNER)
    steps = positive_int("presentation", round(float(presentation / dt)), OWNER)
    if not 0 * ms < teach_at < presentation:
        raise ParameterError("teach_at", f"{OWNER}: 'teach_at' must lie inside the presentation, got {teach_at}")
    brian2.seed(seed_value(seed, OWNER))
    n_runs, n_inputs = len(learner), 3
    k = len(mixture.priors)
    labels = np.tile(mixture.labels, (n_runs, 1)) if labels is None else np.asarray(labels, dtype=float)
    if labels.shape != (n_runs, k):
        raise ParameterError("labels", f"{OWNER}: 'labels' must have shape {(n_runs, k)} (runs, clusters), got {labels.shape}")
    inputs = psp_input(steps).neurons(n_runs * n_inputs, presentation=presentation, name="inputs")
    inputs.run_regularly(PSP_INPUT_RESET, dt=presentation, when="start", order=-1, name="inputs_presentation_start")

    cumulative = np.cumsum(mixture.priors)[:-1]
    draw = "\n".join(
        ["draw = rand()", "cluster = " + (" + ".join(f"int(draw >= {float(c)!r})" for c in cumulative) or "0"),
         "label = " + " + ".join(f"int(cluster == {i}) * label_{i}" for i in range(k)),
         "n1 = randn()", "n2 = randn()"]
    )
    sampler = NeuronGroup(
        n_runs, "cluster : integer\nlabel : 1\nn1 : 1\nn2 : 1\ndraw : 1\n" + "\n".join(f"label_{i} : 1 (constant)" for i in range(k)),
        events={"teach": "timestep(t, dt) % presentation_steps == teach_step and label > 0.5"},
        namespace={"presentation_steps": steps, "teach_step": round(float(teach_at / dt))},
        name="sampler",
    )
    for i in range(k):
        setattr(sampler, f"label_{i}", labels[:, i])
    sampler.run_regularly(draw, dt=presentation, when="start", order=-3, name="sampler_draw")

    # each input's rate, a summed variable kept equal to its run's current sample
    coefficients = "\n".join(f"{c}_{i} : Hz (constant)" for i in range(k) for c in "mab")
    rate = " + ".join(f"int(cluster_pre == {i}) * (m_{i} + a_{i} * n1_pre + b_{i} * n2_pre)" for i in range(k))
    rates = Synapses(sampler, inputs, f"{coefficients}\nrate_post = clip({rate}, 0*Hz, 1/dt) : Hz (summed)", name="sample_rates")
    rates.connect(i=np.repeat(np.arange(n_runs), n_inputs), j=np.arange(n_runs * n_inputs))
    for i, (mean, transform) in enumerate(zip(mixture.means, mixture.transforms)):
        per_input = {"m": np.append(mean, float(bias / Hz)), "a": np.append(transform[:, 0], 0), "b": np.append(transform[:, 1], 0)}
        for letter, values in per_input.items():
            setattr(rates, f"{letter}_{i}", np.tile(values, n_runs) * Hz)

    teacher = Synapses(sampler, learner, on_pre="v_a_post += kick", on_event="teach", namespace={"kick": kick}, name="teacher")
    teacher.connect(i=np.arange(n_runs), j=np.arange(n_runs))
    learner.run_regularly(readout_reset, dt=presentation, when="start", name="readout_presentation_start")
    return Presentations(
        inputs=inputs, sampler=sampler, objects=[inputs, sampler, rates, teacher],
        connect={"i": np.arange(n_runs * n_inputs), "j": np.arange(n_runs * n_inputs) // n_inputs},
        n_inputs=n_inputs,
    )
