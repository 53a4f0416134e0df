"""Plasticity rules as Brian2 equation strings (:class:`Rule` objects).

Every family offers the same factory: ``rules.<family>.rule(variant, **options)``
(``stdp.rule("reverse", traces="neuron")``, ``eh.rule("rule9")``,
``dlr.rule("multi", branches=2)``, ``btsp.rule("lap")``), with ``VARIANTS``
listing the variants.
"""

from . import btsp, dlr, eh, stdp
from .base import EVENT_GATE, UNGATED, Rule

FAMILIES = {"stdp": stdp, "eh": eh, "dlr": dlr, "btsp": btsp}

__all__ = ["Rule", "UNGATED", "EVENT_GATE", "FAMILIES", "stdp", "dlr", "eh", "btsp"]
