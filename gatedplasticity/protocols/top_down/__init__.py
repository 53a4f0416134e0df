"""Two-layer integrate-and-fire network with plastic top-down weights (structure, builder, inputs, chunked runs,
training).

``structure``: the compile-time :class:`Structure` and the :class:`Parameters` in the paper's names (one
mapping to the model's variables); ``network``: the builder (relays for delayed neuron-level STDP traces,
homeostasis); ``inputs``: correlated input strengths; ``runner``: the network as a ``backends.Program``,
one run per chunk; ``training``: train until classified, resumable; ``batch``: many networks as copies of one
program, each classified on its own. The parameter values of Burbank &
Kreiman 2012 live in ``papers.burbank2012.parameters``.
"""

from .batch import group_by_program, train_many
from .inputs import correlation_matrix, input_strengths
from .network import build, relay
from .runner import population_counts, program, run_chunk, run_copies
from .structure import (CHUNK, DT, HOMEOSTASIS_EVERY, PEAK_RATE, PRESENTATION, UNITS, Parameters, Structure,
                        model_values)
from .training import HISTORY_COLUMNS, NetworkRun, Training, initial_state, load_snapshots, train, weight_matrix

__all__ = ["group_by_program", "train_many", "run_copies", "NetworkRun", "correlation_matrix", "input_strengths", "build", "relay", "population_counts", "program", "run_chunk",
           "CHUNK", "DT", "HOMEOSTASIS_EVERY", "PEAK_RATE", "PRESENTATION", "UNITS", "Parameters", "Structure",
           "model_values", "HISTORY_COLUMNS", "Training", "initial_state", "load_snapshots", "train", "weight_matrix"]
