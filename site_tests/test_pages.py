"""Every page, as a reader's browser loads it: clean, self-contained, linked, light."""

from __future__ import annotations

import json
from urllib.parse import unquote, urlsplit

MAX_PAGE_BYTES = 2 * 1024 * 1024
EXTERNAL_SCHEMES = {"http", "https", "mailto"}


def test_loads_without_errors(browser, page) -> None:
    visit = browser.visit(page)
    assert not visit.console_errors, "console errors:\n" + "\n".join(visit.console_errors)
    assert not visit.failed_requests, "failed requests:\n" + "\n".join(
        visit.failed_requests
    )


def test_requests_nothing_from_other_hosts(browser, page) -> None:
    """The site is self-contained: it works offline, and tells no third party who reads."""
    visit = browser.visit(page)
    assert not visit.foreign_requests, "requests to other hosts:\n" + "\n".join(
        visit.foreign_requests
    )


def test_transfer_size_under_2_mb(browser, page) -> None:
    visit = browser.visit(page)
    assert 0 < visit.transfer_bytes <= MAX_PAGE_BYTES, (
        f"{page} transfers {visit.transfer_bytes / 1024:.0f} KiB (limit 2 MiB)"
    )


def test_images_load_and_have_alt_text(browser, page) -> None:
    visit = browser.visit(page)
    broken = [img["src"] for img in visit.images if not img["loaded"]]
    no_alt = [img["src"] for img in visit.images if not (img["alt"] or "").strip()]
    assert not broken, f"images that did not load: {broken}"
    assert not no_alt, f"images without alt text: {no_alt}"


def test_internal_links_and_anchors_resolve(browser, site, page) -> None:
    visit = browser.visit(page)
    broken = []
    for link in visit.links:
        target = browser.local_path(link)
        if target is None:
            if urlsplit(link).scheme not in EXTERNAL_SCHEMES:
                broken.append(f"{link} (unexpected scheme)")
            continue
        if not target.is_file():
            broken.append(f"{link} (no such file)")
            continue
        fragment = unquote(urlsplit(link).fragment)
        if fragment and target.suffix == ".html":
            target_page = target.relative_to(site).as_posix()
            if fragment not in browser.visit(target_page).ids:
                broken.append(f"{link} (no #{fragment} on {target_page})")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_no_horizontal_scroll_on_a_phone(browser, page) -> None:
    facts = browser.phone_facts(page)
    assert facts["overflow"] <= 0, (
        f"{page} scrolls sideways by {facts['overflow']} px at {facts['width']} px wide;"
        f" too wide: {facts['wide']}"
    )


def test_example_page_shows_its_output(browser, example_page) -> None:
    visit = browser.visit(example_page)
    assert visit.outputs, f"{example_page} shows no output block"
    assert all(visit.outputs), f"{example_page} has an empty output block"


def test_example_page_offers_script_and_notebook(browser, example_page) -> None:
    visit = browser.visit(example_page)
    by_suffix = {link.rsplit(".", 1)[-1]: link for link in visit.downloads}
    assert {"py", "ipynb"} <= by_suffix.keys(), f"downloads offered: {visit.downloads}"
    script = browser.local_path(by_suffix["py"])
    notebook = browser.local_path(by_suffix["ipynb"])
    compile(script.read_text(encoding="utf-8"), str(script), "exec")  # a whole script
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert any(cell["cell_type"] == "code" for cell in cells), f"{notebook} has no code"
