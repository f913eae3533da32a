"""The built site, served on 127.0.0.1 and driven by a real browser (Debian's Chromium).

``nox -s site`` runs these tests after ``nox -s docs``; the normal test-suite does not
collect this folder, so it never needs a browser.  The site under test is
``docs/_build/html`` unless ``--site DIR`` or ``CONC_EXAMPLES_SITE=DIR`` names another
build.  Every test shares one HTTP server (a free port on 127.0.0.1, stopped at the end)
and one browser; each page is visited once, in a fresh browser context (a cold cache,
as a first-time reader meets it), and what the visit saw is kept for all the tests.
"""

from __future__ import annotations

import functools
import http.server
import os
import statistics
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# example_runner, shared with the test-suite, and the docs' extension it reads
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "docs" / "_ext")]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_browser import SiteBrowser

SITE_ENV_VAR = "CONC_EXAMPLES_SITE"
CHROMIUM_ENV_VAR = "CONC_EXAMPLES_CHROMIUM"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--site",
        default=os.environ.get(SITE_ENV_VAR, str(ROOT / "docs" / "_build" / "html")),
        help=f"the built site to test (default: ${SITE_ENV_VAR} or docs/_build/html)",
    )
    parser.addoption(
        "--chromium",
        default=os.environ.get(CHROMIUM_ENV_VAR, "/usr/bin/chromium"),
        help="the Chromium executable (default: Debian's /usr/bin/chromium)",
    )


def site_dir(config: pytest.Config) -> Path:
    site = Path(config.getoption("--site")).resolve()
    if not (site / "index.html").exists():
        raise pytest.UsageError(f"no built site in {site}: run `nox -s docs` first")
    return site


def html_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to its root."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith("_")
    )


def example_pages(site: Path) -> list[str]:
    """The pages sphinx-gallery made from example scripts (``chapters/*/NN_*.html``)."""
    return [
        p
        for p in html_pages(site)
        if p.startswith("chapters/") and p.split("/")[-1][0].isdigit()
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.site)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    site = site_dir(metafunc.config)
    if "page" in metafunc.fixturenames:
        metafunc.parametrize("page", html_pages(site))
    if "example_page" in metafunc.fixturenames:
        metafunc.parametrize("example_page", example_pages(site))


@pytest.fixture(scope="session")
def site(pytestconfig: pytest.Config) -> Path:
    return site_dir(pytestconfig)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # a line per request would bury the test report


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site on a free port of 127.0.0.1, for as long as the tests run."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, name="site-server")
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(
    pytestconfig: pytest.Config, site: Path, base_url: str
) -> Iterator[SiteBrowser]:
    with SiteBrowser(pytestconfig.getoption("--chromium"), site, base_url) as opened:
        yield opened
    _SPEED.extend(opened.visits.values())


_SPEED: list = []


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Page speed: each page's transfer size and load time, cold cache, 127.0.0.1."""
    if not _SPEED:
        return
    visits = sorted(_SPEED, key=lambda v: v.page)
    write = terminalreporter.write_line
    terminalreporter.section("page speed (cold cache, served from 127.0.0.1)")
    for visit in visits:
        write(
            f"{visit.transfer_bytes / 1024:9.1f} KiB {visit.load_ms:7.0f} ms "
            f"{visit.requests:4d} requests  {visit.page}"
        )
    sizes = [v.transfer_bytes for v in visits]
    times = [v.load_ms for v in visits]
    heaviest = max(visits, key=lambda v: v.transfer_bytes)
    slowest = max(visits, key=lambda v: v.load_ms)
    write(
        f"{len(visits)} pages: median {statistics.median(sizes) / 1024:.1f} KiB, "
        f"{statistics.median(times):.0f} ms; heaviest {heaviest.page} "
        f"{heaviest.transfer_bytes / 1024:.1f} KiB; slowest {slowest.page} "
        f"{slowest.load_ms:.0f} ms"
    )
    links = sum(len(v.links) for v in visits)
    targets = len({link for v in visits for link in v.links})
    images = sum(len(v.images) for v in visits)
    requests = sum(v.requests for v in visits)
    write(
        f"checked: {len(visits)} pages, {links} links ({targets} distinct targets),"
        f" {images} images, {requests} requests"
    )
