"""Sweep experiments of Burbank & Kreiman 2012 (``gatedplasticity sweep EXPERIMENT``).

``stdp-drift``: all-to-all classical or reverse STDP between independent
Bernoulli-Poisson pre/post trains (one synapse per pair of neurons), the
all-to-all drift of Fig 1. Compiled once per (rule, synapses, duration):
mu, alpha, the rate and the seed reach the binary through ``run_args``.
Row: mean and SD of the weight change, and its closed-form expectation
(``analysis.stdp.poisson_drift``).

``burbank-if``: the integrate-and-fire network trained until classified
(``protocols.top_down``); one build per (rule, extensions, delay,
tau_STDP), everything else through run_args. Row: outcome (as an index
into ``analysis.convergence.OUTCOMES``), presentations, final std(W), rates.
"""

from dataclasses import replace
from pathlib import Path

from brian2 import Hz, NeuronGroup, ms, second

from ...analysis import stdp as closed_form
from ...analysis.convergence import OUTCOMES
from ...backends import Built, Program
from ...models import linear
from ...protocols import top_down
from ...rules import stdp
from ...sweep import Experiment
from .parameters import CALIBRATED, EXTENSIONS, TABLE1, VALUES, network_parameters

DT = 1 * ms
POISSON = "rate : Hz (shared)"


def drift_network(rule, synapses):
    """Poisson pre and post groups (shared ``rate``) and one STDP synapse per pair, mu and alpha tunable."""
    pre = NeuronGroup(synapses, POISSON, threshold="rand() < rate * dt", name="pre")
    post = NeuronGroup(synapses, POISSON, threshold="rand() < rate * dt", name="post")
    return pre, post, stdp.rule(rule).synapses(pre, post, connect={"j": "i"}, tunable=("mu", "alpha"))


def build_drift(structure, copies):
    """The drift network of ``structure`` = (rule, synapses, duration s) for ``backends.Program``."""
    rule, n, duration = structure
    pre, post, synapses = drift_network(rule, n)
    return Built(objects=[pre, post, synapses], duration=duration * second,
                 values={"mu": synapses.mu, "alpha": synapses.alpha, "pre_rate": pre.rate, "post_rate": post.rate},
                 outputs={"w": synapses.w}, sizes={"w": n})


def prepare_drift(structure):
    """The drift program of ``structure``, built (a sweep's prepared object: ``close()`` leaves it)."""
    return Program(build_drift, structure, name="sweep-stdp-drift", dt=DT).open()


def drift_structure(values):
    """(rule, synapses, duration s): what the compiled drift program depends on."""
    return values["rule"], int(values["synapses"]), float(values["duration"])


def drift_row(values, seed, program):
    point = {"mu": values["mu"], "alpha": values["alpha"], "pre_rate": values["rate"], "post_rate": values["rate"]}
    weights = program.run(point, seed)["w"][0]
    expected = closed_form.poisson_drift(values["rate"] / Hz, values["rate"] / Hz, values["duration"], float(DT / second),
                                         rule=values["rule"], mu=values["mu"], alpha=values["alpha"])
    return {"mean_dw": weights.mean(), "sd_dw": weights.std(), "expected_dw": expected}


NETWORK_PARAMETERS = {
    "rule": "reverse", **TABLE1, **CALIBRATED, **EXTENSIONS, "eps": VALUES["q_eps"], "smooth": True,
    "q_seed": VALUES["q_seed"], "c_seed": VALUES["c_seed"], "max_presentations": VALUES["max_presentations"],
    "multiplicative": False, "bottom_up_rule": None, "homeostasis": False, "c_higher_seed": 2,
}
NETWORK_SIZE = VALUES["size"]
#: Batched runs write their checkpoint every this many chunks (2 MB each; a few minutes of work).
CHECKPOINT_EVERY = 10
HOMEOSTASIS_CHUNK = 300


def network_setup(values):
    """(complete Structure, Parameters) of a point's values; homeostasis (every 30 presentations) runs in
    chunks of 300, which divide 3,000."""
    params = network_parameters(**{name: values[name] for name in (*TABLE1, *CALIBRATED, *EXTENSIONS)})
    structure = top_down.Structure(rule=values["rule"], multiplicative=bool(values["multiplicative"]),
                                   bottom_up_rule=values["bottom_up_rule"], homeostasis=bool(values["homeostasis"]),
                                   **({"chunk": HOMEOSTASIS_CHUNK} if values["homeostasis"] else {}))
    return structure.for_network((NETWORK_SIZE, NETWORK_SIZE), params), params


