"""Spiking building blocks of the multi-layer network: the Ca2+ plateau event, regular inputs, the rules' steps."""

import numpy as np
import pytest
from brian2 import EventMonitor, Network, ms

from gatedplasticity.backends import Session
from gatedplasticity.models.apical_lif import apical_lif, regular_input, teacher_drive
from gatedplasticity.rules import dendritic

DT = 0.25 * ms
TAU_A, R_REF, T_PHASE = 10e-3, 200.0, 50e-3


def plateau_after(v_a0, theta, a_forward, steps=40):
    """Whether the apical compartment plateaus at the last of ``steps`` nudged steps, starting from v_a = v_a0."""
    with Session("runtime", seed=0, dt=DT):
        group = apical_lif().neurons(1, theta_plateau=theta)
        group.v_a, group.a_forward, group.nudged, group.learning = v_a0, a_forward, 1, 1
        group.v = -10  # silent soma
        monitor = EventMonitor(group, "plateau")
        network = Network(group, monitor)
        network.run(steps * DT)
        group.ending = 1
        network.run(DT)
        return len(monitor.t) == 1, float(group.a_nudged[0])


def hand_computed_a_nudged(v_a0, steps):
    """Euler: a_nudged += dt a / T_phase with a = v_a / (r_ref tau_a), v_a *= 1 - dt / tau_a, over steps + 1 steps."""
    dt = float(DT)
    decay = (1 - dt / TAU_A) ** np.arange(steps + 1)
    return float(np.sum(dt * v_a0 * decay / (R_REF * TAU_A) / T_PHASE))


def test_ca_plateau_fires_exactly_above_the_hand_computed_threshold():
    v_a0, a_forward = 3.0, 0.05
    expected = hand_computed_a_nudged(v_a0, 40)
    change = expected - a_forward
    fired, measured = plateau_after(v_a0, change * (1 - 1e-6), a_forward)
    assert measured == pytest.approx(expected, rel=1e-9) and fired
    assert not plateau_after(v_a0, change * (1 + 1e-6), a_forward)[0]
    assert plateau_after(-v_a0, abs(-expected - a_forward) * (1 - 1e-6), a_forward)[0]  # either sign


def test_regular_input_fires_at_x_r_ref_and_counts_by_phase():
    with Session("runtime", seed=0, dt=DT):
        group = regular_input().neurons(3)
        group.x = [0.0, 0.3, 1.0]
        network = Network(group)
        network.run(100 * ms)
        np.testing.assert_array_equal(group.count_forward[:], [0, 6, 20])  # floor(x r_ref 100 ms)
        group.nudged = 1
        network.run(50 * ms)
        np.testing.assert_array_equal(group.count_nudged[:], [0, 3, 10])


def test_teacher_drive_makes_a_lif_fire_at_r_ref():
    drive = teacher_drive()
    period = 2e-3 + 10e-3 * np.log(drive / (drive - 1))
    assert period == pytest.approx(1 / R_REF)


@pytest.mark.parametrize("plateau", [True, False])
def test_spiking_plateau_rule_step_is_the_closed_form_from_spike_counts(plateau):
    """At the ending event: dw = eta_plateau (out - r)_post r_pre where a plateau opened the gate, - eta decay w."""
    eta, decay, step, w0 = 0.1, 0.01, 0.5, 0.3
    with Session("runtime", seed=0, dt=DT):
        pre, post = regular_input().neurons(1), apical_lif().neurons(1, theta_plateau=0.01)
        rule = dendritic.spiking_rule("plateau", eta=eta, decay=decay, eta_plateau=step).gated("plateau", duration=DT / 2)
        synapses = rule.synapses(pre, post, connect=True)
        synapses.on_plateau.order = -1
        synapses.w = w0
        pre.count_forward = 4
        post.count_forward, post.count_nudged, post.v = 3, 7, -10
        post.a_nudged = 0.05 if plateau else 0.0
        for group in (pre, post):
            group.learning, group.ending = 1, 1
        Network(pre, post, synapses).run(DT)
        r_pre, r, out = 4 / 10, 3 / 10, 7 / 10  # counts / (T_phase r_ref), T_phase = 50 ms
        expected = w0 + (step * (out - r) * r_pre if plateau else 0) - eta * decay * w0
        assert float(synapses.w[0]) == pytest.approx(expected, abs=1e-12)


@pytest.mark.slow
def test_spiking_training_runs_end_to_end_and_refuses_bad_input_by_name():
    from gatedplasticity.parameters import ParameterError
    from gatedplasticity.protocols.multilayer import spiking, tasks

    data = tasks.xor_clouds(n_train=4, n_test=2, tuning=None)
    record = spiking.train(data, (2, 3, 2), ["plateau", "target"], [0, 1], 1, backend="runtime")
    assert record.outputs["plateau"].shape == (len(record.schedule.order), 2, 2)
    assert np.all(np.diff(record.plateaus["plateau"], axis=0) >= 0)  # cumulative counts
    assert record.plateaus["plateau"][-1].sum() > 0 and record.outputs["target"].max() > 0
    w1, w2, b = record.weights["plateau"][1]
    assert w1.shape == (3, 3) and w2.shape == (2, 3) and b.shape == (3, 2)
    for call, name in ((lambda: spiking.train(data, (2, 3, 3, 2), ["target"], [0], 1), "sizes"),
                       (lambda: spiking.train(data, (2, 3, 2), ["backprop"], [0], 1), "methods"),
                       (lambda: spiking.train(data, (2, 3, 2), ["target"], [0], 1, parameters={"beta": 1}), "beta")):
        with pytest.raises(ParameterError) as error:
            call()
        assert error.value.parameter == name


@pytest.mark.slow
@pytest.mark.parametrize("method", ["plateau", "target", "plateau_ungated"])
def test_compiled_spiking_training_equals_the_numpy_loop(method):
    """Outputs of every presentation and the final weights, two seeds as blocks, learning strong enough to matter."""
    from gatedplasticity.protocols.multilayer import spiking, spiking_reference, tasks

    data = tasks.xor_clouds(n_train=6, n_test=3, tuning=None)
    values = {"eta": 0.3, "eta_plateau": 0.5, "theta_plateau": 0.01, "decay": 0.01, "g_a": 1.0}
    record = spiking.train(data, (2, 5, 2), [method], [0, 3], 2, parameters=values, backend="runtime")
    for block, seed in enumerate(record.seeds):
        reference = spiking_reference.train(data, (2, 5, 2), method, seed, 2, values)
        np.testing.assert_allclose(record.outputs[method][:, block], reference["outputs"], atol=1e-12)
        for compiled, looped in zip(record.weights[method][block], reference["weights"]):
            np.testing.assert_allclose(compiled, looped, atol=1e-12)


@pytest.mark.slow
def test_without_learning_every_test_block_reads_the_same_outputs():
    """The read-out bug of round 1: with eta = 0 the same test image must give the same output in every epoch."""
    from gatedplasticity.protocols.multilayer import spiking, tasks

    data = tasks.xor_clouds(n_train=5, n_test=4, tuning=None)
    record = spiking.train(data, (2, 4, 2), ["target"], [1], 3, parameters={"eta": 0.0}, backend="runtime")
    plan, outputs = record.schedule, record.outputs["target"][:, 0]
    blocks = [outputs[(plan.epoch == e) & (plan.part == "test")] for e in range(4)]
    assert blocks[0].max() > 0
    for block in blocks[1:]:
        np.testing.assert_array_equal(block, blocks[0])
