"""Experiments registered for sweeps (``gatedplasticity sweep EXPERIMENT``).

``bci-perturbation``: one Legenstein et al. 2010 experiment set per point
(``runs`` circuits, [Control +] Perturbation of ``fraction`` rotated units,
optional weight-norm homeostasis) with the EH rule or a control; row: the
credit-assignment summary (PD shifts, depth changes, deviations, late
performance). A plain function call: every point runs its own batched
program (a build folder per process); Fig 9's landscape is a sweep of it.

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
