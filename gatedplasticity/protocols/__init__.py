"""Stimuli, instructive (gating) inputs and training loops. Protocols never edit a model."""

from . import bci
from .instructive import instructive_input
from .pairing import Pairing, pairing
from .poisson import poisson_trains
from .presentations import GaussianMixture, Presentations, mixture_presentations

__all__ = ["bci", "pairing", "Pairing", "poisson_trains", "instructive_input", "GaussianMixture", "Presentations", "mixture_presentations"]
