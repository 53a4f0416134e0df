"""Sphinx configuration of the gatedplasticity documentation (build: sphinx-build -W -b html docs docs/_build/html).

Notebooks are rendered with their stored outputs and never executed here;
figures in the gallery are committed PNGs, so the build runs no simulation.
"""

import sys
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "gatedplasticity"
author = "The gatedplasticity developers"
copyright = "2026, The gatedplasticity developers"
release = metadata.version("gatedplasticity")

# Math is rendered by a MathJax bundled with the site (sphinx-mathjax-offline): the pages read offline.
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.mathjax", "sphinx-mathjax-offline", "numpydoc",
              "parameter_tables", "gallery_grid"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"
nb_output_stderr = "remove"  # progress bars and Brian2 INFO lines; results are on stdout and in displays
nb_render_markdown_format = "myst"  # the Rule/Model markdown reprs hold tables (CommonMark, the default, has none)
numpydoc_show_class_members = False
numpydoc_validation_checks = set()
autodoc_member_order = "bysource"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
html_theme = "pydata_sphinx_theme"
html_title = "gatedplasticity"
html_static_path = ["_static"]
# Every cross-reference must resolve (-W makes a broken one fail the build); classes of
# other packages are not linked (no intersphinx: the build runs offline).
nitpicky = True
nitpick_ignore = [("py:class", "brian2.equations.equations.Equations"), ("py:class", "numpy.ndarray"),
                  ("py:class", "brian2.units.fundamentalunits.Quantity"), ("py:class", "pandas.DataFrame")]
