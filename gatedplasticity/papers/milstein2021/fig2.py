"""BTSP translocation: a plateau at a new position moves the place field (bidirectional, weight-dependent).

A place field is induced at P1 = 90 cm in lap 2; plateaus at P2 = P1 + 60 cm
follow in laps 4, 5 and 6. The ramp after each lap: the new peak forms
before P2, and the ramp at the old peak falls because old-field inputs are
depressed (weight dependence: strong synapses are depressed by the same
signal that potentiates weak ones). Panel B: the weight change at the
second plateau against the weight before it. ``--quick`` is the same.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from brian2 import cm, second

from ...protocols import track as protocol
from ...results import Result
from ..figure import comparison, row, style
from . import fields
from .parameters import VALUES

PAPER = fields.PAPER
DESCRIPTION = "BTSP translocation: a second plateau 60 cm later creates a new field and depresses the old one"
BACKENDS = ('standalone', 'runtime')
QUICK = False  # --quick runs the same (already small) configuration
SEEDED = False  # induced plateaus at constant speed: nothing is random
P1, P2 = VALUES["translocation_cm"]
INDUCTIONS = [(0, 1, P1), (0, 3, P2), (0, 4, P2), (0, 5, P2)]
LAPS = VALUES["translocation_laps"]


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    track = protocol.track(LAPS, speed=VALUES["speed_cm_s"] * cm / second)
    run = protocol.run(track, n_inputs=fields.N_INPUTS, induced=[(c, lap, p * cm) for c, lap, p in INDUCTIONS],
                       seed=seed, backend=backend)
    positions, ramps = fields.ramps(run.weights[:, 0, :], run.centers)
    old_peak = positions[np.argmax(ramps[1])]
    rows = [{"lap": lap, "ramp_at_old_peak_mV": ramps[lap][np.argmax(positions == old_peak)],
             **fields.metrics(run.weights[lap], run.centers, P2)} for lap in range(LAPS)]
    return Result(name="milstein2021-fig2", tables={"laps": pd.DataFrame(rows)},
                  arrays={"positions": positions, "ramps": ramps, "weights": run.weights[:, 0, :], "centers": run.centers},
                  params={"inductions": INDUCTIONS, "old_peak_cm": old_peak, "speed_cm_s": 25.0})


def compare(data):
    laps = data.tables["laps"].set_index("lap")
    before = laps.loc[2, "ramp_at_old_peak_mV"]
    shift = laps.loc[3, "peak_shift_cm"]
    one, three = laps.loc[3, "ramp_at_old_peak_mV"] / before, laps.loc[5, "ramp_at_old_peak_mV"] / before
    return comparison([
        row("new peak relative to P2 after one plateau (cm; pass if -15..-5)", -12.5, shift, 5.0, -15 <= shift <= -5),
        row("ramp at the old peak after one plateau at P2 / before (drop >= 25%: pass if <= 0.75)", float("nan"), one,
            0.75, one <= 0.75),
        row("ramp at the old peak after three plateaus at P2 / before (drop >= 50%: pass if <= 0.5)", float("nan"), three,
            0.5, three <= 0.5),
    ])


def plot(data):
    positions, ramps = data.arrays["positions"], data.arrays["ramps"]
    weights = data.arrays["weights"]
    with style():
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
        for lap, color in ((1, "0.6"), (3, "#dd8452"), (5, "#c44e52")):
            left.plot(positions, ramps[lap], color=color, label=f"after lap {lap + 1}")
        for position in (P1, P2):
            left.axvline(position, color="k", ls=":")
        left.set(xlabel="position (cm)", ylabel="ramp (mV)", title="A  translocation (P1 = 90, P2 = 150 cm)")
        left.legend(fontsize=7)
        right.scatter(weights[2], weights[3] - weights[2], s=8, color="k")
        right.axhline(0, color="0.7")
        right.set(xlabel="w before the plateau at P2", ylabel="change in w", title="B  weight dependence")
        figure.tight_layout()
    return figure
