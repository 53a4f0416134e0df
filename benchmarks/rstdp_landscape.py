"""Benchmark: the rSTDP landscape's cost, many IF networks in one compiled program vs one network per program.

Points: ``copies`` Table 1 points of one program (rSTDP, alpha 1.2, d = 15 ms,
tau_syn = 15 ms, tau_STDP = 20 ms, shared by a program run's copies; noise S,
sigma_input, sigma_noise, Q, C and seeds vary, Fig 5's eps = 0.1 and bounds
+-20), drawn from the ``"benchmark points"`` stream.

- ours: one program of ``copies`` copies (``protocols.top_down.batch``,
  each copy's normal numbers from its own stream), one chunk of 500
  presentations per rerun, timed after a first rerun;
- baseline (named ``single_network_randn``): the same points, one network per
  program with Brian2's ``randn()`` as training ran before, one chunk each,
  in the same run; and the same again with the copy's generator (one copy
  per program), which separates what copies share from what they do not.

``ratio_vs_single_network`` = ours / baseline presentations per second per
core (one process each). ``ns_per_gaussian_draw_*`` come from
``gaussian_draws.py``'s program (3 draws per element and step, 20,000
elements). ``projected_cpu_hours_full_landscape``: 6,912 runs, each rule
type's runs taking the mean verdict time of its runs in the committed sample
(``docs/data/burbank2012-landscape-sample.csv``; runs unclassified at the cap
count at 625,000), weighted by Table 1's share of each rule type; without the
sample every run counts at the cap (an upper bound). Where the time goes: a
profile of one chunk of the copies' program (``Program(profile=True)``), per
code object in ns per copy and time step, grouped into per-neuron work
(state updates and input draws), synaptic work (pathways, spike queues) and
the rest. The floor (:func:`per_element_costs`): the least time per network
and step that copies or one network reach, and from it
``ratio_vs_single_network_ceiling``, the most that copies and the fast
generator can give this network on this machine.

    python benchmarks/rstdp_landscape.py [--quick] [--scan]

``--scan`` also runs the same points as programs of 2, 4 and 8 copies
(``presentations_per_s_by_copies``, beside the one-network and the
``copies`` timings above): where copies stop paying.

The last line is one JSON object.
"""

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from brian2 import ms

from gatedplasticity import streams
from gatedplasticity.analysis.convergence import NETWORK_MAX_PRESENTATIONS
from gatedplasticity.papers.burbank2012 import fig5
from gatedplasticity.papers.burbank2012.sweeps import NETWORK_PARAMETERS, NETWORK_SIZE, network_inputs, network_setup
from gatedplasticity.protocols import top_down

sys.path.insert(0, str(Path(__file__).parent))
import gaussian_draws  # noqa: E402

CHUNK = 500
STEPS_PER_PRESENTATION = 160
SAMPLE = Path(__file__).parents[1] / "docs" / "data" / "burbank2012-landscape-sample.csv"
RUNS = {"dep-rSTDP": 2304, "dep-cSTDP": 2304, "pot-rSTDP": 1152, "pot-cSTDP": 1152}  # Table 1's runs per rule type
NEURONS, SYNAPSES = "neurons (state updates, input draws)", "synapses (pathways, spike queues)"
FIXED = {"rule": "reverse", "alpha": 1.2, "delay": 15 * ms, "tau_syn": 15 * ms, "tau_stdp": 20 * ms}


def benchmark_points(copies, seed=0):
    """``copies`` sweep values of one program key: grid values drawn for alpha, S, sigmas, Q and C."""
    rng = streams.generator(seed, "benchmark points")
    varied = ("noise_rate", "sigma_input", "sigma_noise", "q_seed", "c_seed")
    points = []
    for _ in range(copies):
        choice = {name: fig5.GRID[name][rng.integers(len(fig5.GRID[name]))] for name in varied}
        points.append({**NETWORK_PARAMETERS, **fig5.FIXED, **FIXED, **choice})
    return points


def chunk_inputs(points, seeds):
    """(structure, [NetworkRun]) of the points with gaussian="copy"."""
    runs = []
    for values, seed in zip(points, seeds):
        q, c, _ = network_inputs(values)
        structure, params = network_setup(values)
        runs.append(top_down.NetworkRun(q, c, seed, params, replace(structure, gaussian="copy")))
    return runs[0].structure, runs


