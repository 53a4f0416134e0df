"""The built documentation site reads offline and shows before it tells.

Runs on the HTML that ``sphinx-build -b html docs docs/_build/html`` wrote (``.ci/run`` builds it,
then runs this module); skipped when the site has not been built.
"""

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
pytestmark = pytest.mark.skipif(not (SITE / "index.html").exists(),
                                reason="site not built: run sphinx-build -b html docs docs/_build/html first")


def pages():
    return sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts)


def test_no_page_loads_anything_from_the_network():
    remote = re.compile(r'<(?:script|img)[^>]*\ssrc="(?:https?:)?//|<link[^>]*\shref="(?:https?:)?//[^"]*\.css')
    offenders = [p.relative_to(SITE) for p in pages() if remote.search(p.read_text())]
    assert not offenders, f"pages that load a script, image or stylesheet from the network: {offenders}"


def test_math_is_rendered_by_a_bundled_mathjax():
    with_math = [p for p in pages() if 'class="math' in p.read_text()]
    assert len(with_math) >= 5, "the model pages hold equations"
    for page in with_math:
        scripts = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', page.read_text(), re.I)
        assert scripts, f"{page.relative_to(SITE)} has math but loads no MathJax"
        for src in scripts:
            assert (page.parent / src).resolve().is_file(), f"{page.relative_to(SITE)}: {src} is not in the site"


def test_parameter_tables_print_rounded_values():
    long_float = re.compile(r"<td><p>-?\d*\.\d{6,}")
    for page in (SITE / "models").glob("*.html"):
        cells = long_float.findall(page.read_text())
        assert not cells, f"{page.relative_to(SITE)} prints unrounded values: {cells[:3]}"


def test_front_page_opens_with_the_gallery_and_the_quick_start():
    index = (SITE / "index.html").read_text()
    gallery = (SITE / "gallery.html").read_text()
    links = re.findall(r'<a class="gp-thumb" href="gallery\.html#([^"]+)"><img src="([^"]+)"', index)
    figures = sorted(re.findall(r"^## `([^`]+)`", (ROOT / "docs" / "gallery.md").read_text(), re.M))
    assert sorted(figure for figure, _ in links) == figures
    for figure, thumbnail in links:
        assert f'id="{figure}"' in gallery, f"the thumbnail of {figure} links to no gallery entry"
        assert (SITE / thumbnail).is_file(), f"thumbnail {thumbnail} missing"
    assert index.index("gp-grid") < index.index("Quick start"), "the pictures come first"
    readme = (ROOT / "README.md").read_text().split("## Quick start", 1)[1]
    text = html.unescape(re.sub(r"<[^>]+>", "", index))  # code blocks are highlighted span by span
    for command in re.findall(r"```bash\n(.*?)\n```", readme, re.S)[:2]:
        assert command in text, f"front page lacks the Quick start command: {command}"
