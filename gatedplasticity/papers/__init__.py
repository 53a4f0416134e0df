"""One room per source paper: its parameters, its assembly, its sweep experiments and its figures.

``papers/<author><year>/`` holds ``parameters.py`` (the paper's values,
each tagged [P] published or [R] reconstructed, with the reason), the
paper-specific assembly (network, task, training), ``sweeps.py`` where the
paper has sweep experiments, and ``figN.py`` modules, each with
``simulate(seed, quick, backend)``, ``plot(data)`` and ``compare(data)``
(the contract is checked by :func:`gatedplasticity.papers.figure.check_contract`).

Figure ids are ``<author><year>-fig<N>`` (module ``papers.<author><year>.fig<N>``).
The package's sweep experiments (:data:`EXPERIMENTS`) are entered into the
one registry, ``gatedplasticity.sweep``, and loaded when first asked for.
"""

import importlib
import pkgutil

from .. import sweep

PAPERS = ("burbank2012", "gatedplasticity2026", "legenstein2010", "milstein2021", "rao2021")

#: The package's sweep experiments: name -> module of its paper that defines ``EXPERIMENTS``.
EXPERIMENTS = {
    "stdp-drift": "burbank2012.sweeps",
    "burbank-if": "burbank2012.sweeps",
    "bci-perturbation": "legenstein2010.sweeps",
}


class UnknownFigureError(KeyError):
    """No figure with that id."""

    def __str__(self):
        return self.args[0]


def figure_ids():
    """Ids of all reproducible figures, sorted."""
    ids = []
    for paper in PAPERS:
        package = importlib.import_module(f"{__name__}.{paper}")
        ids += [f"{paper}-{module.name}" for module in pkgutil.iter_modules(package.__path__)
                if module.name.startswith("fig") and module.name[3:].isdigit()]
    return sorted(ids, key=lambda figure_id: (figure_id.split("-fig")[0], int(figure_id.split("-fig")[1])))


def get(figure_id):
    """The module of figure ``figure_id``; unknown ids raise with the valid ones listed."""
    if figure_id not in figure_ids():
        raise UnknownFigureError(f"unknown figure {figure_id!r}; available figures: {', '.join(figure_ids())}")
    paper, number = figure_id.split("-")
    return importlib.import_module(f"{__name__}.{paper}.{number}")


def experiment(name):
    """The sweep experiment called ``name`` (``sweep.get``: the package's or one a user registered)."""
    return sweep.get(name)


for _name, _module in EXPERIMENTS.items():
    sweep.register_module(_name, f"{__name__}.{_module}")
