"""Metrics, closed forms, fits and plotting helpers."""

from . import bci, dlr, stdp

__all__ = ["stdp", "dlr", "bci"]
