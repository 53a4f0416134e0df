"""Two-compartment pyramidal neuron (soma + apical branch) with Ca2+ spikes.

    dv/dt   = (E_L - v)/tau_s + (g_c (v_a - v) + I_s) / C_s                    (soma)
    dv_a/dt = (E_L - v_a)/tau_a + (g_c (v - v_a) + g_ca plateau (E_ca - v_a) + I_a) / C_a

When the apical potential exceeds ``V_ca``, outside a plateau and its
``ca_refractory`` period, the branch emits the custom event ``ca_spike`` and a
Ca2+ plateau (conductance ``g_ca`` towards ``E_ca``) lasts ``ca_duration``
(>= 50 ms); the plateau depolarises the soma.
``ca_spike`` is the instructive gate of dendrite-gated rules
(``rule.gated("ca_spike")``); ``plateau`` (0/1) tells whether one is on.

All values are reconstructions [R] in the range of two-compartment L5
models (soma after Naud & Sprekeler 2018, PNAS 115:E6329); they are chosen so
that a plateau alone drives the soma towards threshold and a plateau plus
modest somatic drive makes it burst.
"""

from brian2 import Equations, mV, ms, nS, pF

from .base import Model

EQUATIONS = Equations(
    """
    dv/dt = (E_L - v) / tau_s + (g_c * (v_a - v) + I_s) / C_s : volt (unless refractory)
    dv_a/dt = (E_L - v_a) / tau_a + (g_c * (v - v_a) + g_ca * plateau * (E_ca - v_a) + I_a) / C_a : volt
    plateau = int(t < ca_end) : 1
    ca_end : second
    I_s : amp
    I_a : amp
    """
)


def two_compartment():
    """Soma + apical branch emitting ``spike`` (soma) and ``ca_spike`` (apical plateau onset)."""
    return Model(
        name="two-compartment pyramidal neuron",
        equations=EQUATIONS,
        defaults={
            "E_L": -70 * mV, "tau_s": 16 * ms, "C_s": 370 * pF, "V_th": -50 * mV,
            "V_reset": -55 * mV, "t_ref": 2 * ms, "tau_a": 7 * ms, "C_a": 170 * pF,
            "g_c": 10 * nS, "V_ca": -50 * mV, "g_ca": 60 * nS, "E_ca": 0 * mV,
            "ca_duration": 60 * ms, "ca_refractory": 20 * ms,
        },
        threshold="v > V_th",
        reset="v = V_reset",
        refractory="t_ref",
        events={"ca_spike": ("v_a > V_ca and t >= ca_end + ca_refractory", "ca_end = t + ca_duration")},
        initial={"v": "E_L", "v_a": "E_L"},
        method="exponential_euler",
        descriptions={
            "E_L": "leak reversal of both compartments", "tau_s": "somatic membrane time constant",
            "C_s": "somatic capacitance", "V_th": "somatic spike threshold",
            "V_reset": "somatic reset", "t_ref": "somatic refractory period",
            "tau_a": "apical membrane time constant", "C_a": "apical capacitance",
            "g_c": "soma-apical coupling conductance", "V_ca": "apical Ca2+ spike threshold",
            "g_ca": "plateau conductance", "E_ca": "plateau reversal potential",
            "ca_duration": "Ca2+ plateau duration",
            "ca_refractory": "no new Ca2+ spike until this long after a plateau ends",
        },
        reference="reconstruction [R]; soma after Naud & Sprekeler 2018, PNAS 115:E6329",
    )
