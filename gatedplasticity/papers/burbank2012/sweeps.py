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

from brian2 import Hz, NeuronGroup, ms, second

from ... import streams
from ...analysis import stdp as closed_form
from ...analysis.convergence import OUTCOMES
from ...backends import Built, Program
from ...models import linear
from ...protocols import top_down
from ...rules import stdp
from ...sweep import Experiment
from .parameters import CALIBRATED, EXTENSIONS, TABLE1, VALUES
from .training import train

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


IF_PARAMETERS = {
    "rule": "reverse", **TABLE1, **CALIBRATED, **EXTENSIONS, "eps": VALUES["q_eps"], "smooth": 1, "q_seed": VALUES["q_seed"],
    "c_seed": VALUES["c_seed"], "max_presentations": VALUES["max_presentations"], "multiplicative": 0,
    "bottom_up_rule": "none", "homeostasis": 0, "c_higher_seed": 2,
}
IF_SIZE = VALUES["size"]
HOMEOSTASIS_CHUNK = 300


def if_structure(values):
    """Options that change the compiled program of the integrate-and-fire network."""
    return (values["rule"], bool(values["multiplicative"]), values["bottom_up_rule"], bool(values["homeostasis"]),
            values["higher_input"] > 0, float(values["delay"] / ms), float(values["tau_stdp"] / ms))


def if_options(structure):
    """Network options of a structure; homeostasis (every 30 presentations) runs in chunks of 300, which divide 3,000."""
    rule, multiplicative, bottom_up_rule, homeostasis, higher_input, _, _ = structure
    return {"rule": rule, "multiplicative": multiplicative, "homeostasis": homeostasis,
            "higher_layer_input": higher_input, "bottom_up_rule": None if bottom_up_rule == "none" else bottom_up_rule,
            **({"chunk": HOMEOSTASIS_CHUNK} if homeostasis else {})}


def if_prepare(structure):
    return top_down.CompiledNetwork((IF_SIZE, IF_SIZE), if_options(structure), delay=structure[5] * ms,
                                    tau_stdp=structure[6] * ms)


def if_row(values, seed, prepared):
    q = linear.q_matrix(IF_SIZE, values["eps"], seed=int(values["q_seed"]), smooth=bool(values["smooth"]))
    c = top_down.correlation_matrix(IF_SIZE, seed=int(values["c_seed"]))
    options = if_options(if_structure(values))
    del options["higher_layer_input"]  # follows from the higher_input ratio
    if values["higher_input"] > 0:
        options["c_higher"] = top_down.correlation_matrix(IF_SIZE, seed=int(values["c_higher_seed"]))
    parameters = {name: values[name] for name in (*TABLE1, *CALIBRATED, *EXTENSIONS)}
    result = train(q, c, seed, max_presentations=int(values["max_presentations"]), compiled=prepared,
                   progress=False, **options, **parameters)
    last = result.history.iloc[-1]
    return {"outcome_code": OUTCOMES.index(result.outcome), "presentations": result.presentations, "std_w": last["std_w"],
            "mean_w": last["mean_w"], "fraction_extreme": last["fraction_extreme"], "corr_lag": last["corr_lag"],
            "corr_q_inverse": last["corr_q_inverse"], "rate_lower": last["rate_lower"],
            "rate_higher": last["rate_higher"], "wall_time": result.wall_time}


STDP_DRIFT = Experiment(
    name="stdp-drift",
    parameters={"mu": 0.01, "alpha": 1.2, "rate": 20 * Hz, "rule": "reverse", "synapses": 200, "duration": 20.0},
    run=drift_row,
    structure=drift_structure,
    prepare=prepare_drift,
    description="all-to-all STDP drift under independent Poisson trains (Burbank & Kreiman 2012, Fig 1)",
)


BURBANK_IF = Experiment(
    name="burbank-if",
    parameters=IF_PARAMETERS,
    run=if_row,
    structure=if_structure,
    prepare=if_prepare,
    description="two-layer integrate-and-fire network, top-down cSTDP/rSTDP trained until classified "
                "(Burbank & Kreiman 2012, Figs 4-7); compiled once per (rule, extensions, delay, tau_STDP)",
)

EXPERIMENTS = {experiment.name: experiment for experiment in (STDP_DRIFT, BURBANK_IF)}
