"""One headless Chromium that visits the served site and remembers what it saw."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, Page, Playwright, Request, Route, sync_playwright

# Headless, and nothing that phones home on its own (updates, sync, field trials): any
# request to another host than the site's comes from the site and fails a test.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NAVIGATION_TIMEOUT_MS = 30_000
# Pages fetch their last bits (search index, fonts) after "load": wait for quiet.
SETTLE_TIMEOUT_MS = 10_000

_PAGE_FACTS = """async () => {
  const images = [...document.images];
  for (const img of images) img.loading = "eager";  // lazy images below the fold too
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    images: images.map((img) => ({
      src: img.currentSrc || img.src,
      alt: img.getAttribute("alt"),
      loaded: img.complete && img.naturalWidth > 0,
    })),
    links: [...document.querySelectorAll("a[href]")]
      .filter((a) => a.getAttribute("href") !== "#")
      .map((a) => a.href),
    ids: [...document.querySelectorAll("[id]")].map((e) => e.id)
      .concat([...document.querySelectorAll("a[name]")].map((a) => a.name)),
    outputs: [...document.querySelectorAll("div.sphx-glr-script-out pre")]
      .map((pre) => pre.textContent.trim()),
    downloads: [...document.querySelectorAll("a.reference.download[href]")]
      .map((a) => a.href),
    load_ms: nav.loadEventEnd - nav.startTime,
    transfer_bytes: nav.transferSize
      + resources.reduce((sum, r) => sum + r.transferSize, 0),
  };
}"""

_PHONE_FACTS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .filter((e) => !e.closest(".bd-sidebar-primary, .bd-sidebar-secondary, .dropdown-menu"))
    .filter((e) => getComputedStyle(e).visibility !== "hidden")
    .slice(0, 5)
    .map((e) => [e.tagName.toLowerCase(), ...String(e.className).split(" ")]
      .filter(Boolean).join("."));
  const figures = [...document.querySelectorAll(
      "img.sphx-glr-single-img, img.sphx-glr-multi-img")]
    .map((img) => {
      const box = img.getBoundingClientRect();
      return {src: img.currentSrc || img.src, width: box.width, height: box.height,
              natural_width: img.naturalWidth, natural_height: img.naturalHeight};
    });
  return {overflow: root.scrollWidth - width, width, wide, figures};
}"""


@dataclass
class Visit:
    """What the browser saw on one page, loaded cold at desktop size."""

    page: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: int = 0
    images: list[dict[str, Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    outputs: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    load_ms: float = 0.0
    transfer_bytes: int = 0


class SiteBrowser:
    """Chromium pointed at the site served on ``base_url`` (files in ``site``)."""

    def __init__(self, executable: str, site: Path, base_url: str) -> None:
        self.executable = executable
        self.site = site
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.visits: dict[str, Visit] = {}
        self._phone_facts: dict[tuple[str, str], dict[str, Any]] = {}
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> SiteBrowser:
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, headless=True, args=CHROMIUM_ARGS
            )
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._playwright is not None
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._playwright.stop()

    def url(self, page: str) -> str:
        return self.base_url + page

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == self.origin

    @contextlib.contextmanager
    def open(
        self,
        page: str,
        *,
        color_scheme: str = "light",
        viewport: dict[str, int] | None = None,
        record: Visit | None = None,
        settle: bool = True,
        scale: int | None = None,
    ) -> Iterator[Page]:
        """A fresh context (cold cache, no stored theme) showing ``page``.

        Requests to any other host are refused before they leave the machine and noted
        in ``record`` (a throw-away one by default).
        """
        assert self._browser is not None, "use SiteBrowser as a context manager"
        record = record or Visit(page)
        phone = viewport == PHONE
        context = self._browser.new_context(
            viewport=viewport or DESKTOP,
            color_scheme=color_scheme,  # type: ignore[arg-type]
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=scale or (2 if phone else 1),
            accept_downloads=True,
        )
        try:
            context.set_default_timeout(NAVIGATION_TIMEOUT_MS)

            def route(route: Route, request: Request) -> None:
                if self.is_local(request.url):
                    route.continue_()
                else:
                    record.foreign_requests.append(request.url)
                    route.abort("blockedbyclient")

            context.route("**/*", route)
            tab = context.new_page()
            tab.on("request", lambda _: setattr(record, "requests", record.requests + 1))
            tab.on(
                "console",
                lambda message: (
                    message.type == "error"
                    and record.console_errors.append(f"{message.text} ({message.location})")
                ),
            )
            tab.on("pageerror", lambda error: record.console_errors.append(str(error)))
            tab.on(
                "requestfailed",
                lambda request: (
                    self.is_local(request.url)
                    and record.failed_requests.append(f"{request.url}: {request.failure}")
                ),
            )
            tab.on(
                "response",
                lambda response: (
                    response.status >= 400
                    and record.failed_requests.append(
                        f"{response.url}: HTTP {response.status}"
                    )
                ),
            )
            tab.goto(self.url(page), wait_until="load")
            if settle:
                tab.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)
            yield tab
        finally:
            context.close()

    def visit(self, page: str) -> Visit:
        """Load ``page`` once (cold, desktop, light) and remember what happened."""
        if page not in self.visits:
            visit = Visit(page)
            with self.open(page, record=visit) as tab:
                facts = tab.evaluate(_PAGE_FACTS)
                # The same page narrowed to a phone's width: the layout follows the
                # width (media queries), and a second cold load of every page cost the
                # suite minutes.  Tests of touch, zoom or pixels open a phone context.
                tab.set_viewport_size(PHONE)
                self._phone_facts[page, "light"] = tab.evaluate(_PHONE_FACTS)
            visit.images = facts["images"]
            visit.links = facts["links"]
            visit.ids = set(facts["ids"])
            visit.outputs = facts["outputs"]
            visit.downloads = facts["downloads"]
            visit.load_ms = facts["load_ms"]
            visit.transfer_bytes = facts["transfer_bytes"]
            self.visits[page] = visit
        return self.visits[page]

    def phone_facts(self, page: str, color_scheme: str = "light") -> dict[str, Any]:
        """Layout at a 390 px wide phone viewport: overflow, and the figures' sizes.

        Measured once per page and scheme (in light, by :meth:`visit`): the page test
        and the figure test both ask.
        """
        if color_scheme == "light":
            self.visit(page)
        key = (page, color_scheme)
        if key not in self._phone_facts:
            with self.open(
                page, viewport=PHONE, color_scheme=color_scheme, settle=False
            ) as tab:
                tab.evaluate(
                    "Promise.all([...document.images].map((i) => "
                    "{ i.loading = 'eager'; return i.decode().catch(() => null); }))"
                )
                self._phone_facts[key] = tab.evaluate(_PHONE_FACTS)
        return self._phone_facts[key]

    def local_path(self, url: str) -> Path | None:
        """The file a same-site URL serves, or None for another host."""
        parts = urlsplit(url)
        if parts.netloc != self.origin:
            return None
        path = self.site / unquote(parts.path).lstrip("/")
        return path / "index.html" if path.is_dir() else path
