"""Two-layer integrate-and-fire network with plastic top-down weights (Burbank & Kreiman 2012, Methods).

100 lower and 100 higher conductance LIF neurons (``models.burbank_lif``),
no lateral connections. Bottom-up Q (lower -> higher) is fixed, or plastic
with its own rule (``bottom_up_rule``, rate ``zeta`` x mu); top-down W
(higher -> lower) learns by all-pairs cSTDP or rSTDP (``rules.stdp``) with
hard bounds +-w_bound. Every spike reaches its target after the delay d,
and STDP pairs the arrival time t_pre + d with t_post. Lower neurons get
the external input J (one correlated strength vector per presentation, see
:func:`input_strengths`) and noise S; higher neurons get noise and, for
Fig 7, their own external input scaled by ``higher_input``.

Training runs in chunks of ``chunk`` presentations. Under standalone the
network is compiled once and each chunk reruns the binary with the weights,
input gains, the chunk's input strengths and a new seed as ``run_args``;
under runtime the same network simply runs on. After each chunk the
weights are classified (``analysis.convergence.classify_if``) and training
stops as soon as a verdict is reached [R: the paper checks after every
presentation; here every ``chunk`` = 1,500 presentations, the lags 3,000
and 6,000 being multiples of it]. With ``checkpoint=`` the state after
each chunk is written atomically and an interrupted run resumes there.

Homeostatic scaling (Fig 6, [R] form of the Methods): every 30
presentations each lower neuron's top-down weights and external input gain
are multiplied by h_i = max(0, 1 + gamma mu (F - rbar_i)/F), rbar_i its
rate over those presentations [R: the rectification; far above the target
the paper's factor would flip the weights' signs]. The scaling at the end
of a chunk happens in the first step of the next one.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import Hz, Network, NeuronGroup, Quantity, SpikeMonitor, Synapses, TimedArray, ms, second
from scipy.stats import norm
from tqdm import tqdm

from ..analysis.convergence import (IF_CORRELATION_LAG, IF_EXTREME_MARGIN, IF_MAX_PRESENTATIONS, IF_STD_LAG,
                                     classify_if, safe_correlation)
from ..backends import Session
from ..models.lif import G_PER_INPUT, arrival_relay, burbank_lif
from ..parameters import ParameterError, resolve
from ..results import atomic_write
from ..rules import stdp
from .validation import positive_int, seed_value

OWNER = "top-down network"
DT = 1 * ms  # [P]
PRESENTATION = 160 * ms  # [R]
CHUNK = 1500
HOMEOSTASIS_EVERY = 30  # presentations [P]

#: Table 1, last column: the values of Figs 3, 4, 6 and 8.
TABLE1 = {
    "alpha": 1.2, "mu": 0.01, "delay": 15 * ms, "tau_stdp": 20 * ms, "noise_rate": 2000 * Hz,
    "tau_syn": 15 * ms, "sigma_input": 1.0, "sigma_noise": 0.5, "w_bound": 50.0,
}
#: Extensions: homeostasis (F, gamma), concurrent Q (zeta, alpha_q), higher-layer input ratio.
EXTENSION_DEFAULTS = {"target_rate": 20 * Hz, "gamma": 1.0, "zeta": 1.0, "alpha_q": 1.2, "higher_input": 0.0}
TRACE_FORMULATIONS = stdp.TRACES

SEEDER = """
run_seed : 1 (shared, constant)
used_seed : 1 (shared)
"""

HOMEOSTASIS = """
homeostatic_scale = clip(1 + homeostasis_started * homeostasis_rate * (target_rate - (spike_count - spikes_at_scaling) / period) / target_rate, 0, inf)
input_gain *= homeostatic_scale
spikes_at_scaling = spike_count
homeostasis_started = 1
"""


def correlation_matrix(n, seed, rank=10):
    """A random input cross-correlation matrix C (n x n) [R: C = corr(B B^T), B ~ N(0, 1) of shape n x rank]."""
    factors = np.random.default_rng(seed).standard_normal((n, rank))
    covariance = factors @ factors.T + 1e-6 * np.eye(n)
    scale = np.sqrt(np.diag(covariance))
    return covariance / np.outer(scale, scale)


def input_strengths(c, presentations, rng):
    """One strength vector per presentation (rows), uniform marginals in (0, 1), cross-correlated by C.

    [R] Gaussian copula: z ~ N(0, C), strength = Phi(z); the paper asks only
    that the strengths' average cross-correlation equal C.
    """
    z = rng.standard_normal((presentations, len(c))) @ np.linalg.cholesky(c).T
    return norm.cdf(z)


@dataclass
class TopDownNetwork:
    """Brian2 objects of the two-layer network; ``state()`` / ``set_state()`` carry training across chunks."""

    lower: object
    higher: object
    bottom_up: object
    top_down: object
    seeder: object
    strengths: dict
    objects: list
    params: dict
    plastic_bottom_up: bool = False


def parameters(overrides):
    """TABLE1 and extension parameters with ``overrides`` (names and units checked)."""
    return resolve({**TABLE1, **EXTENSION_DEFAULTS}, overrides, OWNER)


def build(q, rule="reverse", chunk=CHUNK, traces="neuron", multiplicative=False, bottom_up_rule=None,
          homeostasis=False, higher_layer_input=False, record_spikes=False, strengths=None, **overrides):
    """Build the network for bottom-up weights ``q`` (lower x higher); ``overrides`` replace TABLE1 values.

    ``strengths``: {"lower": array, ["higher": array]} of input strengths, one
    row per presentation (default zeros for ``chunk`` presentations; a
    standalone build takes each chunk's through run_args).
    """
    q = np.asarray(q, float)
    if q.ndim != 2:
        raise ParameterError("q", f"{OWNER}: q must be a 2-D matrix (lower x higher), got shape {q.shape}")
    if rule not in stdp.RULES:
        raise ParameterError("rule", f"{OWNER}: unknown rule {rule!r}; choose one of {', '.join(stdp.RULES)}")
    if traces not in TRACE_FORMULATIONS:
        raise ParameterError("traces", f"{OWNER}: unknown traces {traces!r}; choose one of {', '.join(TRACE_FORMULATIONS)}")
    if bottom_up_rule is not None and bottom_up_rule not in stdp.RULES:
        raise ParameterError("bottom_up_rule", f"{OWNER}: unknown rule {bottom_up_rule!r}; choose one of {', '.join(stdp.RULES)}")
    params = parameters(overrides)
    if params["delay"] < DT:
        raise ParameterError("delay", f"{OWNER}: the delay must be at least one time step ({DT}), got {params['delay']}")
    if homeostasis and chunk % HOMEOSTASIS_EVERY:
        raise ParameterError("chunk", f"{OWNER}: with homeostasis the chunk must be a multiple of {HOMEOSTASIS_EVERY}")
    n_lower, n_higher = q.shape
    strengths = strengths or {}
    neuron_params = {name: params[name] for name in ("tau_syn", "noise_rate", "sigma_noise")}
    input_params = {"sigma_input": params["sigma_input"], "input_delay": params["delay"], "presentation": PRESENTATION}
    trace = traces == "neuron"
    timed = {"lower": TimedArray(strengths.get("lower", np.zeros((chunk, n_lower))), dt=PRESENTATION, name="lower_strength")}
    lower_model = burbank_lif(noise=True, external_input=True, stdp_trace=trace, homeostasis=homeostasis)
    extra = {"tau_stdp": params["tau_stdp"]} if trace else {}
    lower = lower_model.neurons(n_lower, name="lower", functions={"strength": timed["lower"]},
                                **neuron_params, **input_params, **extra)
    lower.input_gain = 1
    if higher_layer_input:
        timed["higher"] = TimedArray(strengths.get("higher", np.zeros((chunk, n_higher))), dt=PRESENTATION, name="higher_strength")
        higher = burbank_lif(noise=True, external_input=True, stdp_trace=trace).neurons(
            n_higher, name="higher", functions={"strength": timed["higher"]}, **neuron_params, **input_params, **extra)
        higher.input_gain = params["higher_input"]
    else:
        higher = burbank_lif(noise=True, stdp_trace=trace).neurons(n_higher, name="higher", **neuron_params, **extra)
    objects = [lower, higher]
    transmit = f"g_post += {G_PER_INPUT} * w"
    bounds = {"w_min": -params["w_bound"], "w_max": params["w_bound"]}
    if trace:
        (lower_source, lower_feed), (higher_source, higher_feed) = (relay(group, params["delay"], params["tau_stdp"])
                                                                    for group in (lower, higher))
        objects += [lower_source, lower_feed, higher_source, higher_feed]
        delay = 0 * ms
    else:
        lower_source, higher_source, delay = lower, higher, params["delay"]
    if bottom_up_rule:
        bottom_up = stdp.by_name(bottom_up_rule, traces, multiplicative).synapses(
            lower_source, higher, transmit=transmit, tunable=("mu", "alpha", "w_min", "w_max"), name="bottom_up",
            mu=params["zeta"] * params["mu"], alpha=params["alpha_q"], **bounds, **({} if trace else {"tau_stdp": params["tau_stdp"]}))
    else:
        bottom_up = Synapses(lower_source, higher, "w : 1", on_pre=transmit, name="bottom_up")
        bottom_up.connect()
    bottom_up.w = q.ravel()  # Brian2 orders all-to-all synapses i-major: row i of q = synapses from lower i
    bottom_up.delay = delay
    top_down = stdp.by_name(rule, traces, multiplicative).synapses(
        higher_source, lower, transmit=transmit, tunable=("mu", "alpha", "w_min", "w_max"), name="top_down",
        mu=params["mu"], alpha=params["alpha"], **bounds, **({} if trace else {"tau_stdp": params["tau_stdp"]}))
    top_down.delay = delay
    seeder = NeuronGroup(1, SEEDER, name="seeder")
    if record_spikes:
        objects.append(SpikeMonitor(lower, name="lower_spikes"))
    if homeostasis:
        _homeostasis(lower, top_down, params)
    objects += [bottom_up, top_down, seeder]
    return TopDownNetwork(lower=lower, higher=higher, bottom_up=bottom_up, top_down=top_down, seeder=seeder,
                          strengths=timed, objects=objects, params=params,
                          plastic_bottom_up=bool(bottom_up_rule))


def relay(group, delay, tau_stdp=20 * ms, name=None):
    """(relay, feed): ``group``'s spikes as they arrive after ``delay`` (>= one step), with a neuron-level STDP trace.

    The feed runs after the resets so that spikes in consecutive steps all
    arrive (the relay's reset in the same step would otherwise erase one).
    """
    name = name or f"{group.name}_arrivals"
    arrivals = arrival_relay().neurons(len(group), name=name, tau_stdp=tau_stdp)
    feed = Synapses(group, arrivals, on_pre="arrived_post = 1", name=f"{name}_feed")
    feed.connect(j="i")
    feed.delay = delay - DT
    feed.pre.when = "after_resets"
    return arrivals, feed


def _homeostasis(lower, top_down, params):
    """Every HOMEOSTASIS_EVERY presentations: lower neurons compute h_i and scale their input gain, then their top-down weights."""
    period = HOMEOSTASIS_EVERY * PRESENTATION
    lower.namespace["period"] = period
    lower.homeostasis_rate = params["gamma"] * params["mu"]
    lower.target_rate = params["target_rate"]
    lower.run_regularly(HOMEOSTASIS, dt=period, when="end", order=0, name="homeostasis_neurons")
    top_down.run_regularly("w = clip(w * homeostatic_scale_post, w_min, w_max)", dt=period, when="end", order=1,
                           name="homeostasis_weights")


STRUCTURE = {"rule": "reverse", "traces": "neuron", "multiplicative": False, "bottom_up_rule": None,
             "homeostasis": False, "higher_layer_input": False, "record_spikes": False, "chunk": CHUNK}


def structure_of(**options):
    """The options that change the compiled program (everything else goes in through run_args)."""
    unknown = set(options) - set(STRUCTURE)
    if unknown:
        raise ParameterError(sorted(unknown)[0], f"{OWNER}: unknown option {sorted(unknown)[0]!r}; "
                                                 f"valid options: {', '.join(STRUCTURE)}")
    return {**STRUCTURE, **options}


def state_variables(network):
    """Variables carried from one chunk to the next: weights, gains, counters and membrane state."""
    groups = {"lower": network.lower, "higher": network.higher}
    groups.update({obj.name: obj for obj in network.objects if obj.name.endswith("_arrivals")})
    variables = {"w": network.top_down.w, "q": network.bottom_up.w, "input_gain": network.lower.input_gain}
    for label, group in groups.items():
        for name in ("v", "g", "stdp_trace", "spike_count", "spikes_at_scaling", "homeostasis_started"):
            if name in group.variables:
                variables[f"{label}.{name}"] = getattr(group, name)
    return variables


def tunable_values(network, params):
    """Run-time values of the parameters a compiled network takes through run_args."""
    values = {network.top_down.mu: params["mu"], network.top_down.alpha: params["alpha"],
              network.top_down.w_min: -params["w_bound"], network.top_down.w_max: params["w_bound"]}
    for group in (network.lower, network.higher):
        values.update({group.noise_rate: params["noise_rate"], group.sigma_noise: params["sigma_noise"],
                       group.tau_syn: params["tau_syn"]})
        if "sigma_input" in group.variables:
            values[group.sigma_input] = params["sigma_input"]
    if network.plastic_bottom_up:
        values.update({network.bottom_up.mu: params["zeta"] * params["mu"], network.bottom_up.alpha: params["alpha_q"],
                       network.bottom_up.w_min: -params["w_bound"], network.bottom_up.w_max: params["w_bound"]})
    if "homeostasis_rate" in network.lower.variables:
        values.update({network.lower.homeostasis_rate: params["gamma"] * params["mu"],
                       network.lower.target_rate: params["target_rate"]})
    if "higher" in network.strengths:
        values[network.higher.input_gain] = np.full(len(network.higher), params["higher_input"])
    return values


def with_units(variables, state):
    """{variable: value with the variable's unit} for a state of plain arrays."""
    return {variables[name]: Quantity(value, dim=variables[name].dim) for name, value in state.items()}


def read_state(variables):
    """The current values of ``variables`` as plain arrays (SI units)."""
    return {name: np.array(variable[:]) for name, variable in variables.items()}


class CompiledNetwork:
    """One standalone build of a network structure, rerun once per chunk with run_args.

    The program does not depend on the weights, inputs, seed or tunable
    parameters (mu, alpha, bounds, noise, input s.d., tau_syn, homeostasis,
    bottom-up rate and bias, higher-layer input ratio): one build serves a
    whole sweep of them. The delay and tau_stdp are compiled in.
    """

    def __init__(self, q_shape, structure, delay, tau_stdp, name=None, progress=False):
        self.structure = structure_of(**structure)
        key = "-".join(str(self.structure[k]) for k in STRUCTURE)
        name = name or f"burbank-if-{q_shape[0]}x{q_shape[1]}-{key}-d{float(delay / ms):g}-tau{float(tau_stdp / ms):g}-{os.getpid()}"
        self.session = Session("standalone", name=name, dt=DT, progress=progress).__enter__()
        self.network = build(np.zeros(q_shape), **self.structure, delay=delay, tau_stdp=tau_stdp)
        from ..sweep import seeded  # sweep imports the experiments, which import this module

        self.session.run_stage(self.structure["chunk"] * PRESENTATION,
                               Network(self.network.objects + [seeded(self.network.seeder)]))
        self.session.finish(run=False)
        self.delay, self.tau_stdp = delay, tau_stdp

    def matches(self, q_shape, structure, delay, tau_stdp):
        return (tuple(q_shape) == (len(self.network.lower), len(self.network.higher)) and self.delay == delay
                and self.tau_stdp == tau_stdp and structure_of(**structure) == self.structure)

    def run_chunk(self, state, strengths, seed, params, extra=None):
        """Run one chunk from ``state`` ({name: array}); returns the state at its end. ``extra``: more run_args."""
        network, variables = self.network, state_variables(self.network)
        run_args = {**tunable_values(network, params), network.seeder.run_seed: seed, **(extra or {}),
                    **with_units(variables, state), **{network.strengths[side]: values for side, values in strengths.items()}}
        self.session.rerun(run_args, results_directory=f"results-{os.getpid()}")
        return read_state(variables)

    def close(self):
        self.session.__exit__(None, None, None)


class RuntimeNetwork:
    """The same network in runtime mode (interactive use, tests): one network that runs on chunk by chunk.

    Its input TimedArrays hold all presentations at once, so keep runs short.
    """

    def __init__(self, q_shape, structure, delay, tau_stdp, strengths, seed):
        self.structure = structure_of(**structure)
        self.session = Session("runtime", seed=seed, name="burbank-if", dt=DT, progress=False).__enter__()
        self.network = build(np.zeros(q_shape), **self.structure, delay=delay, tau_stdp=tau_stdp, strengths=strengths)
        self.chunks = 0

    def run_chunk(self, state, strengths, seed, params):
        variables = state_variables(self.network)
        if not self.chunks:
            for variable, value in {**tunable_values(self.network, params), **with_units(variables, state)}.items():
                variable[:] = value
            self.net = Network(self.network.objects)
        self.chunks += 1
        self.net.run(self.structure["chunk"] * PRESENTATION, namespace={})
        return read_state(variables)

    def close(self):
        self.session.__exit__(None, None, None)


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
    """W uniform in [-w_range, w_range] (top-down, higher x lower order of the synapses) [P]."""
    n_lower, n_higher = np.shape(q)
    rng = np.random.default_rng([seed_value(seed, OWNER), 0])
    return {"w": rng.uniform(-w_range, w_range, n_lower * n_higher), "q": np.asarray(q, float).ravel(),
            "input_gain": np.ones(n_lower)}


def weight_matrix(w, n_lower, n_higher):
    """Top-down weights as a lower x higher matrix (synapses are ordered higher-major)."""
    return np.asarray(w).reshape(n_higher, n_lower).T


def train(q, c, seed, max_presentations=IF_MAX_PRESENTATIONS, backend="standalone", compiled=None,
          c_higher=None, checkpoint=None, progress=True, keep_snapshots=(), **options):
    """Train top-down weights until the run is classified (or ``max_presentations``).

    q : bottom-up weights (lower x higher). c : input cross-correlation
    matrix of the lower layer (``c_higher`` for the higher layer's input,
    Fig 7). ``options``: structure options (``STRUCTURE``) and parameter
    overrides (``TABLE1``, ``EXTENSION_DEFAULTS``). ``compiled``: a
    :class:`CompiledNetwork` to reuse (standalone). ``keep_snapshots``:
    presentations whose W (lower x higher) is returned besides the last
    one; every chunk's W is kept while needed for the verdict.
    """
    seed = seed_value(seed, OWNER)
    max_presentations = positive_int("max_presentations", max_presentations, OWNER)
    params = parameters({k: v for k, v in options.items() if k not in STRUCTURE})
    structure = structure_of(**{k: v for k, v in options.items() if k in STRUCTURE},
                             higher_layer_input=params["higher_input"] > 0)
    if structure["higher_layer_input"] and c_higher is None:
        raise ParameterError("c_higher", f"{OWNER}: higher_input needs the higher layer's correlation matrix c_higher")
    q = np.asarray(q, float)
    n_lower, n_higher = q.shape
    if np.shape(c) != (n_lower, n_lower):
        raise ParameterError("c", f"{OWNER}: c must be {n_lower} x {n_lower} like the lower layer, got {np.shape(c)}")
    chunk = structure["chunk"]
    n_chunks = -(-max_presentations // chunk)
    input_rng = np.random.default_rng([seed, 1])
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
            state = runner.run_chunk(state, inputs, seed * 100_003 + done // chunk, params)
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


#: Fig 8's read-out windows (phase within a presentation) and the early burst's end [P].
EARLY, LATE, BURST_END = (0 * ms, 50 * ms), (80 * ms, 160 * ms), 50 * ms


def reconstruction_q(q):
    """Fig 8's weaker bottom-up weights: Q' = 2Q - mean(Q) + 0.5 [P]."""
    return 2 * np.asarray(q) - np.mean(q) + 0.5


def evaluate_reconstruction(q, w, c, seed, stimuli=100, compiled=None, **overrides):
    """Reconstruction of early activity by top-down feedback (Fig 8), one row per stimulus.

    ``stimuli`` presentations of an early burst (input zero after 50 ms),
    plasticity off, run once with top-down weights ``w`` (lower x higher)
    and once with W = 0 (same seed). Per stimulus: corr(late activity minus
    its no-feedback baseline, early activity), spike counts of the lower
    neurons in EARLY and LATE. Standalone; ``compiled`` (a CompiledNetwork
    with ``record_spikes`` and ``chunk=stimuli``) is reused if given.
    """
    q = np.asarray(q, float)
    params = parameters({**overrides, "mu": 0.0})
    runner = compiled or CompiledNetwork(q.shape, {"chunk": stimuli, "record_spikes": True}, params["delay"],
                                         params["tau_stdp"])
    strengths = {"lower": input_strengths(c, stimuli, np.random.default_rng([seed_value(seed, OWNER), 2]))}
    counts = {}
    try:
        network = runner.network
        for label, weights in (("feedback", np.asarray(w, float)), ("baseline", np.zeros_like(w))):
            state = {"w": weights.T.ravel(), "q": q.ravel(), "input_gain": np.ones(q.shape[0])}
            runner.run_chunk(state, strengths, seed, params, extra={network.lower.input_cutoff: BURST_END})
            monitor = next(obj for obj in network.objects if obj.name == "lower_spikes")
            counts[label] = window_counts(np.asarray(monitor.i), np.asarray(monitor.t / second), stimuli, q.shape[0])
    finally:
        if compiled is None:
            runner.close()
    early = counts["feedback"]["early"]
    late = counts["feedback"]["late"] - counts["baseline"]["late"]
    correlations = [safe_correlation(late[k], early[k]) for k in range(stimuli)]
    return pd.DataFrame({"stimulus": np.arange(stimuli), "correlation": correlations,
                         "early_spikes": early.sum(axis=1), "late_spikes": counts["feedback"]["late"].sum(axis=1),
                         "baseline_late_spikes": counts["baseline"]["late"].sum(axis=1)})


def window_counts(indices, times, presentations, n):
    """Spike counts (presentation x neuron) in the EARLY and LATE windows; times in s."""
    period = float(PRESENTATION / second)
    presentation = np.floor(times / period).astype(int)
    phase = times - presentation * period
    result = {}
    for label, (start, stop) in (("early", EARLY), ("late", LATE)):
        inside = (phase >= float(start / second)) & (phase < float(stop / second)) & (presentation < presentations)
        counts = np.zeros((presentations, n))
        np.add.at(counts, (presentation[inside], indices[inside]), 1)
        result[label] = counts
    return result
