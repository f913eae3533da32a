"""The mechanism diagrams as readers meet them: on the concept pages, and as thumbnails.

``docs/_ext/diagrams.py`` draws them at build time.  A concept page shows its diagram as
a figure with a text alternative, legible in dark mode and on a phone; every gallery
thumbnail shows a chart or a diagram, never sphinx-gallery's placeholder (four pastel
blobs, without a single dark pixel).
"""

from __future__ import annotations

import io

import pytest
from conftest import site_dir
from PIL import Image
from site_browser import PHONE

CONCEPT_DIAGRAMS = {
    "concepts/machine.html": "start_methods",
    "concepts/kinds-of-work.html": "two_clocks",
    "concepts/sync-and-async.html": "event_loop_cycle",
    "concepts/concurrency-and-parallelism.html": "gil_handoff",
    "concepts/gil.html": "gil_handoff",
    "concepts/routines.html": "event_loop_cycle",
    "concepts/queues.html": "pool_round_trip",
    "concepts/resources.html": "ctrl_c_process_group",
}
FIGURE = "figure.diagram img"
MIN_ALT_WORDS = 15  # a description of the picture, not a label
MIN_PHONE_WIDTH_PX = 300  # of a 390 px viewport: the diagram uses the column's width
# Text and lines are dark: under 128 of 255 in grey.  The placeholder has none at all;
# the faintest chart thumbnail (thin lines, small text) has about 0.7 % of its pixels.
DARK = 128
MIN_INK = 0.002


def _chapter_indexes(config: pytest.Config) -> list[str]:
    site = site_dir(config)
    return sorted(
        p.relative_to(site).as_posix() for p in (site / "chapters").glob("*/index.html")
    )


def _chapter_first_pages(config: pytest.Config) -> list[str]:
    site = site_dir(config)
    return sorted(
        min(p.relative_to(site).as_posix() for p in chapter.glob("[0-9]*.html"))
        for chapter in (site / "chapters").iterdir()
        if chapter.is_dir() and any(chapter.glob("[0-9]*.html"))
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "concept_page" in metafunc.fixturenames:
        metafunc.parametrize("concept_page", sorted(CONCEPT_DIAGRAMS))
    if "chapter_index" in metafunc.fixturenames:
        metafunc.parametrize("chapter_index", _chapter_indexes(metafunc.config))
    if "first_page" in metafunc.fixturenames:
        metafunc.parametrize("first_page", _chapter_first_pages(metafunc.config))


def _ink(image: Image.Image) -> float:
    """The share of dark pixels, seen on white (thumbnails of charts are transparent)."""
    rgba = image.convert("RGBA")
    grey = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("L")
    return sum(grey.histogram()[:DARK]) / (rgba.width * rgba.height)


def test_every_concept_page_has_a_diagram(site) -> None:
    pages = {
        p.relative_to(site).as_posix()
        for p in (site / "concepts").glob("*.html")
        if p.name != "index.html"
    }
    assert pages, "no concept pages"
    assert pages <= set(CONCEPT_DIAGRAMS), (
        f"no diagram on {sorted(pages - set(CONCEPT_DIAGRAMS))}"
    )


def test_concept_page_shows_its_diagram_with_alt_text(browser, concept_page) -> None:
    name = CONCEPT_DIAGRAMS[concept_page]
    images = [i for i in browser.visit(concept_page).images if f"/{name}." in i["src"]]
    assert images, f"{concept_page}: no image of the {name} diagram"
    for image in images:
        assert image["loaded"], f"{image['src']} did not load"
        alt = (image["alt"] or "").split()
        assert len(alt) >= MIN_ALT_WORDS, f"{image['src']}: alt text {alt!r}"


def test_a_chapters_first_page_shows_its_mechanism(browser, first_page) -> None:
    drawn = set(CONCEPT_DIAGRAMS.values())
    images = [
        i
        for i in browser.visit(first_page).images
        if any(f"/{name}." in i["src"] for name in drawn)
    ]
    assert len(images) == 1, f"{first_page}: {len(images)} diagrams"
    assert images[0]["loaded"], f"{images[0]['src']} did not load"
    assert len((images[0]["alt"] or "").split()) >= MIN_ALT_WORDS, images[0]["alt"]


def test_concept_diagram_reads_on_a_dark_phone(browser, concept_page) -> None:
    with browser.open(concept_page, viewport=PHONE, color_scheme="dark") as tab:
        assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
        figure = tab.locator(FIGURE).first
        figure.scroll_into_view_if_needed()
        box = figure.bounding_box()
        assert box is not None
        assert MIN_PHONE_WIDTH_PX <= box["width"] <= PHONE["width"], box
        shot = Image.open(io.BytesIO(figure.screenshot())).convert("RGB")
    background = max(shot.getcolors(maxcolors=shot.width * shot.height))[1]
    assert min(background) > 200, f"the diagram sits on {background} in dark mode"
    assert _ink(shot) >= MIN_INK, "no dark text or lines on the diagram"


def test_no_gallery_thumbnail_is_the_placeholder(browser, chapter_index) -> None:
    thumbnails = [i for i in browser.visit(chapter_index).images if "_thumb." in i["src"]]
    assert thumbnails, f"{chapter_index}: no thumbnails"
    blank = []
    for thumbnail in thumbnails:
        path = browser.local_path(thumbnail["src"])
        assert path is not None and path.is_file(), thumbnail["src"]
        with Image.open(path) as image:
            if _ink(image) < MIN_INK:
                blank.append(path.name)
    assert not blank, f"{chapter_index}: placeholder thumbnails {blank}"
