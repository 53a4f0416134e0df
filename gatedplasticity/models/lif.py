"""Conductance-based leaky integrate-and-fire neuron of Burbank & Kreiman (2012).

    tau_m dv/dt = (V_rest - v) + g (E_ex - v)
    dg/dt = -g / tau_syn,   g reset to 0 at each spike

g is a dimensionless conductance (relative to the leak): each input adds
0.04 x its weight (Methods: "g_i(t) = 0.04 * sum over inputs arriving since
the neuron's last spike"); the synapse's ``transmit`` code does that, e.g.
``"g_post += g_per_input * w"``. Published: tau_m = 10 ms, V_rest = -74 mV,
E_ex = 0 mV, reset -60 mV, dt = 1 ms. Reconstructed [R]: threshold -54 mV,
the form of the voltage equation, tau_syn (15 ms, Table 1 value of Figs 3-4).
"""

from brian2 import Equations, mV, ms

from .base import Model

EQUATIONS = Equations(
    """
    dv/dt = ((V_rest - v) + g * (E_ex - v)) / tau_m : volt
    dg/dt = -g / tau_syn : 1
    """
)

#: Conductance added per unit weight of an input spike (Burbank & Kreiman Methods).
G_PER_INPUT = 0.04


def burbank_lif():
    """Conductance LIF (Burbank & Kreiman 2012, Methods)."""
    defaults = {
        "tau_m": 10 * ms, "V_rest": -74 * mV, "E_ex": 0 * mV,
        "V_reset": -60 * mV, "V_th": -54 * mV, "tau_syn": 15 * ms,
    }
    return Model(
        name="conductance LIF (Burbank & Kreiman 2012)",
        equations=EQUATIONS,
        defaults=defaults,
        threshold="v > V_th",
        reset="v = V_reset; g = 0",
        initial={"v": "V_rest"},
        method="exponential_euler",
        descriptions={
            "tau_m": "membrane time constant", "V_rest": "resting potential",
            "E_ex": "excitatory reversal potential", "V_reset": "reset potential",
            "V_th": "spike threshold [R]", "tau_syn": "decay of the input conductance",
        },
        reference="Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393, Methods",
    )
