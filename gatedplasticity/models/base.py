"""The :class:`Model` object: a neuron model as Brian2 equations + defaults."""

from dataclasses import dataclass, field

import numpy as np
from brian2 import Equations, NeuronGroup

from ..parameters import (ParameterError, as_equations, as_table, batch_arguments, check_names, frozen, resolve,
                          split_shared)


@dataclass(frozen=True)
class Model:
    """A neuron model ready to be instantiated as a ``brian2.NeuronGroup``.

    Attributes
    ----------
    name : str
        Default "custom model".
    equations : Equations or str
        The model's equations (a string is parsed, as ``NeuronGroup`` does).
    defaults : mapping of parameter name -> Quantity (passed via ``namespace=``)
    threshold, reset : str or None
        Condition and code of the ``spike`` event.
    refractory : str or None
        Refractoriness (an expression such as ``"t_ref"``).
    events : mapping of event name -> (condition, code run on the event[, when])
        Custom events, e.g. ``{"ca_spike": ("v_a > v_ca", "ca_end = t + ca_duration")}``;
        the optional ``when`` schedules the code (default ``"after_resets"``).
    step : str or mapping of stage name -> code
        Code run once every time step of the group (a Brian2 ``run_regularly``
        named ``<group>_<stage>``, stage "step" for a string, scheduled at the
        start of the step), for discrete-time models such as rate neurons with
        per-step noise; several stages (e.g. "soma" after the bottom-up drive,
        "dendrite" after the top-down drive) let a protocol order them
        between other groups' stages.
    initial : mapping of variable -> parameter name giving its initial value
    method : str
        Brian2 integration method.
    shared : tuple of str
        Parameters stored as shared constant variables of the group instead of
        namespace constants: needed when a subexpression that uses them is read
        by Synapses (e.g. ``xbar_pre``), and settable through standalone ``run_args``.
    descriptions : mapping of parameter name -> meaning
    reference : str
    """

    name: str = "custom model"
    equations: Equations = None
    defaults: dict = field(default_factory=dict)
    threshold: str | None = None
    reset: str | None = None
    refractory: str | None = None
    events: dict = field(default_factory=dict)
    step: str = ""
    initial: dict = field(default_factory=dict)
    method: str = "euler"
    shared: tuple = ()
    descriptions: dict = field(default_factory=dict)
    reference: str = ""

    def __post_init__(self):
        object.__setattr__(self, "equations", as_equations("equations", self.equations, f"model '{self.name}'"))
        for name in ("defaults", "events", "initial", "descriptions"):
            object.__setattr__(self, name, frozen(getattr(self, name)))
        if not isinstance(self.step, str):
            object.__setattr__(self, "step", frozen(self.step))

    @property
    def stages(self):
        """The per-step code as {stage name: code} ({"step": code} for a single string)."""
        if isinstance(self.step, str):
            return {"step": self.step} if self.step else {}
        return dict(self.step)

    @property
    def variables(self):
        """Names of the model's state variables and subexpressions."""
        return tuple(sorted(self.equations.names))

    @property
    def emits(self):
        """Events the model's neurons emit (``spike`` plus custom events)."""
        return (("spike",) if self.threshold else ()) + tuple(self.events)

    def neurons(self, n, *, name=None, dt=None, functions=None, batched=(), **overrides):
        """``n`` neurons of this model (on their own clock if ``dt`` is given); ``overrides`` replace defaults.

        ``batched`` parameters (shared ones included) are stored per neuron (constant variables): their
        overrides may be scalars or one value per neuron, so that one group
        holds many independent parameter sets; :meth:`batch_args` gives the
        run_args of new values for a rerun of a standalone build.
        ``functions`` maps names used in the equations to TimedArrays or Brian2 Functions.
        The group's ``operations`` maps each stage of ``step`` ("step" for a
        single string) to its ``run_regularly``, for callers that schedule them.
        """
        if isinstance(n, bool) or not isinstance(n, (int, float, np.integer)) or int(n) != n or n < 1:
            raise ParameterError("n", f"{self.name}: number of neurons n must be a positive integer, got {n!r}")
        params = resolve(self.defaults, overrides, owner=f"model '{self.name}'")
        check_names("batched", batched, params, f"model '{self.name}'")
        kept_shared = tuple(name for name in self.shared if name not in batched)
        shared, namespace = split_shared(params, kept_shared, batched)
        group = NeuronGroup(
            int(n),
            self.equations + shared,
            threshold=self.threshold,
            reset=self.reset,
            refractory=self.refractory or False,
            events={event: condition for event, (condition, *_) in self.events.items()} or None,
            method=self.method,
            namespace={**namespace, **(functions or {})},
            name=name or "neurongroup*",
            dt=dt,
        )
        for event, (_, code, *when) in self.events.items():
            if code:
                group.run_on_event(event, code, when=when[0] if when else "after_resets")
        group.add_attribute("operations")
        group.operations = {stage: group.run_regularly(code, name=f"{group.name}_{stage}", order=order)
                            for order, (stage, code) in enumerate(self.stages.items())}
        for parameter in kept_shared:
            setattr(group, parameter, params[parameter])
        for variable, value in self.batch_args(group, **{p: params[p] for p in batched}).items():
            setattr(group, variable.name, value)
        for variable, parameter in self.initial.items():
            setattr(group, variable, params[parameter])
        return group

    def batch_args(self, group, **values):
        """{group.<name>: per-neuron values} for batched parameters (scalars or one per neuron)."""
        return batch_arguments(group, values, self.defaults, f"model '{self.name}'", count=len(group))

    def _repr_markdown_(self):
        events = "\n".join(f"- `{e}`: when `{c}`, then `{code}`" for e, (c, code, *_) in self.events.items())
        spike = f"- `spike`: when `{self.threshold}`, then `{self.reset}`\n" if self.threshold else ""
        step = "".join(f"- every time step ({stage}): `{code.strip()}`\n" for stage, code in self.stages.items())
        return (
            f"**{self.name}**\n\n{self.reference}\n\n```\n{self.equations}\n```\n\n"
            f"{spike}{events}{step}\n\n{as_table(self.defaults, self.descriptions)}"
        )

    def __str__(self):
        return self._repr_markdown_()
