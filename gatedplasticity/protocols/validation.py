"""Input checks shared by protocols: errors name the offending parameter."""

import numpy as np
from brian2 import DimensionMismatchError, Quantity

from ..parameters import ParameterError, check_unit
from ..streams import check_seed


def quantity_array(name, value, reference, owner):
    """``value`` (a quantity or a list of them) as a 1-D Quantity with the unit of ``reference``."""
    try:
        value = Quantity(value)
    except DimensionMismatchError as error:
        raise ParameterError(name, f"{owner}: '{name}' mixes units ({error})") from None
    except (TypeError, ValueError):
        raise ParameterError(name, f"{owner}: '{name}' must be a quantity, got {value!r}") from None
    if value.dtype.kind not in "iuf":
        raise ParameterError(name, f"{owner}: '{name}' must be numeric, got {value!r}")
    check_unit(name, value, reference, owner)
    if not np.all(np.isfinite(np.asarray(value))):
        raise ParameterError(name, f"{owner}: '{name}' must be finite, got {value!r}")
    return np.atleast_1d(value)


def non_negative(name, value, owner):
    if np.any(np.asarray(value) < 0):
        raise ParameterError(name, f"{owner}: '{name}' must be non-negative, got {value!r}")


def positive_int(name, value, owner):
    numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not numeric or not np.isfinite(value) or not float(value).is_integer() or value < 1:
        raise ParameterError(name, f"{owner}: '{name}' must be a positive integer, got {value!r}")
    return int(value)


def one_of(name, value, choices, owner):
    """``value`` if it is one of ``choices``, else ParameterError naming ``name`` and listing them."""
    if value not in choices:
        raise ParameterError(name, f"{owner}: unknown {name} {value!r}; choose one of {', '.join(choices)}")
    return value


def seed_value(seed, owner):
    """Require an explicit non-negative integer seed (see ``streams.check_seed``)."""
    return check_seed(seed, owner)
