"""One module per paper figure: ``simulate(seed, quick, backend)``, ``plot(data)``, ``compare(data)``.

Figure ids are ``<author><year>-fig<N>``; the module name is the id with
``_`` for ``-`` (``burbank2012-fig1`` -> ``burbank2012_fig1``).
"""

import importlib
import pkgutil


class UnknownFigureError(KeyError):
    """No figure with that id."""

    def __str__(self):
        return self.args[0]


def figure_ids():
    """Ids of all reproducible figures, sorted."""
    return sorted(
        module.name.replace("_", "-")
        for module in pkgutil.iter_modules(__path__)
        if "_fig" in module.name
    )


def get(figure_id):
    """The module of figure ``figure_id``; unknown ids raise with the valid ones listed."""
    if figure_id not in figure_ids():
        raise UnknownFigureError(
            f"unknown figure {figure_id!r}; available figures: {', '.join(figure_ids())}"
        )
    return importlib.import_module(f"{__name__}.{figure_id.replace('-', '_')}")
