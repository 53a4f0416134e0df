"""DLR (Rao et al. 2021): closed-form rule, PSP statistics, convergence, metrics, bad input."""

import numpy as np
import pandas as pd
import pytest
from brian2 import EventMonitor, Hz, Network, ms, mV
from scipy.integrate import quad
from scipy.special import expit

import gatedplasticity as gp
from gatedplasticity.analysis import dlr as metrics
from gatedplasticity.models.dlr import BRANCH_READOUT_RESET, PSP_INPUT_RESET
from gatedplasticity.rules import dlr

DT = 1 * ms
T = 400 * ms
SPIKES = {0: [10, 50], 1: [100]}  # input -> spike steps (ms); input 2 stays silent
W0 = np.array([9.0, 7.0, 5.0])  # mV, same for both learners
ETA = {"eta0": 1.8 * mV, "eta_final": 0.3 * mV, "t_train": 2 * T}


def kernel_integral(delta):
    """int_0^delta k(s) ds of k(s) = exp(-s/10 ms) - exp(-s/2 ms), in s."""
    return quad(lambda s: np.exp(-s / 0.010) - np.exp(-s / 0.002), 0, delta, epsabs=1e-14)[0]


def run_one_presentation(learner_model=None, rule=None, weights=None, readout_reset=BRANCH_READOUT_RESET,
                         learner_overrides=None, **rule_overrides):
    """Two learners x three inputs (one synapse per input and branch); learner 1 gets a
    Ca2+ spike at 200 ms. ``weights``: (branches, 3) in mV. Returns final weights (2, branches, 3)."""
    learner_model = learner_model or gp.models.dlr_neuron()
    rule = rule or dlr.single_branch()
    weights = np.atleast_2d(W0 if weights is None else weights)
    branches = len(weights)
    with gp.Session(dt=DT, progress=False):
        inputs = gp.models.psp_input(presentation_steps=400).neurons(3)
        inputs.run_regularly(PSP_INPUT_RESET, dt=T, when="start")
        learner = learner_model.neurons(2, **(learner_overrides or {}))
        learner.run_regularly(readout_reset, dt=T, when="start")
        # synapse order: branch, input, learner
        pre, post = np.tile(np.repeat(np.arange(3), 2), branches), np.tile(np.arange(2), 3 * branches)
        synapses = rule.synapses(inputs, learner, connect={"i": pre, "j": post}, **{**ETA, **rule_overrides})
        synapses.w = np.repeat(weights.ravel(), 2) * mV
        if branches > 1:
            synapses.branch = np.repeat(np.arange(branches), 6)
        teacher = gp.protocols.instructive_input(learner, [200] * ms, 30 * mV, targets=[1])
        ca = EventMonitor(learner, "ca_spike")
        network = Network(inputs, learner, synapses, *teacher, ca)
        spike_steps = sorted({s for steps in SPIKES.values() for s in steps})
        now = 0
        for step in spike_steps:  # rate 1/dt makes rand() < rate*dt certain: a spike in exactly that step
            network.run((step - now) * DT)
            inputs.rate = [(1 / DT if step in SPIKES.get(i, []) else 0 * Hz) for i in range(3)]
            network.run(DT)
            inputs.rate = 0 * Hz
            now = step + 1
        network.run(T - now * DT)
        assert list(ca.i) == [1]
        return np.array(synapses.w / mV).reshape(branches, 3, 2).transpose(2, 0, 1)


LAST_STEP = 0.399  # s; the rule runs in the last time step of the presentation
ETA_AT_END = 1.8 / (1 + (1.8 / 0.3 - 1) * LAST_STEP / 0.8)


def expected_xbar():
    return np.array([sum(kernel_integral(LAST_STEP - s / 1000) for s in SPIKES.get(i, [])) for i in range(3)]) / 0.4


def expected_weights():
    xbar = expected_xbar()
    q = expit(0.75 * (W0 @ xbar - 18.0))
    return np.array([W0 + ETA_AT_END * (z - q) * xbar for z in (0, 1)])


def test_rule_matches_closed_form_and_spares_silent_inputs():
    weights = run_one_presentation()[:, 0]
    np.testing.assert_allclose(weights, expected_weights(), rtol=1e-9)
    assert np.all(weights[:, 2] == W0[2]), "no update without presynaptic activity"
    assert np.all(weights[0, :2] < W0[:2]) and np.all(weights[1, :2] > W0[:2]), "z = 0 depresses, z = 1 potentiates"


