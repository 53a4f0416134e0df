"""The :class:`Rule` object: a plasticity rule as Brian2 equation strings."""

import re
from dataclasses import dataclass, field, replace

import numpy as np
from brian2 import Equations, Synapses, get_device, ms, second
from brian2.devices.device import RuntimeDevice
from brian2.utils.stringtools import get_identifiers

from ..parameters import (ParameterError, as_equations, as_table, batch_arguments, check_names, check_value, frozen,
                          resolve, split_shared)

#: Plasticity always on: the weight-update code multiplies by ``plasticity_gate``.
UNGATED = Equations("plasticity_gate = 1 : 1")

#: Open for ``gate_duration`` after each postsynaptic gate event.
EVENT_GATE = Equations(
    """
    plasticity_gate = int(t < gate_open_until) : 1
    gate_open_until : second
    """
)


#: How often batched derived constants are recomputed (a run_regularly; Brian2's runtime clocks fail near 1e6 s).
DERIVED_EVERY = 100 * second


@dataclass(frozen=True)
class Rule:
    """A synaptic plasticity rule ready to be attached to any Brian2 neurons.

    Attributes
    ----------
    name : str
        Default "custom rule".
    model : Equations or str
        Synaptic state (weight, traces) and subexpressions (a string is
        parsed as Brian2 equations, as ``Synapses(model=...)`` does).
    on_pre, on_post : str
        Code run on a presynaptic / postsynaptic spike. Weight updates are
        multiplied by ``plasticity_gate`` so that any rule can be gated.
    on_event : mapping of postsynaptic event name -> code
        Event pathways, e.g. ``{"ca_spike": "..."}``.
    on_pre_event : mapping of pathway name -> (presynaptic event, code)
        Pathways run on presynaptic custom events, in the order given (after
        the ``on_pre`` spike pathway), e.g. read-out then learning at the end
        of a presentation.
    on_step : mapping of stage name -> code
        Code run on every synapse once per time step, in the order given (a
        Brian2 ``run_regularly`` named ``<synapses>_<stage>`` per stage), for
        discrete-time rate rules such as the EH rule.
    defaults : mapping of parameter name -> Quantity
        Unit-aware default parameters, passed to Brian2 via ``namespace=``.
    initial : mapping of synaptic variable -> parameter name giving its initial value
    requires : tuple of str
        Postsynaptic variables or events the rule reads (``on_event`` events
        are added automatically).
    requires_pre : tuple of str
        Presynaptic variables or events (``on_pre_event`` events are added).
    gate : Equations
        Defines ``plasticity_gate`` (``UNGATED`` or ``EVENT_GATE``).
    post_after_resets : bool
        Run the ``on_post`` pathway after the neurons' resets instead of in the
        synapses slot (it then sees what the presynaptic reset code did in the
        same step, e.g. a neuron-level trace increment).
    derived : mapping of name -> (expression of parameters, unit)
        Constants computed from parameters (e.g. a sigmoid's normalisation).
        Normally subexpressions, which the compiler folds into constants;
        when parameters are batched they become per-synapse variables
        computed at t = 0 (after a standalone rerun's run_args) and every
        ``DERIVED_EVERY`` (100 s) of simulated time, not at every step. In
        runtime, batched values changed between two runs reach them at the
        next of those times.
    descriptions : mapping of parameter name -> meaning (with units)
    reference : str
        Paper, equation and DOI.
    """

    name: str = "custom rule"
    model: Equations = None
    on_pre: str = ""
    on_post: str = ""
    on_event: dict = field(default_factory=dict)
    on_pre_event: dict = field(default_factory=dict)
    on_step: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    initial: dict = field(default_factory=dict)
    requires: tuple = ()
    requires_pre: tuple = ()
    gate: Equations = UNGATED
    post_after_resets: bool = False
    derived: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    reference: str = ""

    def __post_init__(self):
        object.__setattr__(self, "model", as_equations("model", self.model, f"rule '{self.name}'"))
        object.__setattr__(self, "on_event", frozen(self.on_event))
        object.__setattr__(self, "on_pre_event", frozen(self.on_pre_event))
        object.__setattr__(self, "on_step", frozen(self.on_step))
        pre_events = tuple(event for event, _ in self.on_pre_event.values())
        object.__setattr__(self, "requires_pre", tuple(dict.fromkeys((*self.requires_pre, *pre_events))))
        object.__setattr__(self, "defaults", frozen(self.defaults))
        object.__setattr__(self, "initial", frozen(self.initial))
        object.__setattr__(self, "descriptions", frozen(self.descriptions))
        object.__setattr__(self, "derived", frozen(self.derived))
        object.__setattr__(self, "requires", tuple(dict.fromkeys((*self.requires, *self.on_event))))

    @property
    def equations(self):
        """All synaptic equations of the rule, gate and derived constants (as subexpressions) included."""
        return self.model + self.gate + self.derived_equations(stored=False)

    def derived_equations(self, stored):
        """The derived constants as subexpressions, or (``stored``) as variables set by :meth:`synapses`."""
        lines = [f"{name} : {unit}" if stored else f"{name} = {expression} : {unit}"
                 for name, (expression, unit) in self.derived.items()]
        return Equations("\n".join(lines))

    def gated(self, event, duration=60 * ms):
        """The same rule whose weight changes happen only while a gate is open.

        The gate opens at each postsynaptic ``event`` (e.g. ``"ca_spike"``,
        ``"plateau"``, ``"reward"``) and stays open for ``duration``; traces keep
        evolving while it is closed. A postsynaptic spike in the step of the
        event finds the gate open; a presynaptic one does not (Brian2 runs
        presynaptic pathways first).
        """
        if self.gate is not UNGATED:
            raise ParameterError("event", f"rule '{self.name}' is already gated")
        if not isinstance(event, str) or not event:
            raise ParameterError("event", f"rule '{self.name}': the gating event must be a name, got {event!r}")
        check_value("duration", duration, ms, f"rule '{self.name}'")
        return replace(
            self,
            name=f"{self.name}, gated by {event}",
            gate=EVENT_GATE,
            on_event={**self.on_event, event: "gate_open_until = t + gate_duration"},
            defaults={**self.defaults, "gate_duration": duration},
            descriptions={**self.descriptions, "gate_duration": f"how long the gate stays open after each '{event}'"},
        )

    def check_groups(self, pre, post):
        """Raise ParameterError naming the first required variable/event a group lacks."""
        for side, group, names in (("presynaptic", pre, self.requires_pre), ("postsynaptic", post, self.requires)):
            events = getattr(group, "events", {})
            for required in names:
                if required not in group.variables and required not in events:
                    raise ParameterError(
                        required,
                        f"rule '{self.name}' requires the {side} variable or event "
                        f"'{required}', which {group.name} does not have "
                        f"(its events: {', '.join(sorted(events)) or 'none'})",
                    )

    def synapses(self, pre, post, *, connect=True, tunable=(), batched=(), transmit="", name=None, dt=None,
                 **overrides):
        """Build a ``brian2.Synapses`` from ``pre`` to ``post`` that obeys this rule.

        Parameters
        ----------
        connect : True, False, str or dict
            True: all-to-all; str: a connection condition; dict: keyword
            arguments of ``Synapses.connect`` (e.g. ``{"j": "i"}``); False: none.
        tunable : iterable of str
            Parameters stored as shared constant variables instead of
            namespace constants, so that a standalone binary can be rerun with
            new values through ``run_args`` (``session.rerun({S.mu: 0.02})``).
        batched : iterable of str
            Parameters stored per synapse (constant variables), so that one
            group holds many independent parameter sets. Their overrides may
            be scalars, one value per synapse, or one per postsynaptic neuron
            (expanded to its synapses; in standalone this needs
            ``connect=True`` or explicit ``i``/``j`` arrays, whose synapse order
            is known before the run). :meth:`batch_args` gives the run_args of
            new values for a rerun of a standalone build.
        transmit : str
            Extra code run on each presynaptic spike, e.g. ``"g_post += 0.04*w"``.
        dt : Quantity, optional
            Clock of the synapses; must equal the presynaptic group's when the
            rule's pathways run on its events.
        **overrides
            Parameter values replacing the defaults (checked for name and unit).

        The synapses' ``operations`` maps each :attr:`on_step` stage to its
        ``run_regularly`` object, for callers that schedule the stages.
        """
        params = resolve(self.defaults, overrides, owner=f"rule '{self.name}'")
        check_names("tunable", tunable, params, f"rule '{self.name}'")
        check_names("batched", batched, params, f"rule '{self.name}'")
        self.check_groups(pre, post)
        tunable_equations, namespace = split_shared(params, tunable, batched)
        pre_code = "\n".join(line for line in (self.on_pre, transmit) if line)
        pre_pathways = {"pre": pre_code} if pre_code else {}
        pre_pathways.update({name: code for name, (_, code) in self.on_pre_event.items()})
        post_pathways = {"post": self.on_post} if self.on_post else {}
        post_pathways.update({f"on_{event}": code for event, code in self.on_event.items()})
        triggers = {name: "spike" for name in (*pre_pathways, *post_pathways)}
        triggers.update({name: event for name, (event, _) in self.on_pre_event.items()})
        triggers.update({f"on_{event}": event for event in self.on_event})
        synapses = Synapses(
            pre,
            post,
            model=self.model + self.gate + self.derived_equations(stored=bool(batched)) + tunable_equations,
            on_pre=pre_pathways or None,
            on_post=post_pathways or None,
            on_event=triggers,
            namespace=namespace,
            name=name or "synapses*",
            dt=dt,
        )
        self.check_code(synapses)
        if self.post_after_resets and self.on_post:
            synapses.post.when = "after_resets"
        for order, pathway in enumerate(self.on_pre_event):
            getattr(synapses, pathway).order = order
        if batched and self.derived:
            code = "\n".join(f"{name} = {expression}" for name, (expression, _) in self.derived.items())
            synapses.run_regularly(code, dt=DERIVED_EVERY, when="start", order=-100, name=f"{synapses.name}_derived")
        synapses.add_attribute("operations")
        synapses.operations = {stage: synapses.run_regularly(code, name=f"{synapses.name}_{stage}", order=order)
                               for order, (stage, code) in enumerate(self.on_step.items())}
        if connect is True:
            synapses.connect()
        elif isinstance(connect, str):
            synapses.connect(condition=connect)
        elif isinstance(connect, dict):
            synapses.connect(**connect)
        for parameter in tunable:
            setattr(synapses, parameter, params[parameter])
        synapses.add_attribute("post_index")
        synapses.post_index = post_index(synapses, pre, post, connect) if batched else None
        if batched and connect is not False:
            for variable, value in self.batch_args(synapses, **{p: params[p] for p in batched}).items():
                setattr(synapses, variable.name, value)
        if connect is not False:
            for variable, parameter in self.initial.items():
                setattr(synapses, variable, params[parameter])
        return synapses

    def check_code(self, synapses):
        """Every identifier of every pathway's and every ``on_step`` stage's code must resolve now (synapse,
        group or namespace variable, function, unit), so that a misspelt name is reported here, naming the
        rule, not at run()."""
        codes = [("on_post" if pathway.prepost == "post" else "on_pre",) * 2 + (pathway.code, pathway.variables)
                 for pathway in synapses._pathways]
        codes += [("on_step", f"on_step stage '{stage}'", code, None) for stage, code in self.on_step.items()]
        for argument, label, code, variables in codes:
            try:
                temporaries = set(re.findall(r"^\s*(\w+)\s*=(?!=)", code, re.MULTILINE))  # 'x = ...' may define x
                synapses.resolve_all(get_identifiers(code) - temporaries, synapses.namespace,
                                     additional_variables=variables)
            except KeyError as error:
                found = re.search(r'identifier "([^"]+)"', str(error))
                name = found.group(1) if found else str(error)
                raise ParameterError(argument, f"rule '{self.name}': its {label} code uses '{name}', which "
                                               "neither the synapses, their groups nor the namespace define") from None

    def batch_args(self, synapses, **values):
        """{synapses.<name>: per-synapse values} for batched parameters (run_args of a standalone rerun, or to set).

        Each value: a scalar, one per synapse, or one per postsynaptic neuron
        (when the synapse order is known: see :meth:`synapses`).
        """
        return batch_arguments(synapses, values, self.defaults, f"rule '{self.name}'", index=synapses.post_index)

    def _repr_markdown_(self):
        pathways = [("on_pre", self.on_pre), ("on_post", self.on_post)]
        pathways += [(f"on {event}", code) for event, code in self.on_event.items()]
        pathways += [(f"{name} (on presynaptic {event})", code) for name, (event, code) in self.on_pre_event.items()]
        pathways += [(f"{stage} (every time step)", code) for stage, code in self.on_step.items()]
        code = "\n\n".join(f"{label}:\n{text.strip()}" for label, text in pathways if text)
        return (
            f"**{self.name}**\n\n{self.reference}\n\n```\n{self.equations}\n\n{code}\n```\n\n"
            f"{as_table(self.defaults, self.descriptions)}\n\n"
            f"requires (postsynaptic): {', '.join(self.requires) or 'nothing'}; "
            f"(presynaptic): {', '.join(self.requires_pre) or 'nothing'}"
        )

    def __str__(self):
        return self._repr_markdown_()


def post_index(synapses, pre, post, connect):
    """Postsynaptic neuron of each synapse when the order is known before a run (runtime: always), else None."""
    if isinstance(get_device(), RuntimeDevice) and connect is not False:
        return np.asarray(synapses.j[:])
    if connect is True:
        return np.tile(np.arange(len(post)), len(pre))  # Brian2 creates all-to-all synapses i-major
    if isinstance(connect, dict) and "j" in connect and not isinstance(connect["j"], str) and "i" in connect:
        return np.broadcast_to(np.asarray(connect["j"]), np.broadcast(connect["i"], connect["j"]).shape).copy()
    return None