def ours(points, chunks, profile=False):
    """(presentations per s, profile or None, spikes per neuron per presentation [lower, higher]) of the copies."""
    structure, runs = chunk_inputs(points, range(len(points)))
    with top_down.program(structure, copies=len(points), profile=profile) as program:
        inputs = [run.next_chunk() for run in runs]
        arguments = ([i[0] for i in inputs], [i[1] for i in inputs], [run.params for run in runs], [i[2] for i in inputs])
        top_down.run_copies(program, *arguments)  # warm file caches
        started = time.perf_counter()
        for _ in range(chunks):
            states, _ = top_down.run_copies(program, *arguments)
        elapsed = time.perf_counter() - started
        times = program.profile_times() if profile else None
    spikes = [np.mean([s[f"{side}.spike_count"].mean() / CHUNK for s in states]) for side in ("lower", "higher")]
    return len(points) * CHUNK * chunks / elapsed, times, spikes


def single_networks(points, gaussian="brian2"):
    """Presentations per s of the points run one network per program (one chunk each), drawing their normal
    numbers with Brian2's randn() (``gaussian="brian2"``, as training ran before) or the copy's generator."""
    structure, runs = chunk_inputs(points, range(len(points)))
    elapsed = 0.0
    with top_down.program(replace(structure, gaussian=gaussian)) as program:
        for k, run in enumerate(runs):
            state, strengths, seed = run.next_chunk()
            if k == 0:
                top_down.run_chunk(program, state, strengths, run.params, seed)  # warm file caches
            started = time.perf_counter()
            top_down.run_chunk(program, state, strengths, run.params, seed)
            elapsed += time.perf_counter() - started
    return len(points) * CHUNK / elapsed


def by_copies(points, sizes):
    """{B: presentations per s per core of ``points`` run as programs of B copies each, one timed chunk each}."""
    rates = {}
    for size in sizes:
        elapsed = sum(size * CHUNK / ours(points[start:start + size], 1)[0] for start in range(0, len(points), size))
        rates[size] = len(points) * CHUNK / elapsed
    return rates


def where_time_goes(times, copies, chunks=1):
    """{code object: ns per copy and step} and the grouped totals."""
    steps = copies * CHUNK * STEPS_PER_PRESENTATION * chunks
    per_object = {name: 1e9 * seconds / steps for name, seconds in times.items()}
    groups = {NEURONS: ("stateupdater", "_step"), SYNAPSES: ("_pre", "_post", "push_spikes", "_feed")}
    grouped = {label: sum(v for k, v in per_object.items() if any(part in k for part in parts))
               for label, parts in groups.items()}
    grouped["rest (thresholds, resets, trial structure)"] = sum(per_object.values()) - sum(grouped.values())
    return per_object, grouped


def per_element_costs(grouped, spikes, ns_per_step, copies):
    """The per-network costs that copies cannot share, and the most that copies and the generator can give.

    ``ns_per_step``: {"copies": per copy and step in the ``copies``-copy
    program, "one copy": one network per program with the copy's generator,
    "randn": one network per program with Brian2's randn()}. If a program of
    B copies took c + o / B per copy and step and one copy c + o, the
    overhead o that copies share and the per-copy work c would follow from
    the two. o < 0 says that B copies cost more per copy than one network
    alone (their arrays outgrow the CPU's caches), and then the floor is the
    one network's time. ``ns_per_network_step_floor``: the least time per
    network and step, measured or (o > 0) extrapolated to many copies;
    ``ratio_vs_single_network_ceiling`` = randn's ns per step / that floor,
    the most that copies and the generator together give this network on this
    machine. Per element: ns per neuron and step (the neurons' profiled
    group over the network's neurons) and ns per synapse a spike touches (the
    synapses' group over the synapses touched per step: every spike reaches
    its n outgoing and n incoming all-to-all synapses).
    """
    overhead = (ns_per_step["one copy"] - ns_per_step["copies"]) * copies / (copies - 1)
    floor = min(ns_per_step["one copy"] - max(overhead, 0.0), ns_per_step["copies"])
    touched = sum(spikes) * NETWORK_SIZE * NETWORK_SIZE * 2 / STEPS_PER_PRESENTATION  # equal layers
    return {"ns_per_step_shared_overhead": round(overhead), "ns_per_network_step_floor": round(floor),
            "ratio_vs_single_network_ceiling": round(ns_per_step["randn"] / floor, 2),
            "ns_per_neuron_step": round(grouped[NEURONS] / (2 * NETWORK_SIZE), 2),
            "ns_per_synapse_touched": round(grouped[SYNAPSES] / touched, 2)}


