"""Neuron models as Brian2 Equations with unit-aware defaults (:class:`Model`)."""

from .base import Model
from .bci import motor_neuron, population_input
from .dlr import dlr_neuron, multi_branch_neuron, psp_input
from .lif import G_PER_INPUT, burbank_lif
from .rate import threshold_linear
from .two_compartment import two_compartment

__all__ = ["Model", "motor_neuron", "population_input", "dlr_neuron", "multi_branch_neuron", "psp_input", "burbank_lif", "two_compartment", "threshold_linear", "G_PER_INPUT"]
