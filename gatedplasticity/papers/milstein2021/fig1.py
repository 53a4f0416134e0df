"""BTSP one-shot place-field induction: one plateau turns a silent cell into a place cell in one lap.

A silent cell (all weights naive) runs laps at 15, 25 and 35 cm/s; in lap 2
a plateau is induced at P = 90 cm. The ramp after that lap (per-lap
integration, as the authors' code; the continuous integration at 25 cm/s
beside it, and tau_ET x0.5 and x1.5 at 25 cm/s) gives the amplitude, the
peak shift from P, the FWHM and the asymmetry (area before / after P). Targets: Milstein et al. 2021's
synthetic-cell values and Bittner et al. 2017 (targets and tolerances: docs/reproductions.md).
``--quick`` is the same (the runs take seconds).
"""

import matplotlib.pyplot as plt
import pandas as pd
from brian2 import cm, ms, second

from ...protocols import track as protocol
from ...results import Result
from ..figure import check, check_bound, comparison, row, style
from . import fields
from .parameters import VALUES

PAPER = fields.PAPER
DESCRIPTION = "BTSP: one plateau creates an asymmetric place field in one lap (ramp ~8 mV, peak before the plateau)"
BACKENDS = ('standalone', 'runtime')
QUICK = False  # --quick runs the same (already small) configuration
SEEDED = False  # induced plateaus at constant speed: nothing is random
PLATEAU_CM = VALUES["plateau_cm"]
SPEEDS = VALUES["induction_speeds_cm_s"]
TAU_ET_MS = VALUES["tau_et_ms"]  # fitted, x0.5, x1.5
LAPS = VALUES["induction_laps"]


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    rows, ramps = [], {}
    runs = [(speed, "lap", TAU_ET_MS[0]) for speed in SPEEDS] + [(25.0, "continuous", TAU_ET_MS[0])]
    runs += [(25.0, "lap", tau) for tau in TAU_ET_MS[1:]]
    for speed, integration, tau_et in runs:
        track = protocol.track(LAPS, speed=speed * cm / second)
        run = protocol.run(track, n_inputs=fields.N_INPUTS, induced=[(0, 1, PLATEAU_CM * cm)], integration=integration,
                           seed=seed, backend=backend, tau_et=tau_et * ms)
        label = f"{speed:g} cm/s, {integration}" + (f", tau_ET {tau_et:g} ms" if tau_et != TAU_ET_MS[0] else "")
        positions, before = fields.ramps(run.weights[0], run.centers)
        _, after = fields.ramps(run.weights[1], run.centers)
        ramps[f"before {label}"], ramps[f"after {label}"] = before[0], after[0]
        rows.append({"speed_cm_s": speed, "integration": integration, "tau_et_ms": tau_et,
                     **fields.metrics(run.weights[1], run.centers, PLATEAU_CM)})
    return Result(name="milstein2021-fig1", tables={"fields": pd.DataFrame(rows)},
                  arrays={"positions": positions, **{k.replace(" ", "_").replace("/", ""): v for k, v in ramps.items()}},
                  params={"plateau_cm": PLATEAU_CM, "speeds_cm_s": SPEEDS, "n_inputs": fields.N_INPUTS,
                          "track_cm": fields.LENGTH_CM})


def field(data, speed, integration="lap", tau_et=TAU_ET_MS[0]):
    table = data.tables["fields"]
    return table[(table["speed_cm_s"] == speed) & (table["integration"] == integration)
                 & (table["tau_et_ms"] == tau_et)].iloc[0]


def compare(data):
    main = field(data, 25.0)
    return comparison([
        row("peak shift from the plateau at 25 cm/s (cm; paper -12.5, pass if -15..-5)", -12.5, main["peak_shift_cm"],
            5.0, -15 <= main["peak_shift_cm"] <= -5),
        check("ramp amplitude at 25 cm/s (mV; paper ~8, accept 6-10)", 8.0, main["amplitude_mV"], 2.0),
        check_bound("asymmetry, area before / after (paper ~2.2; pass if >= 1.5)", 2.2, main["asymmetry"], 1.5, upper=False),
        check("FWHM at 25 cm/s (cm; accept 60-75)", 67.5, main["fwhm_cm"], 7.5),
        check_bound("FWHM at 35 minus 15 cm/s (cm; pass if > 0: grows with speed)", float("nan"),
                    field(data, 35.0)["fwhm_cm"] - field(data, 15.0)["fwhm_cm"], 0, upper=False),
        check_bound("FWHM at 1.5 minus 0.5 x tau_ET (cm; pass if > 0: grows with tau_ET)", float("nan"),
                    field(data, 25.0, tau_et=TAU_ET_MS[2])["fwhm_cm"] - field(data, 25.0, tau_et=TAU_ET_MS[1])["fwhm_cm"],
                    0, upper=False),
    ])


def plot(data):
    positions = data.arrays["positions"]
    with style():
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
        left.plot(positions, data.arrays["before_25_cms,_lap"], color="0.6", label="before")
        left.plot(positions, data.arrays["after_25_cms,_lap"], color="k", label="after one plateau (per-lap)")
        left.plot(positions, data.arrays["after_25_cms,_continuous"], color="#4c72b0", ls="--", label="continuous integration")
        left.axvline(PLATEAU_CM, color="#c44e52", ls=":", label="plateau onset")
        left.set(xlabel="position (cm)", ylabel="ramp (mV)", title="A  one-shot induction, 25 cm/s")
        left.legend(fontsize=7)
        for speed in SPEEDS:
            right.plot(positions, data.arrays[f"after_{speed:g}_cms,_lap"], label=f"{speed:g} cm/s")
        right.axvline(PLATEAU_CM, color="#c44e52", ls=":")
        right.set(xlabel="position (cm)", title="B  running speed")
        right.legend(fontsize=7)
        figure.tight_layout()
    return figure