BRANCH_W0 = np.array([[9.0, 7.0, 5.0], [-60.0, 3.0, 5.0]])  # mV; with u0 = 0: f = (0.59, 0.15), f_total = 0.74


@pytest.mark.parametrize("update, interaction, theta, directions", [
    ("exact", "saturating", 0.8, None),  # D = z - psi
    ("gated", "saturating", 0.8, (-1, 1)),  # psi = 0.46 lies between q- and q+
    ("gated", "saturating", 0.5, (-1, 0)),  # psi = 0.94 > q+: no LTP
    ("coarse_xor", "soft_xor", 0.5, (-1, 0)),  # f_total in [f-, f_mid): LTD for z = 0, nothing for z = 1
])
def test_multi_branch_rules_match_closed_form(update, interaction, theta, directions):
    weights = run_one_presentation(
        gp.models.multi_branch_neuron(2, interaction), dlr.multi_branch(2, update), BRANCH_W0,
        readout_reset=gp.models.dlr.branch_readout_reset(2), learner_overrides={"u0": 0 * mV, "theta": theta},
        w_min=-1e6 * mV)
    xbar = expected_xbar()
    f = expit(0.75 * (BRANCH_W0 @ xbar))
    alpha = 12.0 if interaction == "saturating" else 8.0
    psi = expit(alpha * (f.sum() - theta))
    if interaction == "soft_xor":
        psi *= expit(alpha * (theta + 1.0 - f.sum()))
    for z in (0, 1):
        direction = z - psi if directions is None else directions[z]
        expected = BRANCH_W0 + ETA_AT_END * direction * (f * (1 - f))[:, None] * xbar
        np.testing.assert_allclose(weights[z], expected, rtol=1e-9, atol=1e-12)
    assert np.all(weights[:, :, 2] == BRANCH_W0[:, 2]), "no update without presynaptic activity"
    assert not np.allclose(weights[0], BRANCH_W0), "z = 0 must change the weights here"


def test_presentation_average_of_psp_trace_is_rate_times_kernel_integral():
    # 1000 inputs at 50 Hz for one presentation; expectation over the discrete-time process.
    rate, n = 50.0, 1000
    with gp.Session(seed=3, dt=DT, progress=False) as session:
        inputs = gp.models.psp_input(presentation_steps=400).neurons(n)
        inputs.rate = rate * Hz
        session.run(399 * ms, [inputs])
        xbar = np.array(inputs.xbar)
    expected = rate * 1e-3 / 0.4 * sum(kernel_integral((398 - s) / 1000) for s in range(399))
    standard_error = xbar.std(ddof=1) / np.sqrt(n)
    assert abs(xbar.mean() - expected) < 4 * standard_error  # ~1 % here
    assert expected == pytest.approx(rate * 0.008, rel=0.04)  # truncation at the window's end costs ~3 %


@pytest.mark.standalone
def test_spiking_dlr_converges_to_logistic_regression():
    from gatedplasticity.papers.rao2021 import parameters as fig2
    from gatedplasticity.papers.rao2021.training import features, train_single_branch

    history = train_single_branch(10, 6000, 3000, seed=5, backend="standalone", progress=False)
    x, z = fig2.MIXTURE.sample(20_000, np.random.default_rng(0))
    features = features(x)
    _, _, nll_lr = metrics.fit_logistic_regression(features[:, :2], z)
    nll_dlr = metrics.nll(metrics.dlr_predictions(history[-1], features, fig2.BETA, fig2.U0), z)
    assert history.shape == (3, 10, 3)
    assert np.mean(nll_dlr) - nll_lr < 0.03
    assert np.mean(metrics.nll(metrics.dlr_predictions(history[0], features, fig2.BETA, fig2.U0), z)) - nll_lr > 0.1


@pytest.mark.standalone
def test_the_fig2_trainer_learns_the_task_it_is_given():
    """Learners given the paper's clusters at half their spread, moved by 30 Hz along x1, predict that task
    better than the same learners trained on the paper's task: the task is an argument, not a module global."""
    from dataclasses import replace

    from gatedplasticity.papers.rao2021 import parameters as fig2
    from gatedplasticity.papers.rao2021.training import features, train_single_branch

    moved = replace(fig2.MIXTURE, sds=fig2.MIXTURE.sds / 2, means=fig2.MIXTURE.means + [30.0, 0.0])
    x, z = moved.sample(20_000, np.random.default_rng(0))
    values = features(x)
    loss = {}
    for name, task in (("moved", moved), ("paper", fig2.MIXTURE)):
        final = train_single_branch(10, 6000, 6000, seed=5, backend="standalone", progress=False, task=task)[-1]
        loss[name] = np.mean(metrics.nll(metrics.dlr_predictions(final, values, fig2.BETA, fig2.U0), z))
    assert loss["paper"] - loss["moved"] > 0.05, loss


