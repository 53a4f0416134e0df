"""Trial structure of the integrate-and-fire network (issue 14): resets, boundaries, pair window, deferred update,
the caption's std criterion, the sequential Q', negative counts and the calibration's admissibility filters."""

import numpy as np
import pytest
from brian2 import Network, SpikeGeneratorGroup, StateMonitor, ms, run, second

import gatedplasticity as gp
from gatedplasticity.analysis import stdp as closed_form
from gatedplasticity.analysis.convergence import std_stable
from gatedplasticity.models.lif import burbank_lif
from gatedplasticity.papers.burbank2012 import calibration_stages as calibration
from gatedplasticity.papers.burbank2012.parameters import network_parameters
from gatedplasticity.papers.burbank2012.reconstruction import reconstruction_q
from gatedplasticity.protocols import top_down as td
from gatedplasticity.protocols.top_down import trials
from gatedplasticity.rules import stdp

DT = 1 * ms
STEPS = 160
DELAY = 15 * ms


def trial_pair(pre_steps, post_steps, rule="reverse", duration_steps=2 * STEPS + 1, window=trials.PAIR_WINDOW):
    """One top-down synapse with the network's trial machinery; (w before the first presentation ends, w at the end).

    Pre spikes arrive DELAY after emission (relay), post spikes one step after theirs (a one-step relay)."""
    with gp.Session(seed=0, dt=DT, progress=False):
        pre = SpikeGeneratorGroup(1, np.zeros(len(pre_steps), int), np.asarray(pre_steps) * DT, name="pre")
        post = SpikeGeneratorGroup(1, np.zeros(len(post_steps), int), np.asarray(post_steps) * DT, name="post")
        pre_relay, pre_feed = td.relay(pre, DELAY, name="pre_relay", presentation_steps=STEPS)
        post_relay, post_feed = td.relay(post, DT, name="post_relay", presentation_steps=STEPS)
        objects = [pre, post, pre_relay, pre_feed, post_relay, post_feed]
        for group in (pre_relay, post_relay):
            trials.reset_at_presentation_start(group, "arrived = 0\nstdp_trace = 0", STEPS * DT)
            objects.append(trials.expiry(group, window, STEPS, DT))
        synapses = stdp.rule(rule, traces="neuron", update="deferred").synapses(pre_relay, post_relay, connect={"j": "i"})
        trials.reset_at_presentation_start(synapses, stdp.APPLY_PENDING, STEPS * DT, name="apply")
        network = Network(objects + [synapses])
        network.run((STEPS - 1) * DT)
        during = float(synapses.w[0])
        network.run((duration_steps - STEPS + 1) * DT)
        return during, float(synapses.w[0])


def expected(pre_steps, post_steps, rule="reverse", window_ms=80):
    """Sum of the per-pair closed forms over pairs in the same presentation with |dt| < window (arrival times)."""
    total = 0.0
    for pre in pre_steps:
        arrival = pre + DELAY / DT
        for post in post_steps:
            post_arrival = post + 1
            same = arrival // STEPS == post_arrival // STEPS == pre // STEPS == post // STEPS
            if same and abs(post_arrival - arrival) < window_ms:
                total += float(closed_form.window((post_arrival - arrival) * 1e-3, rule))
    return total


@pytest.mark.parametrize("rule", ["reverse", "classical"])
def test_end_of_presentation_update_is_the_sum_of_the_pair_closed_forms(rule):
    pre, post = [10, 40], [29, 59, 119, 135]  # arrivals 25, 55; posts at 30, 60, 120, 136 (dt 95, 81 cut off)
    during, after = trial_pair(pre, post, rule)
    assert during == 0.0  # nothing changes before the presentation ends
    assert after == pytest.approx(expected(pre, post, rule), rel=1e-12, abs=1e-15)
    assert after != 0.0


def test_pair_window_cuts_at_80_ms():
    inside, outside = trial_pair([5], [5 + 15 + 79 - 1])[1], trial_pair([5], [5 + 15 + 80 - 1])[1]
    assert inside == pytest.approx(float(closed_form.window(0.079, "reverse")), rel=1e-12)
    assert outside == pytest.approx(0.0, abs=1e-15)
    # without the cut-off the 80-ms pair counts: the window is what removed it
    assert trial_pair([5], [5 + 15 + 80 - 1], window=150 * ms)[1] == pytest.approx(
        float(closed_form.window(0.080, "reverse")), rel=1e-12)


def test_no_pair_across_a_presentation_boundary():
    """A pre spike late in one presentation and a post spike early in the next change nothing (both orders)."""
    assert trial_pair([150], [STEPS + 3])[1] == 0.0  # arrival at 165 would be in the next presentation: dropped
    assert trial_pair([140], [STEPS + 1])[1] == 0.0  # arrival 155 in presentation 0, post at 162 in presentation 1
    assert trial_pair([STEPS + 2], [150])[1] == 0.0  # post trace of presentation 0 is reset before the pre arrives


def test_state_is_reset_at_each_presentation_start():
    q = np.full((3, 2), 2.0)
    values = network_parameters(delay=DELAY)
    structure = td.Structure(chunk=3).for_network(q.shape, values)
    with gp.Session(seed=0, dt=DT, progress=False):
        built = td.build(structure)
        for name, value in {**td.model_values(values, structure), "q": q.ravel()}.items():
            built.values[name][:] = value
        built.values["lower_strength"].values[...] = 1
        lower = next(group for group in built.objects if group.name == "lower")
        monitor = StateMonitor(lower, ["v", "g", "stdp_trace"], record=True, when="start", order=-5, dt=STEPS * DT)
        Network(built.objects + [monitor]).run(3 * STEPS * DT, namespace={})
        v_rest = burbank_lif().defaults["V_rest"]
        np.testing.assert_allclose(np.asarray(monitor.v_[:, 1:]), float(v_rest), rtol=0, atol=1e-12)
        assert np.all(monitor.g[:, 1:] == 0) and np.all(monitor.stdp_trace[:, 1:] == 0)
        assert lower.spike_count[:].sum() > 0  # the layer did fire in between


