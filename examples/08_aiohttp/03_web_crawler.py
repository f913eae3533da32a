"""
A web crawler: workers on a queue
=================================

A crawler fetches a page, collects its links, and fetches those too, until no new
link is left.  Almost all of its time is spent waiting for servers, and the work grows
as it goes: a job for many coroutines sharing one queue.  This is our own version of
the asyncio crawler from the book *500 Lines or Less* (A. Jesse Jiryu Davis and Guido
van Rossum), written for today's :mod:`asyncio` and aiohttp.

It crawls a site that the local server generates: a few hundred pages with cycles,
redirects, broken links, a failing page, malformed links, links to other hosts, JSON
documents and slow pages.  The map of that site is plain data, so we know exactly
which pages a correct crawler must find.
"""

# %%
# Links: parse, resolve, judge
# ----------------------------
# :class:`html.parser.HTMLParser` collects every ``<a href>``.  An ``href`` is resolved
# against the URL of the page it was on and its ``#fragment`` dropped, so ``7``,
# ``../page/7`` and ``/site/page/7#top`` are all the same page.  A link that cannot be
# parsed (an unclosed ``[``, a port that is not a number) raises :class:`ValueError`:
# the crawler reports it and goes on.

import asyncio
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import aiohttp

from conc_examples.plotting import bar_chart, show
from conc_examples.results import record
from conc_examples.timing import Timing
from conc_examples.webserver import generate_site, make_app, serve


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
    urlsplit(url).port  # parses the port: raises ValueError if it is not one
    return url


base = "http://127.0.0.1:8080/site/page/3"
for href in ["7", "../page/7", "/site/page/7#top", "mailto:a@example.invalid"]:
    print(f"{href!r:28} -> {resolve(base, href)}")
for href in ["http://[bad-address/", "http://127.0.0.1:port/"]:
    try:
        resolve(base, href)
    except ValueError as error:
        print(f"{href!r:28} -> ValueError: {error}")

# %%
# The crawler
# -----------
# ``workers`` coroutines take URLs from one :class:`asyncio.Queue`; the ``seen`` set
# makes sure that each URL is queued once (the site is full of cycles), and ``limit``
# caps how many are ever fetched.  Only this host is crawled.  Redirects are not
# followed blindly: their ``Location`` is one more link, de-duplicated like the others.
# Every request has a timeout, and every failure is recorded, never raised.
#
# The crawl is over when every queued URL is done (:meth:`asyncio.Queue.join`); the
# workers, idle in ``queue.get()`` by then, are cancelled and awaited, so none is left
# pending.


@dataclass
class CrawlReport:
    pages: set[str] = field(default_factory=set)  # HTML pages fetched (200)
    redirects: dict[str, str] = field(default_factory=dict)  # URL -> Location
    errors: dict[str, str] = field(default_factory=dict)  # URL -> what went wrong
    non_html: dict[str, str] = field(default_factory=dict)  # URL -> content type
    malformed: dict[str, str] = field(default_factory=dict)  # href -> why
    skipped: set[str] = field(default_factory=set)  # other hosts and schemes
    fetched: int = 0
    seconds: float = 0.0