def test_metrics_against_hand_values():
    assert metrics.nll([0.8, 0.3], [1, 0]) == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)
    assert metrics.error_rate([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    assert metrics.expected_xbar(100.0) == pytest.approx(0.8)
    mixture = gp.protocols.GaussianMixture(means=[[0, 0], [2, 0]], sds=[[1, 1], [1, 1]], angles=[0, 0], priors=[0.5, 0.5], labels=[0, 1])
    # equal isotropic clusters: p(z=1|x) = sigmoid(2 x1 - 2)
    x = np.array([[1.0, 5.0], [0.0, 0.0], [3.0, -1.0]])
    np.testing.assert_allclose(mixture.posterior(x), expit(2 * x[:, 0] - 2), rtol=1e-12)


def test_logistic_regression_recovers_generating_weights():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200_000, 2))
    z = rng.random(len(x)) < expit(x @ [1.5, -0.5] + 0.3)
    coefficients, intercept, _ = metrics.fit_logistic_regression(x, z)
    np.testing.assert_allclose([*coefficients, intercept], [1.5, -0.5, 0.3], atol=0.03)


def test_perceptron_step_by_hand():
    patterns = np.array([[[1.0, 2.0], [3.0, -1.0]]])  # one run, two iterations
    history = metrics.perceptron(patterns, np.array([[1, 0]]), eta0=0.5, eta_final=0.5, w0=[[0.0, -1.0]], record_every=1)
    # w.x = -2 -> no spike, z = 1: w += 0.5 x = [0.5, 0]; then w.x = 1.5 > 0, z = 0: w -= 0.5 x = [-1, 0.5]
    np.testing.assert_allclose(history[-1], [[-1.0, 0.5]])


def test_bad_inputs_name_the_parameter():
    with pytest.raises(gp.ParameterError, match="'means'"):
        gp.protocols.GaussianMixture(means=[[0, 0]], sds=[[1, 1], [1, 1]], angles=[0, 0], priors=[0.5, 0.5], labels=[0, 1])
    with pytest.raises(gp.ParameterError, match="priors"):
        gp.protocols.GaussianMixture(means=[[0, 0], [1, 1]], sds=[[1, 1], [1, 1]], angles=[0, 0], priors=[1.5, -0.5], labels=[0, 1])
    with pytest.raises(ValueError, match="labels"):
        metrics.nll([0.5, 0.5], [1, 0, 1])
    with pytest.raises(ValueError, match="inputs"):
        metrics.dlr_predictions([1.0, 2.0], np.ones((4, 3)), 0.75, 18.0)
    mixture = gp.protocols.GaussianMixture(means=[[0, 0], [1, 1]], sds=[[1, 1], [1, 1]], angles=[0, 0], priors=[0.5, 0.5], labels=[0, 1])
    with gp.Session(progress=False):
        learner = gp.models.dlr_neuron().neurons(2)
        with pytest.raises(gp.ParameterError, match="'bias'"):
            gp.protocols.mixture_presentations(mixture, learner, seed=0, bias=40 * mV)
        with pytest.raises(gp.ParameterError, match="'teach_at'"):
            gp.protocols.mixture_presentations(mixture, learner, seed=0, teach_at=500 * ms)
        with pytest.raises(gp.ParameterError, match="'presentation'"):
            gp.protocols.mixture_presentations(mixture, learner, seed=0, presentation=400)
        with pytest.raises(gp.ParameterError, match="'seed'"):
            gp.protocols.mixture_presentations(mixture, learner, seed=None)
        with pytest.raises(gp.ParameterError, match="'eta0'"):
            dlr.single_branch().synapses(learner, learner, eta0=1.8)
        with pytest.raises(gp.ParameterError, match="presynaptic variable or event 'xbar'"):
            dlr.single_branch().synapses(learner, learner)
        with pytest.raises(gp.ParameterError, match="'labels'"):
            gp.protocols.mixture_presentations(mixture, learner, seed=0, labels=np.zeros((2, 3)))
        with pytest.raises(gp.ParameterError, match="postsynaptic variable or event 'u_0'"):
            dlr.multi_branch(2).synapses(gp.models.psp_input(400).neurons(1), learner)


