"""Experiments registered for sweeps (``gatedplasticity sweep EXPERIMENT``).

``bci-perturbation``: one Legenstein et al. 2010 experiment set per point
(``runs`` circuits, [Control +] Perturbation of ``fraction`` rotated units,
optional weight-norm homeostasis) with the EH rule or a control; row: the
credit-assignment summary (PD shifts, depth changes, deviations, late
performance). A plain function call: every point runs its own batched
program (a build folder per process); Fig 9's landscape is a sweep of it.

``burbank-if``: the integrate-and-fire network of Burbank & Kreiman 2012
trained until classified (``protocols.top_down``); one build per (rule,
extensions, delay, tau_STDP), everything else through run_args. Row:
outcome (as an index into ``analysis.convergence.OUTCOMES``), presentations,
final std(W), rates.

``stdp-drift``: all-to-all classical or reverse STDP between independent
Bernoulli-Poisson pre/post trains (one synapse per pair of neurons), the
all-to-all drift of Burbank & Kreiman 2012 Fig 1. A small spiking
experiment compiled once per (rule, synapses, duration): mu, alpha, the rate
and the seed reach the binary through ``run_args``. Row: mean and SD of the
weight change, and its closed-form expectation (``analysis.stdp.poisson_drift``).
"""

import os
import shutil

import numpy as np
from brian2 import Hz, NeuronGroup, ms, second

from .analysis import stdp as closed_form
from .backends import Session
from .rules import stdp
from .sweep import Experiment, register, seeded

DT = 1 * ms
POISSON = """
rate : Hz (shared)
run_seed : 1 (shared, constant)
used_seed : 1 (shared)
"""


def drift_network(rule, synapses):
    """Poisson pre and post groups (shared ``rate``) and one STDP synapse per pair, mu and alpha tunable."""
    pre = NeuronGroup(synapses, POISSON, threshold="rand() < rate * dt", name="pre")
    post = NeuronGroup(synapses, POISSON, threshold="rand() < rate * dt", name="post")
    return pre, post, getattr(stdp, rule)().synapses(pre, post, connect={"j": "i"}, tunable=("mu", "alpha"))


def set_point(pre, post, synapses, values):
    """Run arguments of one point (also usable as plain assignments in runtime mode)."""
    return {synapses.mu: values["mu"], synapses.alpha: values["alpha"], pre.rate: values["rate"], post.rate: values["rate"]}


class DriftBuild:
    """A built standalone STDP-drift network, rerun once per point."""

    def __init__(self, structure):
        rule, synapses, duration = structure
        name = f"sweep-stdp-drift-{rule}-{synapses}-{duration:g}s-{os.getpid()}"
        self.session = Session("standalone", name=name, dt=DT, progress=False).__enter__()
        self.pre, self.post, self.synapses = drift_network(rule, synapses)
        self.session.run(duration * second, [self.pre, self.post, seeded(self.pre), self.synapses])

    def run(self, values, seed):
        results = f"results-{os.getpid()}-{seed}-{abs(hash(str(values)))}"
        run_args = {**set_point(self.pre, self.post, self.synapses, values), self.pre.run_seed: seed}
        self.session.rerun(run_args, results_directory=results)
        weights = np.asarray(self.synapses.w[:])
        shutil.rmtree(self.session.directory / results, ignore_errors=True)
        return weights

    def close(self):
        self.session.__exit__(None, None, None)


def drift_row(values, seed, build):
    weights = build.run(values, seed)
    expected = closed_form.poisson_drift(values["rate"] / Hz, values["rate"] / Hz, values["duration"], float(DT / second),
                                         rule=values["rule"], mu=values["mu"], alpha=values["alpha"])
    return {"mean_dw": weights.mean(), "sd_dw": weights.std(), "expected_dw": expected}


SUMMARY = ("shift_rotated_mean", "shift_rotated_sd", "shift_non_rotated_mean", "shift_non_rotated_sd", "shift_difference",
           "shift_p_value", "depth_rotated_mean", "depth_non_rotated_mean", "deviation_early_mm", "deviation_late_mm")


def bci_row(values, seed, prepared):
    from .figures import legenstein2010_common as common

    targets = int(values["targets"])
    sessions = ("control", "perturbation") if values["control"] else ("perturbation",)
    result = common.experiment({"sweep": (int(values["runs"]), float(values["fraction"]))}, seed, values["backend"],
                               progress=False, rule=values["rule"], eta=values["eta"], nu=values["nu"], targets=targets,
                               sessions=sessions, normalise=bool(values["normalise"]),
                               steps_per_target=int(values["steps_per_target"]), require_complete=False,
                               project=f"sweep-bci-{values['rule']}-{int(values['runs'])}-{len(sessions)}-{os.getpid()}")
    trials = result.trials()
    summary = common.summary(result.shifts(), trials, targets=targets).iloc[0]
    late = trials[trials["trial"] >= targets - common.EARLY_LATE]
    return {"targets_completed_min": min(done.min() for done in result.record.completed),
            "late_steps": late["steps"].mean(), "late_R": late["mean_R"].mean(),
            **{name: summary[name] for name in SUMMARY}}