async def crawl(
    start: str, *, workers: int, limit: int = 1000, timeout: float = 2.0
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
        except aiohttp.ClientError as error:
            report.errors[url] = type(error).__name__

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
            await queue.join()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    report.seconds = time.perf_counter() - started
    return report


# %%
# Crawl the site
# --------------
# Sixteen workers, a 2-second timeout per request, and a limit well above the size of
# the site.  ``site.reachable()`` walks the same map without any network: it is the
# answer the crawler must match.
#
# Every crawl on this page runs with asyncio's debug mode off (``debug=False``).
# ``python -X dev`` turns it on; it then logs every step of the loop that takes over
# 0.1 s, and in hundreds of requests on a busy machine some step always does.  The
# checks that matter here stay on: ``-X dev`` still reports any unclosed session or
# socket, and asyncio any task left pending.

site = generate_site()
expected = site.reachable()


async def crawl_site(site_map, workers: int, **options) -> CrawlReport:
    async with serve(make_app(site_map)) as url:
        return await crawl(url + site_map.start_path, workers=workers, **options)


report = asyncio.run(crawl_site(site, 16), debug=False)
print(f"crawled {report.fetched} URLs in {report.seconds:.2f} s with 16 workers")
print(f"  HTML pages found:   {len(report.pages)} (the site has {site.pages})")
print(f"  redirects followed: {len(report.redirects)}")
print(f"  errors:             {len(report.errors)}", sorted(set(report.errors.values())))
print(
    f"  non-HTML responses: {len(report.non_html)}", sorted(set(report.non_html.values()))
)
print(f"  malformed links:    {len(report.malformed)}")
print(f"  other hosts/schemes, not fetched: {len(report.skipped)}")
for href, why in sorted(report.malformed.items())[:3]:
    print(f"    malformed {href!r}: {why}")

# %%
# Compare with the map: the same pages, not one more, not one less.  The orphans exist
# but nothing links to them; one of them is named inside the JSON documents, and a
# crawler that grepped every response for paths would have found it.


def paths(urls) -> set[str]:
    return {urlsplit(url).path for url in urls}


found = paths(report.pages)
print(f"pages the map says are reachable: {len(expected.pages)}")
print(f"found and reachable: {len(found & expected.pages)}")
print(f"missed: {sorted(expected.pages - found)}, extra: {sorted(found - expected.pages)}")
print(f"errors as expected: {paths(report.errors) == expected.errors}")
print(f"non-HTML as expected: {paths(report.non_html) == expected.non_html}")
record("found_pages", sorted(found))
record("found_errors", sorted(paths(report.errors)))
record("found_non_html", sorted(paths(report.non_html)))
record("found_redirects", sorted(paths(report.redirects)))
record("found_malformed", sorted(report.malformed))
record("skipped", sorted(report.skipped))
record("requests", report.fetched)

# %%
# The limit and the timeout
# -------------------------
# With ``limit=50`` the crawler fetches 50 URLs and stops, however big the site.  To
# see the timeout at work, serve the same map with slow pages that take 0.5 s and crawl
# it with a 0.1 s timeout: the slow pages become ``timeout`` errors (and the pages that
# only they link to are not found), and the crawl still ends, quickly.

limited = asyncio.run(crawl_site(site, 16, limit=50), debug=False)
print(f"limit=50: fetched {limited.fetched} URLs, {len(limited.pages)} pages")
record("limited_requests", limited.fetched)

very_slow_site = generate_site(slow_delay=0.5)
hurried = asyncio.run(crawl_site(very_slow_site, 16, timeout=0.1), debug=False)
timeouts = sum(why == "timeout" for why in hurried.errors.values())
print(
    f"timeout=0.1 s: {timeouts} timeouts, {len(hurried.pages)} pages found"
    f" in {hurried.seconds:.2f} s"
)
record("timeouts_with_short_timeout", timeouts)

# %%
# How many workers?
# -----------------
# One worker crawls one URL at a time and waits for every slow page in turn.  More
# workers overlap the waits.  They cannot overlap the work itself: parsing, and the
# server answering on the same CPU.  That floor is measured by crawling the same site
# with no slow pages at all; no number of workers can beat it.

WORKER_COUNTS = [1, 2, 4, 8, 16]
REPEAT = 3


async def crawl_times(workers_list: list[int], crawl_site_map) -> dict[int, Timing]:
    async with serve(make_app(crawl_site_map)) as url:
        start = url + crawl_site_map.start_path
        runs = {
            workers: [(await crawl(start, workers=workers)).seconds for _ in range(REPEAT)]
            for workers in workers_list
        }
    return {workers: Timing.of(times) for workers, times in runs.items()}


timings = asyncio.run(crawl_times(WORKER_COUNTS, site), debug=False)
no_waits = generate_site(slow_fraction=0.0)
floor = asyncio.run(crawl_times([max(WORKER_COUNTS)], no_waits), debug=False)
floor_time = floor[max(WORKER_COUNTS)].median

for workers, timing in timings.items():
    print(f"{workers:>3} worker{'s' if workers > 1 else ' '}: {timing}")
print(f"floor (no slow pages, {max(WORKER_COUNTS)} workers): {floor_time:.3f} s")
speedup = timings[max(WORKER_COUNTS)].speedup_over(timings[1])
print(f"{max(WORKER_COUNTS)} workers are {speedup:.1f}x faster than 1")
record("speedup_many_workers", speedup)
record("floor_seconds", floor_time)

bar_chart(
    {f"{w} worker{'s' if w > 1 else ''}": t for w, t in timings.items()},
    title=f"Crawling {len(expected.pages)} pages: time by number of workers",
    ideal=floor_time,
    ideal_label="floor: the same crawl with no slow pages",
)
show()

# %%
# Take-away: workers on a queue, a ``seen`` set and a timeout per request are the whole
# crawler.  It found exactly the pages the map says are reachable, reported every broken,
# malformed and non-HTML link instead of crashing, and extra workers cut the crawl time
# (the numbers above) down towards the floor of the work itself.
