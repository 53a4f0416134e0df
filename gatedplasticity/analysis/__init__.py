"""Metrics, closed forms, fits and plotting helpers."""

from . import stdp

__all__ = ["stdp"]
