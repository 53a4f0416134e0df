"""Sphinx directive ``gp-gallery-grid``: thumbnails of the gallery's figures, each linking to its entry.

    ```{gp-gallery-grid} gallery.md
    ```

The argument is the gallery page (relative to the source folder): each of its entries
(a ``## `figure-id` `` heading followed by the entry's image) gets one thumbnail
(``THUMB_WIDTH`` pixels wide), written into the build's ``_static/thumbnails``, that links
to the entry. Thumbnails are made at build time, so no image is committed twice.
"""

import html
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from PIL import Image

THUMB_WIDTH = 360  # pixels
ENTRY = re.compile(r"^## `([^`]+)`\n(?:(?!^## ).*\n)*?!\[[^]]*\]\(([^)]+\.png)\)", re.M)


def thumbnail(png, folder):
    """Write a THUMB_WIDTH-wide copy of ``png`` into ``folder``; returns its file name."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(png) as image:
        height = round(image.height * THUMB_WIDTH / image.width)
        image.convert("RGB").resize((THUMB_WIDTH, height), Image.LANCZOS).save(folder / png.name, optimize=True)
    return png.name


class GalleryGrid(Directive):
    required_arguments = 1

    def run(self):
        env = self.state.document.settings.env
        page = Path(env.srcdir) / self.arguments[0]
        entries = ENTRY.findall(page.read_text())
        if not entries:
            raise self.error(f"gp-gallery-grid: no entry with an image in {page}")
        out = Path(env.app.outdir) / "_static" / "thumbnails"
        cells = []
        for figure_id, image in entries:
            name = thumbnail(page.parent / image, out)
            figure_id = html.escape(figure_id)
            cells.append(f'<a class="gp-thumb" href="{page.stem}.html#{figure_id}">'
                         f'<img src="_static/thumbnails/{name}" alt="{figure_id}" loading="lazy">'
                         f"<span>{figure_id}</span></a>")
        env.note_dependency(str(page))
        return [nodes.raw("", '<div class="gp-grid">' + "".join(cells) + "</div>", format="html")]


def setup(app):
    app.add_directive("gp-gallery-grid", GalleryGrid)
    app.add_css_file("gallery-grid.css")
    return {"parallel_read_safe": True}
