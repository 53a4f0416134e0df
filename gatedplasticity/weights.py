"""Between synapse order and weight arrays: one helper instead of hand-written reshapes.

Brian2 stores one value per synapse, in the order the synapses were
created. :func:`arrange` puts such values into an array indexed by any
tuple of per-synapse indices (pre x post, or run x post x pre for batched
blocks); indexing that array with the same indices gives synapse order back.
"""

import numpy as np

from .parameters import ParameterError


def all_to_all(n_pre, n_post):
    """(pre, post) indices of ``Synapses.connect()`` with all pairs: Brian2 orders them pre-major."""
    pre, post = np.divmod(np.arange(int(n_pre) * int(n_post)), int(n_post))
    return pre, post


def arrange(values, indices, shape):
    """An array of ``shape`` with ``values[..., k]`` at position ``indices[*][k]`` of synapse k.

    ``values`` may have leading dimensions (e.g. records x synapses); they
    come first in the result. Raises ParameterError if the indices do not
    cover every position exactly once.
    """
    values = np.asarray(values)
    indices = tuple(np.asarray(index, int) for index in indices)
    if len(indices) != len(shape) or any(index.shape != values.shape[-1:] for index in indices):
        raise ParameterError("indices", f"arrange: need {len(shape)} index arrays of length {values.shape[-1]}")
    inside = all(np.all((index >= 0) & (index < size)) for index, size in zip(indices, shape))
    if not inside or values.shape[-1] != int(np.prod(shape)) or \
            np.any(np.bincount(np.ravel_multi_index(indices, shape), minlength=values.shape[-1]) != 1):
        raise ParameterError("indices", f"arrange: {values.shape[-1]} synapses do not fill shape {tuple(shape)} once each")
    result = np.empty(values.shape[:-1] + tuple(shape), values.dtype)
    result[(..., *indices)] = values
    return result


def synapse_order(array, indices):
    """The values of ``array`` in synapse order (the inverse of :func:`arrange`)."""
    return np.asarray(array)[tuple(np.asarray(index, int) for index in indices)]