def test_caption_absolute_slope_criterion_differs_from_the_methods_relative_one():
    assert std_stable(1.05, 1.0, "absolute") and not std_stable(1.05, 1.0, "relative")  # slope 8.3e-6 per presentation
    assert std_stable(30.02, 30.0, "relative") and not std_stable(30.02 + 0.1, 30.0, "absolute")
    with pytest.raises(ValueError, match="criterion"):
        std_stable(1.0, 1.0, "slope")


def test_reconstruction_q_is_sequential():
    q = np.random.default_rng(0).uniform(0, 5, (6, 6))
    reconstructed = reconstruction_q(q)
    np.testing.assert_allclose(reconstructed, 2 * q - np.mean(2 * q) + 0.5)
    assert reconstructed.mean() == pytest.approx(0.5)


@pytest.mark.parametrize("reading, sigma, gain", [("clip", 2.0, 1.396), ("subtract", 2.0, 1.0), ("clip", 1.0, 1.083)])
def test_negative_counts_reading_and_its_effect_on_the_mean_drive(reading, sigma, gain):
    """One step of noise: the mean conductance increment is noise_rate x E[max(1 + sigma z, 0)] (clip) or x 1 (subtract)."""
    with gp.Session(seed=4, dt=DT, progress=False):
        group = burbank_lif(noise=True, negative_counts=reading).neurons(40_000, sigma_noise=sigma)
        run(DT)
        decay = np.exp(-float(DT / (15 * ms)))  # the step's increment then decays for one step with tau_syn
        drive = np.asarray(group.g[:]) / (0.04 * 1e-3 * 2000 * decay)
    assert drive.mean() == pytest.approx(gain, rel=0.03)  # 40,000 draws: SE < 0.6%
    with pytest.raises(gp.ParameterError) as error:
        burbank_lif(noise=True, negative_counts="absolute")
    assert error.value.parameter == "negative_counts"


def test_trial_options_need_neuron_traces_and_a_valid_window():
    for options, name in (({"traces": "synapse"}, "traces"), ({"pair_window": 200 * ms}, "pair_window"),
                          ({"trial": "blocked"}, "trial"), ({"update": "never"}, "update")):
        with pytest.raises(gp.ParameterError) as error:
            td.Structure(**options)
        assert error.value.parameter == name


ADMISSIBLE = {"noise_spikes_lower": 0.0, "noise_spikes_higher": 0.01, "spearman_early": 0.8, "weak_share": 0.05,
              "input_max_rate": 40.0, "noise_max_rate": 0.0, "input_spikes_higher": 2.0}


@pytest.mark.parametrize("change, failed", [
    ({}, None), ({"noise_spikes_lower": 0.2}, "F1"), ({"noise_spikes_higher": 0.06}, "F1"),
    ({"spearman_early": 0.3}, "F2"), ({"spearman_early": float("nan")}, "F2"), ({"weak_share": 0.4}, "F3"),
    ({"input_max_rate": 800.0}, "F4"), ({"input_spikes_higher": 0.0}, "F5"),
])
def test_admissibility_filters_on_constructed_rate_tables(change, failed):
    verdicts = calibration.stage1_filters({**ADMISSIBLE, **change})
    assert [name for name, ok in verdicts.items() if not ok] == ([failed] if failed else [])


def test_pairs_per_presentation_counts_pairs_within_the_window():
    post, pre = np.zeros(2 * STEPS), np.zeros(2 * STEPS)
    post[[10, 100]] = 1
    pre[[20, 90, STEPS + 5]] = [2, 1, 1]  # the last one is in the next presentation
    # pairs |dt| < 80: (10,20) x2, (100,20) no (80), (100,90) x1, (10,90) no (80) -> 3 pairs in presentation 0
    assert trials.pairs_per_presentation(post, pre, STEPS, 80) == pytest.approx(3 / 2)
    assert trials.pairs_per_presentation(post, pre, STEPS, None) == pytest.approx(6 / 2)


@pytest.mark.parametrize("rule", ["reverse", "classical"])
def test_population_drift_is_the_weight_change_the_trial_machinery_makes(rule):
    pre, post = [10, 40, STEPS + 20], [24, 29, 59, 119, 135, STEPS + 2]  # 24: in the step of an arrival (causal)
    after = trial_pair(pre, post, rule)[1]
    pre_counts, post_counts = np.zeros(2 * STEPS), np.zeros(2 * STEPS)
    np.add.at(pre_counts, np.asarray(pre) + int(DELAY / DT), 1)  # at their arrival
    np.add.at(post_counts, np.asarray(post) + 1, 1)  # the post relay's one step
    drift = closed_form.population_drift(post_counts, pre_counts, STEPS, DT / second, rule, pair_window=80 * ms)
    assert 2 * drift == pytest.approx(after, rel=1e-12, abs=1e-15) and after != 0.0  # per presentation, 2 of them
    # summed over every neuron pair of two populations: the counts add, the mean per synapse stays
    assert closed_form.population_drift(2 * post_counts, 2 * pre_counts, STEPS, DT / second, rule,
                                         pair_window=80 * ms, synapses=4) == pytest.approx(drift, rel=1e-12)
    without_cut = closed_form.population_drift(post_counts, pre_counts, STEPS, DT / second, rule)
    assert without_cut != pytest.approx(drift)  # the 95- and 81-ms pairs count only without the window
