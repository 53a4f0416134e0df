"""The shipped synthetic recordings: 12 inductions made by the model with known parameters (the fit's truth).

``write(folder)`` regenerates them (``fitting.synthetic.generate`` with
:data:`TRUTH`, :data:`SEED`); ``load()`` reads the shipped copy from
``data/`` in the induction format. Regenerate with
``python -m gatedplasticity.papers.milstein2021.recordings``.
"""

import json
import sys
from pathlib import Path

from brian2 import second

from ...fitting import data, synthetic
from ...parameters import to_json

#: The parameters the recordings were made with (others published), chosen away from the published values.
TRUTH = {"k_plus": 1.6 / second, "k_minus": 0.3 / second, "th_plus": 0.35, "th_minus": 0.05}
SEED, INDUCTIONS = 2012, 12
FOLDER = Path(__file__).parent / "data"
FILES = ("ramps.csv", "paths.csv", "plateaus.csv")


def write(folder=FOLDER):
    """Generate the recordings and write the three tables and truth.json into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    recorded = synthetic.generate(TRUTH, n_inductions=INDUCTIONS, seed=SEED)
    for name, table in zip(FILES, (recorded.ramps, recorded.paths, recorded.plateaus)):
        table.to_csv(folder / name, index=False, float_format="%.4f")
    (folder / "truth.json").write_text(json.dumps({"truth": to_json(TRUTH), "seed": SEED, "inductions": INDUCTIONS},
                                                  indent=2))
    return folder


def paths(folder=FOLDER):
    """The three shipped tables' paths."""
    return [Path(folder) / name for name in FILES]


def load(folder=FOLDER, inductions=None):
    """The shipped recordings (the first ``inductions`` of them when given) in the induction format."""
    ramps, path_table, plateaus = (data.read_table(path) for path in paths(folder))
    if inductions is not None:
        keep = lambda table: table[table["induction"] < inductions]
        ramps, path_table, plateaus = keep(ramps), keep(path_table), keep(plateaus)
    return data.read_inductions(ramps, path_table, plateaus)


if __name__ == "__main__":
    print(f"wrote {write(sys.argv[1] if len(sys.argv) > 1 else FOLDER)}")