register(Experiment(
    name="bci-perturbation",
    parameters={"fraction": 0.5, "nu": 10 * Hz, "eta": 1.5e-5 / Hz**2, "runs": 10, "targets": 320, "rule": "eh",
                "control": 1, "normalise": 0, "steps_per_target": 50, "backend": "standalone"},
    run=bci_row,
    description="EH rule in the BCI task: credit assignment for one (fraction, nu, eta, rule), "
                "[Control +] Perturbation (Legenstein et al. 2010)",
))


register(Experiment(
    name="stdp-drift",
    parameters={"mu": 0.01, "alpha": 1.2, "rate": 20 * Hz, "rule": "reverse", "synapses": 200, "duration": 20.0},
    run=drift_row,
    structure=lambda values: (values["rule"], int(values["synapses"]), float(values["duration"])),
    prepare=DriftBuild,
    description="all-to-all STDP drift under independent Poisson trains (Burbank & Kreiman 2012, Fig 1)",
))


IF_PARAMETERS = {
    "rule": "reverse", "alpha": 1.2, "delay": 15 * ms, "tau_stdp": 20 * ms, "noise_rate": 2000 * Hz,
    "tau_syn": 15 * ms, "sigma_input": 1.0, "sigma_noise": 0.5, "w_bound": 50.0, "mu": 0.01,
    "eps": 1.0, "smooth": 1, "q_seed": 0, "c_seed": 1, "max_presentations": 625_000,
    "multiplicative": 0, "bottom_up_rule": "none", "zeta": 1.0, "alpha_q": 1.2,
    "homeostasis": 0, "target_rate": 20 * Hz, "gamma": 1.0, "higher_input": 0.0, "c_higher_seed": 2,
}
IF_SIZE = 100


def if_structure(values):
    """Options that change the compiled program of the integrate-and-fire network."""
    return (values["rule"], bool(values["multiplicative"]), values["bottom_up_rule"], bool(values["homeostasis"]),
            values["higher_input"] > 0, float(values["delay"] / ms), float(values["tau_stdp"] / ms))


def if_options(structure):
    rule, multiplicative, bottom_up_rule, homeostasis, higher_input, _, _ = structure
    return {"rule": rule, "multiplicative": multiplicative, "homeostasis": homeostasis,
            "higher_layer_input": higher_input, "bottom_up_rule": None if bottom_up_rule == "none" else bottom_up_rule}


def if_prepare(structure):
    from .protocols import top_down

    return top_down.CompiledNetwork((IF_SIZE, IF_SIZE), if_options(structure), delay=structure[5] * ms,
                                    tau_stdp=structure[6] * ms)


def if_row(values, seed, prepared):
    from .models import linear
    from .protocols import top_down

    q = linear.q_matrix(IF_SIZE, values["eps"], seed=int(values["q_seed"]), smooth=bool(values["smooth"]))
    c = top_down.correlation_matrix(IF_SIZE, seed=int(values["c_seed"]))
    options = if_options(if_structure(values))
    del options["higher_layer_input"]  # follows from the higher_input ratio
    if values["higher_input"] > 0:
        options["c_higher"] = top_down.correlation_matrix(IF_SIZE, seed=int(values["c_higher_seed"]))
    parameters = {name: values[name] for name in (*top_down.TABLE1, *top_down.EXTENSION_DEFAULTS)}
    result = top_down.train(q, c, seed, max_presentations=int(values["max_presentations"]), compiled=prepared,
                            progress=False, **options, **parameters)
    last = result.history.iloc[-1]
    from .analysis.convergence import OUTCOMES

    return {"outcome_code": OUTCOMES.index(result.outcome), "presentations": result.presentations, "std_w": last["std_w"],
            "mean_w": last["mean_w"], "fraction_extreme": last["fraction_extreme"], "corr_lag": last["corr_lag"],
            "corr_q_inverse": last["corr_q_inverse"], "rate_lower": last["rate_lower"],
            "rate_higher": last["rate_higher"], "wall_time": result.wall_time}


register(Experiment(
    name="burbank-if",
    parameters=IF_PARAMETERS,
    run=if_row,
    structure=if_structure,
    prepare=if_prepare,
    description="two-layer integrate-and-fire network, top-down cSTDP/rSTDP trained until classified "
                "(Burbank & Kreiman 2012, Figs 4-7); compiled once per (rule, extensions, delay, tau_STDP)",
))
