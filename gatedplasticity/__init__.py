"""gatedplasticity: spiking and rate models of top-down, dendrite-gated plasticity on Brian2."""

from importlib import metadata

from . import analysis, models, papers, protocols, rules
from .backends import BACKENDS, Session, StandaloneUnsupportedError
from .parameters import ParameterError
from .results import Result

try:
    __version__ = metadata.version("gatedplasticity")
except metadata.PackageNotFoundError:
    __version__ = "0+unknown"

__all__ = ["models", "rules", "protocols", "analysis", "papers", "Session", "BACKENDS", "Result",
           "ParameterError", "StandaloneUnsupportedError", "__version__"]
