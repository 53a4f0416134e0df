"""BTSP in a population during spatial foraging: plateaus more likely near reward over-represent it.

500 cells, 200 place inputs each, 25 laps at 25 cm/s on a 187-cm track;
every cell emits plateaus at random, 0.0075/s, and 0.035/s within 10 cm of
the reward at 93.5 cm (the fitted rates [P]). Measure [R]: among cells with
a place field at the end (ramp peak >= 2 mV), the fraction whose peak lies
within +-20 cm of the reward, against the fraction a uniform tiling gives
(40/187). ``--quick``: 100 cells. Runs compiled (standalone) by default.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from brian2 import cm, second

from ...analysis import place_fields
from ...protocols import track as protocol
from ...results import Result
from ..figure import check_bound, comparison, style
from . import fields
from .parameters import VALUES

PAPER = fields.PAPER
DESCRIPTION = "Population of 500 BTSP cells foraging for 25 laps: place fields over-represent the reward site"
BACKENDS = ('standalone', 'runtime')
QUICK = True
CELLS = {False: VALUES["population_cells"], True: 100}
LAPS = VALUES["population_laps"]
REWARD_CM, ZONE_CM, FIELD_MV = VALUES["reward_cm"], VALUES["reward_zone_cm"], VALUES["field_threshold_mV"]
BASE_RATE, REWARD_RATE = VALUES["base_rate"], VALUES["reward_rate"]


def simulate(seed=0, quick=False, backend="standalone", progress=True):
    track = protocol.track(LAPS, speed=VALUES["speed_cm_s"] * cm / second)
    run = protocol.run(track, n_cells=CELLS[quick], n_inputs=fields.N_INPUTS, base_rate=BASE_RATE, reward_rate=REWARD_RATE,
                       reward_position=REWARD_CM * cm, seed=seed, backend=backend, progress=progress)
    positions, ramps = fields.ramps(run.weights[-1], run.centers)
    peaks = positions[np.argmax(ramps, axis=1)]
    cells = pd.DataFrame({"cell": np.arange(len(ramps)), "peak_cm": peaks, "amplitude_mV": ramps.max(axis=1),
                          "plateaus": np.bincount(run.plateaus["cell"], minlength=len(ramps))})
    by_lap = []
    for lap in range(LAPS):
        _, lap_ramps = fields.ramps(run.weights[lap], run.centers)
        field_cells = lap_ramps.max(axis=1) >= FIELD_MV
        lap_peaks = positions[np.argmax(lap_ramps, axis=1)][field_cells]
        near = place_fields.coverage(lap_peaks, REWARD_CM, fields.LENGTH_CM, ZONE_CM) if field_cells.any() else None
        by_lap.append({"lap": lap, "place_cells": int(field_cells.sum()),
                       "fraction_near_reward": near["fraction_near_reward"] if near is not None else np.nan})
    return Result(name="milstein2021-fig3", tables={"cells": cells, "laps": pd.DataFrame(by_lap),
                                                     "plateaus": run.plateaus},
                  arrays={"positions": positions, "ramps": ramps},
                  params={"cells": CELLS[quick], "laps": LAPS, "reward_cm": REWARD_CM, "zone_cm": ZONE_CM,
                          "field_mV": FIELD_MV, "base_rate": BASE_RATE, "reward_rate": REWARD_RATE})


def compare(data):
    cells = data.tables["cells"]
    place_cells = cells[cells["amplitude_mV"] >= FIELD_MV]
    near = place_fields.coverage(place_cells["peak_cm"], REWARD_CM, fields.LENGTH_CM, ZONE_CM)
    ratio = near["fraction_near_reward"] / near["uniform_fraction"]
    return comparison([
        check_bound(f"place fields within {ZONE_CM:g} cm of reward / uniform expectation (pass if > 1.5)", float("nan"),
                    ratio, 1.5, upper=False),
        check_bound("fraction of cells with a place field (ramp >= 2 mV) at the end (pass if > 0.2)", float("nan"),
                    len(place_cells) / len(cells), 0.2, upper=False),
    ])


def plot(data):
    cells, positions, ramps = data.tables["cells"], data.arrays["positions"], data.arrays["ramps"]
    place_cells = cells[cells["amplitude_mV"] >= FIELD_MV].sort_values("peak_cm")
    with style():
        figure, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4))
        left.imshow(ramps[place_cells["cell"].to_numpy()], aspect="auto", extent=(0, positions[-1], len(place_cells), 0),
                    cmap="viridis")
        left.axvline(REWARD_CM, color="w", ls=":")
        left.set(xlabel="position (cm)", ylabel="place cell (sorted)", title="A  ramps after 25 laps")
        middle.hist(place_cells["peak_cm"], bins=np.arange(0, positions[-1] + 10, 10), color="0.3")
        middle.axvline(REWARD_CM, color="#c44e52", ls=":")
        middle.set(xlabel="field peak (cm)", ylabel="cells", title="B  over-representation of reward")
        laps = data.tables["laps"]
        right.plot(laps["lap"] + 1, laps["place_cells"], color="k")
        right.set(xlabel="lap", ylabel="place cells", title="C  place cells over laps")
        figure.tight_layout()
    return figure