def network_structure(values):
    """What the compiled network of a point depends on: its complete Structure."""
    return network_setup(values)[0]


def prepare_network(structure):
    """The network program of ``structure``, built (a sweep's prepared object: ``close()`` leaves it)."""
    return top_down.program(structure).open()


def network_inputs(values):
    """(Q, C, C of the higher layer or None) of a point's values."""
    q = linear.q_matrix(NETWORK_SIZE, values["eps"], seed=int(values["q_seed"]), smooth=bool(values["smooth"]))
    c = top_down.correlation_matrix(NETWORK_SIZE, seed=int(values["c_seed"]))
    higher = bool(values["higher_input"] > 0)
    return q, c, top_down.correlation_matrix(NETWORK_SIZE, seed=int(values["c_higher_seed"])) if higher else None


def network_row(values, seed, program):
    q, c, c_higher = network_inputs(values)
    structure, params = network_setup(values)
    result = top_down.train(q, c, seed, params, structure, max_presentations=int(values["max_presentations"]),
                            program=program, c_higher=c_higher, progress=False)
    return training_row(result)


def training_row(result):
    """A sweep row of a finished training: outcome (index into OUTCOMES), presentations, last-chunk diagnostics."""
    last = result.history.iloc[-1]
    return {"outcome_code": OUTCOMES.index(result.outcome), "presentations": result.presentations,
            **{name: last[name] for name in ("std_w", "mean_w", "fraction_extreme", "corr_lag", "corr_fixed_point",
                                             "rate_lower", "rate_higher", "spikes_lower", "spikes_higher")},
            "wall_time": result.wall_time}


def checkpoint_path(directory, key):
    """Where a batched run of a sweep folder keeps its checkpoint (kept after it ends, with its last snapshots)."""
    return Path(directory) / "checkpoints" / f"{key}.npz"


def network_batch(group, record, copies, directory):
    """Run the points of ``group`` [(point, key)] as copies of one program per (structure, tau_syn, tau_stdp)
    (``protocols.top_down.batch``), each from its checkpoint ``directory/checkpoints/<key>.npz``;
    ``record(index, row)`` as each run ends."""
    runs = []
    for point, key in group:
        q, c, c_higher = network_inputs(point.values)
        structure, params = network_setup(point.values)
        runs.append(top_down.NetworkRun(q, c, point.seed, params, replace(structure, gaussian="copy"),
                                        int(point.values["max_presentations"]), c_higher,
                                        checkpoint=checkpoint_path(directory, key),
                                        checkpoint_every=CHECKPOINT_EVERY))
    for members in top_down.group_by_program(runs).values():
        indices = [index for index, _ in members]
        top_down.train_many([run for _, run in members], min(copies, len(members)), progress=False,
                            on_finish=lambda k, result, indices=indices: record(indices[k], training_row(result)))


STDP_DRIFT = Experiment(
    name="stdp-drift",
    parameters={"mu": 0.01, "alpha": 1.2, "rate": 20 * Hz, "rule": "reverse", "synapses": 200, "duration": 20.0},
    run=drift_row,
    structure=drift_structure,
    prepare=prepare_drift,
    choices={"rule": tuple(stdp.WINDOWS)},
    description="all-to-all STDP drift under independent Poisson trains (Burbank & Kreiman 2012, Fig 1)",
)


BURBANK_IF = Experiment(
    name="burbank-if",
    parameters=NETWORK_PARAMETERS,
    run=network_row,
    structure=network_structure,
    prepare=prepare_network,
    run_batch=network_batch,
    choices={"rule": tuple(stdp.WINDOWS), "bottom_up_rule": tuple(stdp.WINDOWS)},
    description="two-layer integrate-and-fire network, top-down cSTDP/rSTDP trained until classified "
                "(Burbank & Kreiman 2012, Figs 4-7); compiled once per (rule, extensions, delay, tau_STDP)",
)

EXPERIMENTS = {experiment.name: experiment for experiment in (STDP_DRIFT, BURBANK_IF)}
