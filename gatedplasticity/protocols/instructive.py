"""Instructive inputs: depolarising kicks that trigger spikes, Ca2+ spikes or plateaus.

The target model stays untouched: a spike source and a Synapses object add
``amount`` to one of its variables at the given times (e.g. ``v_a`` of the
two-compartment model crosses ``V_ca`` and emits ``ca_spike``).
"""

from brian2 import Quantity, SpikeGeneratorGroup, Synapses

from ..parameters import ParameterError, check_unit
from .validation import quantity_array

OWNER = "instructive_input"


def instructive_input(target, times, amount, variable="v_a", targets=None):
    """Return (source, synapses) that add ``amount`` to ``target.variable`` at ``times``.

    ``targets`` selects the neuron indices that receive it (default: all).
    Kicks take effect in the synaptic slot of the step after each time.
    """
    if variable not in target.variables:
        raise ParameterError("variable", f"{OWNER}: {target.name} has no variable '{variable}'")
    check_unit("amount", amount, Quantity(1, dim=target.variables[variable].dim), OWNER)
    times = quantity_array("times", times, target.clock.dt, OWNER)
    source = SpikeGeneratorGroup(1, [0] * len(times), times, name="instructive*")
    synapses = Synapses(source, target, on_pre=f"{variable}_post += amount", namespace={"amount": amount}, name="instructive_synapses*")
    if targets is None:
        synapses.connect()
    else:
        synapses.connect(i=0, j=list(targets))
    return source, synapses
