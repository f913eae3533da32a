"""The asyncio web crawler of chapter 8: workers on a queue, over aiohttp.

Chapter 8's crawler page walks through this code piece by piece (it is shown there
with ``literalinclude``), and the page on how many workers to use times it.  It lives
here so that both pages run the very same crawler.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import aiohttp

__all__ = ["CrawlReport", "LinkParser", "crawl", "resolve"]


class LinkParser(HTMLParser):
    """Collect the ``href`` of every ``<a>`` tag of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def resolve(base: str, href: str) -> str:
    """The absolute URL of ``href`` on page ``base``; ValueError if it is malformed."""
    url = urldefrag(urljoin(base, href)).url
    _ = urlsplit(url).port  # reading the port parses it: ValueError if it is not one
    return url


@dataclass
class CrawlReport:
    pages: set[str] = field(default_factory=set)  # HTML pages fetched (200)
    redirects: dict[str, str] = field(default_factory=dict)  # URL -> Location
    errors: dict[str, str] = field(default_factory=dict)  # URL -> what went wrong
    non_html: dict[str, str] = field(default_factory=dict)  # URL -> content type
    malformed: dict[str, str] = field(default_factory=dict)  # href -> why
    skipped: set[str] = field(default_factory=set)  # other hosts and schemes
    unfinished: set[str] = field(default_factory=set)  # queued when the deadline came
    fetched: int = 0
    seconds: float = 0.0


async def crawl(
    start: str,
    *,
    workers: int,
    limit: int = 1000,
    timeout: float = 2.0,
    deadline: float = 60.0,
) -> CrawlReport:
    report = CrawlReport()
    home = urlsplit(start)
    queue: asyncio.Queue[str] = asyncio.Queue()
    seen: set[str] = set()

    def add_link(page: str, href: str) -> None:
        try:
            url = resolve(page, href)
        except ValueError as error:
            report.malformed[href] = str(error)
            return
        parts = urlsplit(url)
        if parts.scheme != home.scheme or parts.netloc != home.netloc:
            report.skipped.add(url)
        elif url not in seen and len(seen) < limit:
            seen.add(url)
            queue.put_nowait(url)

    async def fetch(session: aiohttp.ClientSession, url: str) -> None:
        report.fetched += 1
        try:
            async with session.get(url, allow_redirects=False) as response:
                if response.status in (301, 302, 303, 307, 308):
                    report.redirects[url] = response.headers.get("Location", "")
                    add_link(url, report.redirects[url])
                elif response.status != 200:
                    report.errors[url] = f"HTTP {response.status}"
                elif response.content_type != "text/html":
                    report.non_html[url] = response.content_type
                else:
                    parser = LinkParser()
                    parser.feed(await response.text())
                    report.pages.add(url)
                    for href in parser.hrefs:
                        add_link(url, href)
        except TimeoutError:
            report.errors[url] = "timeout"
        except Exception as error:  # a ClientError, a body that is not UTF-8, ...
            report.errors[url] = type(error).__name__  # recorded: the worker lives on

    async def worker(session: aiohttp.ClientSession) -> None:
        while True:
            url = await queue.get()
            try:
                await fetch(session, url)
            finally:
                queue.task_done()

    started = time.perf_counter()
    add_link(start, start)
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout),
        connector=aiohttp.TCPConnector(limit=workers),
    ) as session:
        tasks = [asyncio.create_task(worker(session)) for _ in range(workers)]
        try:
            async with asyncio.timeout(deadline):  # a bound, whatever goes wrong
                await queue.join()
        except TimeoutError:
            while not queue.empty():
                report.unfinished.add(queue.get_nowait())
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    report.seconds = time.perf_counter() - started
    return report
