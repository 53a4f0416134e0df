"""The spiking multi-layer network as a NumPy loop over time steps: the reference and baseline of ``spiking``.

One block, deterministic somata (noise SD 0), the plateau-gated, ungated
or target rule, Kolen-Pollack top-down weights, and Brian2's order within a
step: schedule and restarts; Euler updates of every group from the values
at the start of the step (somata frozen while refractory); spikes and the
``plateau`` / ``ending`` events; spike transmission, then the weight change
at ``ending`` (counts of that step's spikes not yet added); resets.
"""

import numpy as np

from ...models.apical_lif import apical_lif, teacher_drive
from .network import check_sizes, initial_weights
from .spiking import PHASE, SPIKING_METHODS, STEP, STEPS
from .training import schedule


def constants():
    values = apical_lif().defaults
    seconds = lambda name: float(values[name])
    return {"tau_m": seconds("tau_m"), "t_ref": int(round(seconds("t_ref") / float(STEP))),
            "tau_syn": seconds("tau_syn"), "tau_a": seconds("tau_a"), "drive": float(values["drive"]),
            "r_ref": float(values["r_ref"]), "T": float(PHASE), "dt": float(STEP), "teach": teacher_drive()}


class Layer:
    """Soma state of ``n`` LIF neurons: v, I, last spike step, spike counts of both phases."""

    def __init__(self, n):
        self.v, self.I, self.last = np.zeros(n), np.zeros(n), np.full(n, -10**9)
        self.forward, self.nudged = np.zeros(n), np.zeros(n)

    def rest(self):
        self.v[:], self.I[:], self.last[:] = 0, 0, -10**9

    def step(self, drive, n, c):
        """Euler step of v (unless refractory) and I from their old values; the neurons that spike."""
        active = n - self.last >= c["t_ref"]
        v = self.v + active * c["dt"] * (drive - self.v) / c["tau_m"]
        self.I = self.I - c["dt"] * self.I / c["tau_syn"]
        self.v = v
        return np.flatnonzero((self.v > 1) & active)

    def fire(self, spikes, n, nudged):
        self.v[spikes], self.last[spikes] = 0, n
        (self.nudged if nudged else self.forward)[spikes] += 1


def train(dataset, sizes, method, seed, epochs, parameters):
    """Forward-phase output rates (presentations, classes) and final (W1, W2, B) of one spiking network."""
    sizes, c = check_sizes(sizes), constants()
    p = {"g_a": 1.0, **parameters}
    hidden_rule, gated = SPIKING_METHODS[method]
    eta_hidden = p["eta_plateau"] if hidden_rule == "plateau" else p["eta"]
    plan = schedule(len(dataset.train_y), len(dataset.test_y), [seed], epochs)
    (w1, w2), (b,) = (list(map(np.copy, part)) for part in initial_weights(sizes, seed))
    images = np.hstack([dataset.images, np.ones((len(dataset.images), 1))])
    n_rate, half = c["T"] * c["r_ref"], STEPS // 2
    inputs, hidden, output = np.zeros(sizes[0] + 1), Layer(sizes[1]), Layer(sizes[2])
    input_forward, input_nudged = np.zeros(sizes[0] + 1), np.zeros(sizes[0] + 1)
    v_a, a_forward, a_nudged = np.zeros(sizes[1]), np.zeros(sizes[1]), np.zeros(sizes[1])
    outputs = np.zeros((len(plan.order), sizes[2]))
    for index, image in enumerate(plan.order[:, 0]):
        x, target = images[image], (np.arange(sizes[2]) == dataset.labels[image]).astype(float)
        h_forward = np.zeros(sizes[2])
        for counts in (input_forward, input_nudged, hidden.forward, hidden.nudged, output.forward, output.nudged,
                       a_forward, a_nudged):
            counts[:] = 0
        for k in range(STEPS):
            n, nudged = index * STEPS + k, k >= half
            if k % half == 0:
                inputs[:], v_a[:] = 0, 0
                hidden.rest()
                output.rest()
            a, h_hidden, h_output = v_a / (c["r_ref"] * c["tau_a"]), hidden.I / (c["r_ref"] * c["tau_syn"]), \
                output.I / (c["r_ref"] * c["tau_syn"])
            inputs += c["dt"] * x * c["r_ref"]
            apical = nudged * (a - a_forward)
            a_forward += c["dt"] * (1 - nudged) * a / c["T"]
            a_nudged += c["dt"] * nudged * a / c["T"]
            v_a -= c["dt"] * v_a / c["tau_a"]
            h_forward += c["dt"] * (1 - nudged) * h_output / c["T"]
            fired_in = np.flatnonzero(inputs > 1)
            fired_hidden = hidden.step(c["drive"] + h_hidden + p["g_a"] * apical, n, c)
            fired_out = output.step(c["teach"] * target if nudged else c["drive"] + h_output, n, c)
            hidden.I += w1[:, fired_in].sum(1)
            output.I += w2[:, fired_hidden].sum(1)
            v_a += b[:, fired_out].sum(1)
            learning = plan.learning[index] > 0.5
            if k == STEPS - 1 and learning:
                r_in, r_h, out_h = input_forward / n_rate, hidden.forward / n_rate, hidden.nudged / n_rate
                r_o, out_o = output.forward / n_rate, output.nudged / n_rate
                gate = np.abs(a_nudged - a_forward) > p["theta_plateau"] if gated else np.ones(sizes[1], bool)
                w1 += np.outer(gate * eta_hidden * (out_h - r_h), r_in) - p["eta"] * p["decay"] * w1
                w2 += p["eta"] * np.outer(out_o - r_o, r_h) - p["eta"] * p["decay"] * w2
                b += p["eta"] * (np.outer(r_h, out_o - r_o) - p["decay"] * b)
            hidden.fire(fired_hidden, n, nudged)
            output.fire(fired_out, n, nudged)
            inputs[fired_in] -= 1
            (input_nudged if nudged else input_forward)[fired_in] += 1
        outputs[index] = output.forward / n_rate + 1e-6 * np.tanh(h_forward)
    return {"outputs": outputs, "weights": (w1, w2, b), "schedule": plan}
