"""Unit-aware parameter sets: defaults + validated overrides, shown as tables."""

import re
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from brian2 import Equations, Hz, Quantity, get_dimensions, get_unit, have_same_dimensions, second

#: NumPy 2's repr of a scalar, e.g. ``np.int64(0)`` or ``np.float64(1.5)``.
NUMPY_SCALAR = re.compile(r"\bnp\.(?:u?int|float|complex|bool_?)\d*\(([^()]*)\)")


class ParameterError(ValueError):
    """A parameter was unknown, had the wrong unit or an invalid value.

    ``parameter`` holds the offending name so callers can react to it.
    """

    def __init__(self, parameter, message):
        super().__init__(NUMPY_SCALAR.sub(r"\1", str(message)))  # "got np.int64(0)" reads "got 0"
        self.parameter = parameter


def as_equations(name, value, owner):
    """``value`` as Brian2 Equations: Equations pass, a string is parsed; anything else is an error naming ``name``."""
    if isinstance(value, Equations):
        return value
    if isinstance(value, str):
        try:
            return Equations(value)
        except Exception as error:  # Brian2 raises several types for a bad equation string
            raise ParameterError(name, f"{owner}: cannot parse '{name}' as Brian2 equations: {error}") from None
    raise ParameterError(name, f"{owner}: '{name}' must be Brian2 Equations or an equation string, got {value!r}")


def frozen(mapping):
    """A read-only copy of ``mapping`` (for immutable rule/model objects)."""
    return MappingProxyType(dict(mapping))


def resolve(defaults, overrides, owner):
    """Return ``defaults`` updated with ``overrides`` after checking names, units and values.

    ``owner`` names the rule or model in error messages. Raises
    ParameterError naming the parameter when it is unknown, not a number or
    quantity, not finite, of other physical dimensions than the default, or
    of the wrong sign (see :func:`check_value`).
    """
    for name, value in overrides.items():
        if name not in defaults:
            raise ParameterError(
                name,
                f"{owner}: unknown parameter '{name}'; "
                f"valid parameters are: {', '.join(sorted(defaults))}",
            )
        check_value(name, value, defaults[name], owner)
    return {**defaults, **overrides}


