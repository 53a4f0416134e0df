"""Plasticity rules as Brian2 equation strings (:class:`Rule` objects).

Every family offers the same factory: ``rules.<family>.rule(variant, **options)``
(``stdp.rule("reverse", traces="neuron")``, ``eh.rule("rule9")``,
``dlr.rule("multi", branches=2)``, ``btsp.rule("lap")``), with ``VARIANTS``
listing the variants. ``rate_stdp`` is the pair STDP update of the linear
rate model (``models.linear``), with the same two variants as ``stdp``.
"""

from . import btsp, dlr, eh, rate_stdp, stdp
from .base import EVENT_GATE, UNGATED, Rule

__all__ = ["Rule", "UNGATED", "EVENT_GATE", "stdp", "dlr", "eh", "btsp", "rate_stdp"]