def projected_hours(presentations_per_s):
    """(CPU-hours of the 6,912 runs, source of the verdict times)."""
    if not SAMPLE.exists():
        return sum(RUNS.values()) * NETWORK_MAX_PRESENTATIONS / presentations_per_s / 3600, "all at the cap"
    sample = pd.read_csv(SAMPLE)
    per_run = sample.assign(n=np.where(sample["outcome"] == "did not converge", NETWORK_MAX_PRESENTATIONS,
                                       sample["presentations"])).groupby("rule_type")["n"].mean()
    total = sum(runs * per_run.get(label, NETWORK_MAX_PRESENTATIONS) for label, runs in RUNS.items())
    return total / presentations_per_s / 3600, f"sample ({len(sample)} runs)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 copies and 1 timed chunk (else 32 and 2)")
    parser.add_argument("--scan", action="store_true", help="also time the points as programs of 2, 4 and 8 copies")
    arguments = parser.parse_args()
    quick = arguments.quick
    copies, chunks = (16, 1) if quick else (32, 2)
    points = benchmark_points(copies)
    rate, _, spikes = ours(points, chunks)
    baseline = single_networks(points)
    one_copy = single_networks(points, gaussian="copy")
    _, times, _ = ours(points, 1, profile=True)
    per_object, grouped = where_time_goes(times, copies)
    per_step = {name: 1e9 / (value * STEPS_PER_PRESENTATION)
                for name, value in (("copies", rate), ("one copy", one_copy), ("randn", baseline))}
    floor = per_element_costs(grouped, spikes, per_step, copies)
    draws = gaussian_draws.ELEMENTS * gaussian_draws.DRAWS_PER_STEP * 200
    seconds = {name: gaussian_draws.run_time(name, 200) for name in ("none", "randn", "copy_randn")}
    ns_draw = {name: 1e9 * (seconds[name] - seconds["none"]) / draws for name in ("randn", "copy_randn")}
    hours, source = projected_hours(rate)
    print(f"ours: {copies} copies, {rate:.0f} presentations/s/core (spikes per neuron per presentation: lower "
          f"{spikes[0]:.2f}, higher {spikes[1]:.2f})")
    print(f"single network per program: {baseline:.0f} presentations/s/core with randn(), {one_copy:.0f} with the "
          f"copy's generator")
    print("where the time goes (ns per copy and step, profiled chunk):")
    for label, value in grouped.items():
        print(f"  {label:45s} {value:8.0f}")
    for name, value in list(per_object.items())[:10]:
        print(f"    {name:43s} {value:8.0f}")
    print(f"the floor: {floor['ns_per_network_step_floor']} ns per network and step ({floor['ns_per_neuron_step']:.1f} "
          f"per neuron, {floor['ns_per_synapse_touched']:.1f} per synapse a spike touches); shared per step: "
          f"{floor['ns_per_step_shared_overhead']} ns"
          + (" (below 0: the copies cost more per copy than one network alone)" if floor["ns_per_step_shared_overhead"] < 0
             else "") + f"; so copies and the generator give at most {floor['ratio_vs_single_network_ceiling']:.2f}x "
          "over one network per program with randn()")
    print(f"projected CPU-hours, 6,912 runs (verdict times: {source}): {hours:.0f}")
    figures = {"presentations_per_s_per_core": round(rate, 1), "single_network_presentations_per_s": round(baseline, 1),
               "ratio_vs_single_network": round(rate / baseline, 2), "copies": copies,
               "one_copy_presentations_per_s": round(one_copy, 1),
               "projected_cpu_hours_full_landscape": round(hours, 1), "verdict_times": source,
               "ns_per_gaussian_draw_copy_randn": round(ns_draw["copy_randn"], 2),
               "ns_per_gaussian_draw_randn": round(ns_draw["randn"], 2),
               **{f"ns_per_copy_step_{label.split(' ')[0]}": round(value) for label, value in grouped.items()},
               **floor}
    if arguments.scan:
        scan = {1: one_copy, **by_copies(points, [size for size in (2, 4, 8) if size < copies]), copies: rate}
        print("presentations/s/core by copies per program: " + ", ".join(f"{size}: {value:.0f}" for size, value in scan.items()))
        figures["presentations_per_s_by_copies"] = {str(size): round(value, 1) for size, value in scan.items()}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
