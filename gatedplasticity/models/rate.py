"""Threshold-linear rate neuron.

    tau dr/dt = -r + gain [I_in - theta]_+

``I_in`` (Hz) is the input drive, set by synapses or protocols.
"""

from brian2 import Equations, Hz, ms

from .base import Model

EQUATIONS = Equations(
    """
    dr/dt = (gain * (I_in - theta) * int(I_in > theta) - r) / tau : Hz
    I_in : Hz
    """
)


def threshold_linear():
    """Rate r relaxing with time constant tau towards gain * max(I_in - theta, 0)."""
    return Model(
        name="threshold-linear rate neuron",
        equations=EQUATIONS,
        defaults={"tau": 10 * ms, "gain": 1.0, "theta": 0 * Hz},
        method="exponential_euler",
        descriptions={"tau": "rate time constant", "gain": "slope above threshold", "theta": "threshold of the drive"},
    )
