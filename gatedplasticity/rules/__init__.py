"""Plasticity rules as Brian2 equation strings (:class:`Rule` objects)."""

from . import dlr, eh, stdp
from .base import EVENT_GATE, UNGATED, Rule

__all__ = ["Rule", "UNGATED", "EVENT_GATE", "stdp", "dlr", "eh"]
