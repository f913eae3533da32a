"""Timing figures as readers see them: legible in dark mode, captioned, phone-sized.

The figures are PNGs with a transparent background and dark text
(``conc_examples.charts.plotting``); ``docs/_static/site.css`` puts a light backing behind
them in dark mode.  These tests look at the pixels the browser actually shows.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import example_pages, site_dir
from PIL import Image
from site_browser import PHONE

FIGURE_SELECTOR = "img.sphx-glr-single-img, img.sphx-glr-multi-img"
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal text
MIN_PHONE_WIDTH_PX = 300  # of a 390 px viewport: the figure uses the column's width
MIN_PHONE_HEIGHT_PX = 100  # a wide timeline is short; a thumbnail-sized figure fails
# The machine caption is the last text, under the axis label: it ends in the bottom 8%
# (a narrow figure wraps it onto two lines, e.g. 3.14+'s "start method: forkserver").
CAPTION_BOTTOM = 0.92
TEXT_LINE_MIN_ROWS = 4
EDGE_PX = 4


def _figure_pages(config: pytest.Config) -> list[str]:
    site = site_dir(config)
    return [
        p
        for p in example_pages(site)
        if "sphx-glr-single-img" in (text := (site / p).read_text(encoding="utf-8"))
        or "sphx-glr-multi-img" in text
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "figure_page" in metafunc.fixturenames:
        pages = _figure_pages(metafunc.config)
        metafunc.parametrize(
            "figure_page",
            pages or [pytest.param(None, marks=pytest.mark.skip("no figures on the site"))],
        )


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = rgb
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _text_lines(image: Image.Image, background: float) -> list[tuple[int, int]]:
    """Bands of rows (first, last) holding pixels that stand out as text does.

    Whole rows at once (numpy, which matplotlib brings): a figure screenshot at twice
    the density has over a million pixels, and a loop over them took seconds each.
    """
    channels = np.asarray(image.convert("RGB"), dtype=float) / 255
    linear = np.where(
        channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4
    )
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    brighter = np.maximum(luminance, background)
    darker = np.minimum(luminance, background)
    stands_out = ((brighter + 0.05) / (darker + 0.05) >= MIN_TEXT_CONTRAST).any(axis=1)
    bands: list[list[int]] = []
    for y in np.flatnonzero(stands_out).tolist():
        if bands and bands[-1][1] == y - 1:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    return [(a, b) for a, b in bands if b - a + 1 >= TEXT_LINE_MIN_ROWS]


def test_figures_legible_in_dark_mode_with_machine_caption(browser, figure_page) -> None:
    # A high-density screen, so that small figures' text lines are told apart in pixels.
    with browser.open(figure_page, color_scheme="dark", scale=2) as tab:
        assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
        figures = tab.locator(FIGURE_SELECTOR)
        assert figures.count() > 0
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            src = figure.get_attribute("src")
            shot = Image.open(io.BytesIO(figure.screenshot())).convert("RGB")
            # Leave out the rounded corners and the sub-pixel edge, where the page shows.
            shot = shot.crop((EDGE_PX * 3, EDGE_PX, shot.width - EDGE_PX * 3, shot.height))
            colours = shot.getcolors(maxcolors=shot.width * shot.height)
            background_rgb = max(colours)[1]  # the most common colour
            background = _luminance(background_rgb)
            assert background > 0.6, (
                f"{src}: in dark mode the figure sits on {background_rgb}, too dark for"
                " its dark text"
            )
            lines = _text_lines(shot, background)
            assert len(lines) >= 2, (
                f"{src}: no text with contrast {MIN_TEXT_CONTRAST}:1 in dark mode"
            )
            assert lines[-1][1] >= CAPTION_BOTTOM * shot.height, (
                f"{src}: no line of text under the axes (the machine caption); the"
                f" lowest text is at rows {lines[-1]} of {shot.height}"
            )


def test_figures_fit_a_phone(browser, figure_page) -> None:
    for figure in browser.phone_facts(figure_page)["figures"]:
        width, height = figure["width"], figure["height"]
        assert MIN_PHONE_WIDTH_PX <= width <= PHONE["width"], f"{figure['src']}: {width} px"
        assert height >= MIN_PHONE_HEIGHT_PX, f"{figure['src']}: {height} px high"
        natural = figure["natural_width"] / figure["natural_height"]
        assert abs(width / height - natural) < 0.05 * natural, f"{figure['src']} stretched"
