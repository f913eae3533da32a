"""What readers do on the site: search it, switch it to dark, download and run a script."""

from __future__ import annotations

import re

import pytest
from example_runner import run

SEARCH_TIMEOUT_MS = 15_000
MULTIPROCESSING_EXAMPLE = "chapters/01_processes/03_children_and_exit_status.html"
ASYNCIO_CHAPTERS = ("chapters/07_asyncio/", "chapters/08_aiohttp/")


def _luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of a computed ``rgb(...)``/``rgba(...)`` colour."""
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css_colour)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


@pytest.mark.parametrize("term", ["GIL", "TaskGroup"])
def test_search_finds(browser, term) -> None:
    with browser.open(f"search.html?q={term}") as tab:
        summary = tab.locator("#search-results p.search-summary")
        tab.wait_for_function(
            "() => document.querySelector('#search-results p.search-summary')"
            "?.textContent.trim()",
            timeout=SEARCH_TIMEOUT_MS,
        )
        results = tab.locator("#search-results ul.search li a").all_text_contents()
        assert results, f"searching for {term!r}: {summary.text_content()}"


def _choose_mode(tab, mode: str) -> None:
    tab.locator(".theme-switch-button:visible").first.click()
    tab.locator(f".theme-change-button[data-mode={mode}]:visible").first.click()
    tab.wait_for_function(
        f"() => document.documentElement.dataset.theme === '{mode}'", timeout=5_000
    )


def test_dark_mode_switch(browser) -> None:
    """The switch turns the page dark, the choice survives a page change, and back."""
    background = "() => getComputedStyle(document.body).backgroundColor"
    with browser.open("index.html", color_scheme="light") as tab:
        assert tab.evaluate("document.documentElement.dataset.theme") == "light"
        assert _luminance(tab.evaluate(background)) > 0.8
        _choose_mode(tab, "dark")
        tab.wait_for_function(f"() => ({background})() !== 'rgb(255, 255, 255)'")
        assert _luminance(tab.evaluate(background)) < 0.1
        tab.goto(browser.url("glossary.html"))
        assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
        _choose_mode(tab, "light")
        assert _luminance(tab.evaluate(background)) > 0.8


def _asyncio_example(site) -> str | None:
    from conftest import example_pages

    pages = example_pages(site)
    chosen = [p for p in pages if p.startswith(ASYNCIO_CHAPTERS)]
    return chosen[0] if chosen else None


@pytest.mark.parametrize("kind", ["multiprocessing", "asyncio"])
def test_downloaded_script_runs_under_spawn(browser, site, tmp_path, kind) -> None:
    """Download the ``.py`` as a reader does (the link on the page) and run it.

    It runs with the project installed, under ``spawn``: the start method that finds
    functions only by importing them, where a script that works under ``fork`` breaks.
    """
    page = MULTIPROCESSING_EXAMPLE if kind == "multiprocessing" else _asyncio_example(site)
    if page is None:
        pytest.skip(f"no example page in {' or '.join(ASYNCIO_CHAPTERS)} yet")
    with browser.open(page) as tab:
        link = tab.locator("a.reference.download[href$='.py']").first
        with tab.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.failure() is None, download.failure()
        script = tmp_path / download.suggested_filename
        download.save_as(script)
    assert script.suffix == ".py"
    result = run(script, "spawn")
    assert not result.problems(), f"{script.name} under spawn:\n" + "\n".join(
        result.problems()
    )
    assert result.stdout.strip(), f"{script.name} printed nothing"
