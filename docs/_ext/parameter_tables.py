"""Sphinx directive ``gp-parameters``: a table of a Rule's or Model's defaults, generated from the object.

    ```{gp-parameters} gatedplasticity.rules.stdp rule
    :args: ["reverse"]
    ```

The module, the factory's name and its arguments (a JSON list) name the
object; nothing else is evaluated. Columns: parameter, default (four significant digits, in
its best unit), meaning.
"""

import importlib
import json

from docutils import nodes
from docutils.parsers.rst import Directive, directives


def cell(text):
    entry = nodes.entry()
    entry += nodes.paragraph(text=str(text))
    return entry


def shown(value):
    """A default at four significant digits (enough for every published value), in its best unit."""
    if getattr(value, "dim", None) is not None:
        unit = value.get_best_unit()
        return f"{float(value / unit):.4g} {unit}"
    return f"{value:.4g}" if isinstance(value, float) else f"{value}"


class ParameterTable(Directive):
    required_arguments = 2
    option_spec = {"args": directives.unchanged}

    def run(self):
        factory = getattr(importlib.import_module(self.arguments[0]), self.arguments[1])
        target = factory(*json.loads(self.options.get("args", "[]")))
        rows = []
        for name, value in target.defaults.items():
            rows.append((name, shown(value), target.descriptions.get(name, "")))
        table, group = nodes.table(), nodes.tgroup(cols=3)
        table += group
        for width in (20, 20, 60):
            group += nodes.colspec(colwidth=width)
        head, body = nodes.thead(), nodes.tbody()
        head += nodes.row("", *map(cell, ("parameter", "default", "meaning")))
        for row in rows:
            body += nodes.row("", *map(cell, row))
        group += head
        group += body
        caption = nodes.paragraph(text=f"{target.name} — {target.reference}")
        return [caption, table]


def setup(app):
    app.add_directive("gp-parameters", ParameterTable)
    return {"parallel_read_safe": True}