def check_value(name, value, reference, owner):
    """Raise ParameterError unless ``value`` is a finite number/quantity like ``reference``.

    Durations (second) must be positive and rates (Hz) non-negative: a time
    constant, window or gate duration has no meaning at or below zero.
    Other values keep their sign free (weights, potentials, biases).
    """
    numeric = isinstance(value, (Quantity, int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not numeric and not (isinstance(value, np.ndarray) and value.dtype.kind in "iuf"):
        raise ParameterError(name, f"{owner}: parameter '{name}' must be a number or quantity, got {value!r}")
    check_unit(name, value, reference, owner)
    magnitude = np.asarray(value, float)
    if not np.all(np.isfinite(magnitude)):
        raise ParameterError(name, f"{owner}: parameter '{name}' must be finite, got {value!r}")
    dimensions = get_dimensions(reference)
    if dimensions == get_dimensions(second) and np.any(magnitude <= 0):
        raise ParameterError(name, f"{owner}: parameter '{name}' is a duration and must be positive, got {value!r}")
    if dimensions == get_dimensions(Hz) and np.any(magnitude < 0):
        raise ParameterError(name, f"{owner}: parameter '{name}' is a rate and must be non-negative, got {value!r}")


def check_unit(name, value, reference, owner):
    """Raise ParameterError unless ``value`` has the dimensions of ``reference``."""
    if not have_same_dimensions(value, reference):
        raise ParameterError(
            name,
            f"{owner}: parameter '{name}' must be in {unit_name(reference)}, "
            f"got {value!r}",
        )


def unit_name(value):
    """Readable unit of a value ('1' for dimensionless)."""
    dim = get_dimensions(value)
    return "1 (dimensionless)" if dim.is_dimensionless else repr(get_unit(dim))


def equation_unit(value):
    """Unit string of ``value`` as Brian2 equations expect it."""
    return "1" if get_dimensions(value).is_dimensionless else unit_name(value)


def split_shared(params, shared, batched=()):
    """(Equations declaring the ``shared`` and ``batched`` parameters as variables, namespace of the rest).

    Shared constants live in the group, so subexpressions that use them can be
    read by other groups and standalone ``run_args`` can change them. Batched
    parameters are per-element constants (one value per neuron or synapse):
    one group then holds many independent parameter sets.
    """
    lines = [f"{name} : {equation_unit(params[name])} (shared, constant)" for name in shared]
    lines += [f"{name} : {equation_unit(params[name])} (constant)" for name in batched]
    equations = Equations("\n".join(lines))
    return equations, {key: value for key, value in params.items() if key not in (*shared, *batched)}


def check_names(kind, names, params, owner):
    """Raise ParameterError naming the first of ``names`` that is not a parameter of ``owner``."""
    for name in names:
        if name not in params:
            raise ParameterError(name, f"{owner}: unknown {kind} parameter '{name}'; valid parameters are: "
                                       f"{', '.join(sorted(params))}")


def batch_values(name, value, reference, owner, count=None, index=None):
    """``value`` as one value per element of a group (neurons or synapses), in the unit of ``reference``.

    A scalar is repeated; an array gives one value per element (``count`` of
    them, when known) or, with ``index`` (the group of each element, e.g. the
    postsynaptic neuron of each synapse), one value per group, expanded to
    the elements. Units, finiteness and sign are checked as for scalars
    (:func:`check_value`); a wrong length raises ParameterError naming ``name``.
    """
    check_value(name, value, reference, owner)
    magnitude = np.asarray(value, float)
    count = len(index) if index is not None else count
    if magnitude.ndim == 0:
        if count is None:
            return value
        magnitude = np.full(count, float(magnitude))
    elif magnitude.ndim != 1:
        raise ParameterError(name, f"{owner}: batched parameter '{name}' must be a scalar or a 1-D array, "
                                   f"got shape {magnitude.shape}")
    elif index is not None and len(magnitude) != count:
        groups = int(np.max(index)) + 1 if len(index) else 0
        if len(magnitude) != groups:
            raise ParameterError(name, f"{owner}: batched parameter '{name}' needs {count} values (one per element) "
                                       f"or {groups} (one per group), got {len(magnitude)}")
        magnitude = magnitude[np.asarray(index)]
    elif count is not None and len(magnitude) != count:
        raise ParameterError(name, f"{owner}: batched parameter '{name}' needs {count} values (one per element), "
                                   f"got {len(magnitude)}")
    return Quantity(magnitude, dim=get_dimensions(reference))


def batch_arguments(group, values, defaults, owner, count=None, index=None):
    """{group.<name>: per-element values} for batched parameters of a NeuronGroup or Synapses
    (run_args of a standalone rerun, or values to set); see :func:`batch_values`.

    Raises ParameterError naming a parameter that is not batched in ``group``.
    """
    args = {}
    for name, value in values.items():
        if name not in group.variables or group.variables[name].scalar or name not in defaults:
            raise ParameterError(name, f"{owner}: '{name}' is not a batched parameter of {group.name}")
        args[getattr(group, name)] = batch_values(name, value, defaults[name], owner, count=count, index=index)
    return args


def as_table(parameters, descriptions=None):
    """Markdown table of parameters with their values and units."""
    descriptions = descriptions or {}
    rows = ["| parameter | value | meaning |", "|---|---|---|"]
    for name, value in parameters.items():
        text = str(value) if isinstance(value, Quantity) else repr(value)
        rows.append(f"| `{name}` | {text} | {descriptions.get(name, '')} |")
    return "\n".join(rows)


def to_json(value):
    """JSON-ready copy of a parameter value; quantities become {'value', 'unit'}."""
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, Quantity):
        unit = get_unit(get_dimensions(value))
        return {"value": np.asarray(value / unit).tolist(), "unit": unit_name(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return repr(value)


TAGS = {"P": "published", "R": "reconstructed"}


def values_of(table):
    """{name: value} of a tagged table {name: (value, tag, reason)}; checks every tag and reason."""
    for name, (_, tag, reason) in table.items():
        if tag not in TAGS or not reason:
            raise ParameterError(name, f"parameter '{name}' needs a tag P or R and a reason, got {tag!r}, {reason!r}")
    return {name: value for name, (value, _, _) in table.items()}


def tagged_table(table):
    """Markdown table of a tagged parameter table: [P] published, [R] reconstructed, with the reason."""
    rows = ["| parameter | value | | source / reason |", "|---|---|---|---|"]
    for name, (value, tag, reason) in table.items():
        rows.append(f"| `{name}` | {value} | [{tag}] | {reason} |")
    return "\n".join(rows)
