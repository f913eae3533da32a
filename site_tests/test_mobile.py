"""The site on a phone (a 390 px wide viewport): figure text a reader can read, and the
guide's decision tree and evidence table inside the screen.

A figure's text is drawn in points at the figure's DPI into a PNG of ``W`` pixels; the
page shows that PNG ``w`` CSS px wide, which scales the text by ``w / W``.  The charts
of :mod:`conc_examples.charts` draw no text under
:data:`~conc_examples.charts.plotting.SMALLEST_TEXT_PT` (their unit tests check every
text of every chart), so the smallest text a reader meets is
``SMALLEST_TEXT_PT / 72 * DPI * w / W`` CSS px: here it must be at least 8 px.  The DPI is
the one the PNG itself records.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import site_dir
from PIL import Image
from site_browser import PHONE
from test_figures import _figure_pages

from conc_examples.charts.plotting import SMALLEST_TEXT_PT

MIN_TEXT_PX = 8.0  # CSS px: below this, figure text is a blur on a phone
FIGURES = "img.sphx-glr-single-img, img.sphx-glr-multi-img, figure.overview-figure img"
LANDING = "index.html"
GUIDE = "guide.html"
MIN_WHY_PX = 250  # the guide table's "why" column: a readable line, not a word a line

_FIGURE_FACTS = """(selector) => Promise.all([...document.querySelectorAll(selector)]
  .map(async (img) => {
    img.loading = "eager";
    await img.decode().catch(() => null);
    return {src: img.currentSrc || img.src, width: img.getBoundingClientRect().width,
            natural_width: img.naturalWidth, natural_height: img.naturalHeight};
  }))"""

# Each block of the guide's main text: how far it reaches past the screen's right edge,
# and how much it hides in a scroll box of its own.
_GUIDE_FACTS = """() => {
  const width = document.documentElement.clientWidth;
  const blocks = [...document.querySelectorAll(
      "article.bd-article ul, article.bd-article pre, article.bd-article table")];
  const why = [...document.querySelectorAll("table.evidence tbody td:nth-child(4)")]
    .map((td) => td.getBoundingClientRect().width);
  return {
    width,
    page_overflow: document.documentElement.scrollWidth - width,
    blocks: blocks.map((e) => ({
      what: e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
        + ": " + e.textContent.trim().slice(0, 50),
      past_edge: e.getBoundingClientRect().right - width,
      hidden: e.scrollWidth - e.clientWidth,
    })),
    evidence_tables: document.querySelectorAll("table.evidence").length,
    why,
  };
}"""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "phone_figure_page" in metafunc.fixturenames:
        site = site_dir(metafunc.config)
        pages = _figure_pages(metafunc.config)
        if (site / LANDING).exists():
            pages = [LANDING, *pages]
        metafunc.parametrize(
            "phone_figure_page",
            pages or [pytest.param(None, marks=pytest.mark.skip("no figures on the site"))],
        )


def _smallest_text_px(browser, figure: dict) -> float:
    """The CSS px height of a figure's smallest text as this page shows the figure."""
    path: Path | None = browser.local_path(figure["src"])
    assert path is not None and path.exists(), f"{figure['src']}: not on the site"
    with Image.open(path) as image:
        dpi = float(image.info.get("dpi", (72.0, 72.0))[0])
    return SMALLEST_TEXT_PT / 72 * dpi * figure["width"] / figure["natural_width"]


def _phone_figures(browser, page: str) -> list[dict]:
    with browser.open(page, viewport=PHONE, settle=False) as tab:
        return tab.evaluate(_FIGURE_FACTS, FIGURES)


def test_figure_text_legible_on_a_phone(browser, phone_figure_page) -> None:
    figures = _phone_figures(browser, phone_figure_page)
    assert figures, f"{phone_figure_page}: no figure"
    for figure in figures:
        size = _smallest_text_px(browser, figure)
        assert size >= MIN_TEXT_PX, (
            f"{figure['src']}: its smallest text ({SMALLEST_TEXT_PT:g} pt) shows"
            f" {size:.1f} px high on a {PHONE['width']} px screen (the PNG is"
            f" {figure['natural_width']} px wide, shown {figure['width']:.0f} px):"
            " draw it narrower or with larger text"
        )


def test_landing_figure_is_one_column_on_a_phone(browser) -> None:
    """The landing figure's panels sit one above the other, each the screen's width."""
    (figure,) = _phone_figures(browser, LANDING)
    assert figure["width"] >= 0.8 * PHONE["width"], figure
    assert figure["natural_height"] > figure["natural_width"], (
        f"{figure['src']}: panels side by side are half as wide on a phone"
    )
    assert _smallest_text_px(browser, figure) >= MIN_TEXT_PX


def test_guide_tree_and_tables_fit_a_phone(browser) -> None:
    with browser.open(GUIDE, viewport=PHONE, settle=False) as tab:
        facts = tab.evaluate(_GUIDE_FACTS)
    assert facts["page_overflow"] <= 1, f"the guide is {facts['page_overflow']} px too wide"
    for block in facts["blocks"]:
        assert block["past_edge"] <= 1, f"past the screen's edge: {block}"
        assert block["hidden"] <= 1, f"scrolls sideways on a phone: {block}"
    assert facts["evidence_tables"] == 1, "the evidence table lost its class"
    assert facts["why"], "the evidence table has no 'why' cells"
    narrowest = min(facts["why"])
    assert narrowest >= MIN_WHY_PX, (
        f"the 'why' column is squeezed to {narrowest:.0f} px on a phone"
    )
