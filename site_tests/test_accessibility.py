"""axe-core on the three kinds of page, in light and in dark mode."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import example_pages, html_pages, site_dir

BLOCKING_IMPACTS = {"serious", "critical"}


def _pages_to_audit(config: pytest.Config) -> list[str]:
    """The landing page, the concept pages, and an example page (one with a figure)."""
    site = site_dir(config)
    pages = html_pages(site)
    concepts = [
        p for p in pages if p.startswith("concepts/") and not p.endswith("index.html")
    ]
    examples = example_pages(site)
    with_figure = [
        p
        for p in examples
        if "sphx-glr-single-img" in (site / p).read_text(encoding="utf-8")
    ]
    return [
        "index.html",
        "glossary.html",
        *concepts[:1],
        *(with_figure or examples)[:1],
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "audited_page" in metafunc.fixturenames:
        metafunc.parametrize("audited_page", _pages_to_audit(metafunc.config))


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, axe, audited_page, mode) -> None:
    with browser.open(audited_page, color_scheme=mode) as tab:
        assert tab.evaluate("document.documentElement.dataset.theme") == mode
        violations = axe.run(tab).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    report = [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        + (f" and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else "")
        for v in blocking
    ]
    assert not blocking, f"{audited_page} ({mode}):\n" + "\n".join(report)
