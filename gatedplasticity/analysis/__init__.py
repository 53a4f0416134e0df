"""Metrics, closed forms, fits and plotting helpers."""

from . import dlr, stdp

__all__ = ["stdp", "dlr"]