def test_multi_branch_bad_inputs_name_the_parameter():
    for build, parameter in ((lambda: dlr.multi_branch(2, "steepest"), "update"),
                             (lambda: dlr.multi_branch(0), "branches"),
                             (lambda: gp.models.multi_branch_neuron(2, "sum"), "interaction"),
                             (lambda: gp.models.multi_branch_neuron(1.5), "branches")):
        with pytest.raises(gp.ParameterError) as error:
            build()
        assert error.value.parameter == parameter
    with pytest.raises(ValueError, match="inputs"):
        metrics.multi_branch_predictions(np.ones((2, 3)), np.ones((4, 2)), 0.75, 18.0, "saturating", 12.0, 0.6)
    with pytest.raises(ValueError, match="interaction"):
        metrics.branch_interaction(np.ones(3), "max", 12.0, 0.6)


def test_multi_branch_predictions_by_hand():
    weights = np.array([[[10.0, 0.0, 0.0], [0.0, 10.0, 0.0]]])  # one run, two branches
    features = np.array([[1.8, 0.0, 0.0], [1.8, 1.8, 0.0]])  # u = (18, 0) and (18, 18) mV: f = 0.5 per active branch
    q = metrics.multi_branch_predictions(weights, features, 0.75, 18.0, "saturating", alpha=12.0, theta=0.6)
    f_total = np.array([0.5 + expit(-13.5), 1.0])
    np.testing.assert_allclose(q[0], expit(12.0 * (f_total - 0.6)))
    xor = metrics.multi_branch_predictions(weights, features, 0.75, 18.0, "soft_xor", alpha=8.0, theta=0.5, dtheta=1.0)
    np.testing.assert_allclose(xor[0], expit(8.0 * (f_total - 0.5)) * expit(8.0 * (1.5 - f_total)))


def test_fig4_comparison_follows_the_data():
    from gatedplasticity.papers.rao2021 import fig4

    def result(gap_matched, xor_saturating):
        rows = []
        bayes = {"OR": 0.12, "AND": 0.11, "XOR": 0.22}
        for name, (*_, matched) in fig4.CONFIGURATIONS.items():
            for dataset in fig4.DATASETS:
                saturating_on_xor = dataset == "XOR" and "soft" not in name and name.startswith("2")
                good = matched in (dataset, None) and not saturating_on_xor
                nll = bayes[dataset] + (gap_matched if good else 0.3) + (xor_saturating if saturating_on_xor else 0)
                for split in ("validation", "test"):
                    rows.append({"configuration": name, "dataset": dataset, "initialisation": 0, "split": split,
                                 "nll": nll, "bayes_nll": bayes[dataset]})
        return fig4.Result(name="rao2021-fig4", tables={"nll": pd.DataFrame(rows)})

    assert fig4.compare(result(0.02, 0.5))["passed"].all()
    failed = fig4.compare(result(0.08, -0.25))
    assert not failed["passed"].iloc[:9].any() and not failed["passed"].iloc[-1]


@pytest.mark.standalone
def test_the_fig4_trainer_takes_its_datasets():
    """One labelling of one's own (the paper's clusters, a new labelling): one row of weights per dataset."""
    from gatedplasticity.papers.rao2021.training import train_branches

    weights = train_branches("2 soft-XOR", 20, 2, seed=1, backend="standalone", progress=False,
                             datasets={"only cluster 3": [0, 0, 1, 0]})
    assert weights.shape == (1, 2, 2, 3) and np.all(np.isfinite(weights))


@pytest.mark.parametrize("update", list(dlr.DIRECTIONS))
def test_the_rate_model_updates_as_the_spiking_rules_do(update):
    """``rao2021.rate_model`` (the noise diagnosis of Fig 4) writes D in NumPy; it must be the rule's own
    Brian2 expression (``rules.dlr.DIRECTIONS``) at every label, prediction and branch sum, edges included."""
    from brian2 import NeuronGroup
    from brian2.utils.stringtools import word_substitute

    from gatedplasticity.papers.rao2021 import rate_model

    expression, defaults, _ = dlr.DIRECTIONS[update]
    expression = word_substitute(expression, {"z_post": "z", "q_post": "q", "f_total_post": "f_total"})  # a cell's own
    z, q, f_total = (grid.ravel() for grid in np.meshgrid([0.0, 1.0], np.linspace(0, 1, 21), np.linspace(0, 2.5, 51)))
    with gp.Session(progress=False):
        cells = NeuronGroup(len(z), f"z : 1\nq : 1\nf_total : 1\nD = {expression} : 1", namespace=defaults)
        cells.z, cells.q, cells.f_total = z, q, f_total
        np.testing.assert_array_equal(rate_model.direction(update, z, q, f_total), cells.D[:])
