"""Two-layer integrate-and-fire network with plastic top-down weights (builder, inputs, chunked runner, training).

``network``: the builder (:func:`build`, relays for delayed neuron-level
STDP traces, homeostasis); ``inputs``: correlated input strengths;
``runner``: one standalone build rerun per chunk, or a runtime network;
``training``: train until classified, resumable. The parameter values of
Burbank & Kreiman 2012 live in ``papers.burbank2012.parameters``.
"""

from .inputs import correlation_matrix, input_strengths
from .network import (CHUNK, DT, HOMEOSTASIS_EVERY, PRESENTATION, STRUCTURE, UNITS, TopDownNetwork, build, parameters,
                      relay, state_variables, structure_of, tunable_values)
from .runner import CompiledNetwork, RuntimeNetwork, read_state, with_units
from .training import HISTORY_COLUMNS, Training, initial_state, train, weight_matrix

__all__ = ["correlation_matrix", "input_strengths", "CHUNK", "DT", "HOMEOSTASIS_EVERY", "PRESENTATION", "STRUCTURE",
           "UNITS", "TopDownNetwork", "build", "parameters", "relay", "state_variables", "structure_of",
           "tunable_values", "CompiledNetwork", "RuntimeNetwork", "read_state", "with_units", "HISTORY_COLUMNS",
           "Training", "initial_state", "train", "weight_matrix"]
