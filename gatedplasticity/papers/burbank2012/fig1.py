"""Burbank & Kreiman 2012, Fig 1c-d: classical vs reverse STDP windows.

A pairing protocol drives one synapse per delay dt = t_post - t_pre in
[-100, 100] ms through the Brian2 rules (all synapses batched in one
network); the weight change of each pair is plotted against the closed-form
window. A second panel checks the all-to-all sum: independent 20 Hz Poisson
pre/post trains give a mean drift that matches the exact lattice expectation
(``analysis.stdp.poisson_drift``). The paper shows the windows schematically;
"published" is the closed form of its Eq 1/1'.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from brian2 import Hz, ms, second

from ... import streams
from ...analysis import stdp as closed_form
from ...backends import Session
from ...protocols import pairing, poisson_trains
from ...results import Result
from ...rules import stdp
from ..figure import check, comparison, style

PAPER = "Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393"
DESCRIPTION = "Classical vs reverse STDP windows (Fig 1c-d): Brian2 rule vs closed form, plus Poisson drift"
BACKENDS = ('standalone', 'runtime')
QUICK = True
RULES = stdp.VARIANTS
COLORS = {"classical": "#c44e52", "reverse": "#4c72b0"}
#: Paper's values (Table 1, Figs 3-4): mu = 0.01, alpha = 1.2, tau_STDP = 20 ms, bounds +-50.
RULE_PARAMS = dict(stdp.DEFAULTS)
DT = 1 * ms  # the paper's time step
WINDOW_TOLERANCE = 1e-9  # relative to mu


def setup(quick):
    """Protocol sizes: ``quick`` samples the window every 5 ms and runs fewer Poisson synapses."""
    return {
        "delay_step": (5 if quick else 1) * ms,
        "max_delay": 100 * ms,
        "poisson_rate": 20 * Hz,
        "poisson_synapses": 300 if quick else 1000,
        "poisson_duration": (40 if quick else 100) * second,
        "dt": DT,
    }


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    """Run both rules on the pairing and Poisson protocols; returns a Result."""
    config = setup(quick)
    delays = np.arange(-100, 101, float(config["delay_step"] / ms)) * ms
    n_poisson = config["poisson_synapses"]
    name = f"burbank2012-fig1-{'quick' if quick else 'full'}"
    with Session(backend, seed=seed, name=name, dt=DT, progress=progress) as session:
        pairs = pairing(delays, n_pairs=1, dt=DT)
        rates = np.full(n_poisson, float(config["poisson_rate"])) * Hz
        poisson_pre = poisson_trains(rates, config["poisson_duration"], seed=streams.integer(seed, "poisson pre"), dt=DT, name="poisson_pre")
        poisson_post = poisson_trains(rates, config["poisson_duration"], seed=streams.integer(seed, "poisson post"), dt=DT, name="poisson_post")
        window_synapses, drift_synapses = {}, {}
        for rule in RULES:
            window_synapses[rule] = stdp.rule(rule).synapses(pairs.pre, pairs.post, connect={"j": "i"}, name=f"window_{rule}")
            drift_synapses[rule] = stdp.rule(rule).synapses(poisson_pre, poisson_post, connect={"j": "i"}, name=f"drift_{rule}")
        objects = [pairs.pre, pairs.post, poisson_pre, poisson_post, *window_synapses.values(), *drift_synapses.values()]
        session.run(max(pairs.duration, config["poisson_duration"]), objects, description="STDP protocols")
        window_rows, drift_rows = [], []
        for rule in RULES:
            expected = [closed_form.replay(pre, post, rule=rule, **RULE_PARAMS) for pre, post in zip(pairs.pre_times, pairs.post_times)]
            window_rows.append(pd.DataFrame({
                "rule": rule,
                "delay_ms": np.asarray(pairs.delays / ms),
                "dw": np.asarray(window_synapses[rule].w),
                "dw_closed_form": expected,
            }))
            drift = closed_form.poisson_drift(config["poisson_rate"], config["poisson_rate"], config["poisson_duration"], DT, rule=rule, **RULE_PARAMS)
            drift_rows.append(pd.DataFrame({
                "rule": rule,
                "synapse": np.arange(n_poisson),
                "dw": np.asarray(drift_synapses[rule].w),
                "dw_expected": drift,
            }))
    return Result(
        name="burbank2012-fig1",
        tables={"window": pd.concat(window_rows, ignore_index=True), "drift": pd.concat(drift_rows, ignore_index=True)},
        params={"rule": RULE_PARAMS, "protocol": config, "n_pairs": 1, "initial_weight": 0.0},
    )


def compare(data):
    """Window error vs closed form (each rule) and Poisson drift vs its expectation (3 SEM)."""
    rows = []
    mu = RULE_PARAMS["mu"]
    for rule, window in data.tables["window"].groupby("rule", sort=False):
        error = np.max(np.abs(window["dw"] - window["dw_closed_form"])) / mu
        rows.append(check(f"{rule} STDP window: max |dw - closed form| / mu", 0.0, error, WINDOW_TOLERANCE))
    for rule, drift in data.tables["drift"].groupby("rule", sort=False):
        sem = drift["dw"].std(ddof=1) / np.sqrt(len(drift))
        rows.append(check(f"{rule} STDP mean drift, 20 Hz Poisson pairs (tolerance 3 SEM)", drift["dw_expected"].iloc[0], drift["dw"].mean(), 3 * sem))
    return comparison(rows)


def plot(data):
    """Panels: cSTDP window, rSTDP window (simulated vs closed form), Poisson drift histograms."""
    window, drift = data.tables["window"], data.tables["drift"]
    dense = np.linspace(-100, 100, 2001)
    with style():
        figure, axes = plt.subplots(1, 3, figsize=(10, 3))
        for ax, rule, title in zip(axes, RULES, ("c  cSTDP", "d  rSTDP")):
            rows = window[window["rule"] == rule]
            ax.plot(dense, closed_form.window(dense * 1e-3, rule=rule, **RULE_PARAMS) / RULE_PARAMS["mu"], color="0.6", label="closed form (Eq 1/1')")
            ax.plot(rows["delay_ms"], rows["dw"] / RULE_PARAMS["mu"], "o", ms=2.5, color=COLORS[rule], label="Brian2 rule")
            ax.axhline(0, color="0.8", lw=0.8)
            ax.axvline(0, color="0.8", lw=0.8)
            ax.set(title=title, xlabel="t_post - t_pre (ms)", ylabel="dw / mu")
        axes[0].legend(loc="lower left")
        ax = axes[2]
        for rule, rows in drift.groupby("rule", sort=False):
            ax.hist(rows["dw"], bins=40, histtype="step", color=COLORS[rule], label=f"{rule}: mean {rows['dw'].mean():.3f}")
            ax.axvline(rows["dw_expected"].iloc[0], color=COLORS[rule], ls="--")
        ax.set(title="all-to-all drift, 20 Hz Poisson", xlabel="dw per synapse", ylabel="synapses")
        ax.legend(title="dashed: expected", loc="upper left")
        figure.tight_layout()
    return figure
