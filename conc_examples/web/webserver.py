"""A local aiohttp server for the network examples: nothing leaves 127.0.0.1.

Talking to a real website would make the site's numbers depend on the internet and
its build fail offline.  This server answers on loopback with routes that behave the
way remote servers do: slowly, with errors, with redirects, in a stream.  Start it
from async code with :func:`serve`, or from sync code (threads, plain scripts) with
:func:`serve_in_thread`, which runs it on an event loop of its own in a thread.
Both stop the server and release its socket when the ``with`` block ends.

Routes:

``/delay/{seconds}``   answers ``ok`` after ``seconds`` (at most 10)
``/status/{code}``     answers with that HTTP status (e.g. 500)
``/redirect/{n}``      redirects ``n`` times, then answers ``ok``
``/stream/{chunks}``   streams ``chunks`` lines, 10 ms apart
``/flaky/{key}/{n}``   answers 503 to the first ``n`` requests for ``key``, then ``ok``
                       (GET or POST); ``?status=429`` fails with another status,
                       ``&retry_after=1`` adds a ``Retry-After`` header
``/site/...``          a generated web site for crawlers (see :class:`Site`)

The generated site is a few hundred HTML pages that link to each other, with the
traps of the real web: cycles, redirects, broken links, a server error, malformed
links, links to other hosts, JSON responses and slow pages.  Its map is plain data
(:func:`generate_site`), so :meth:`Site.reachable` can say, without any network,
exactly what a correct crawler must find from the start page.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import random
import threading
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from aiohttp import web

__all__ = [
    "BROKEN",
    "DATA",
    "ERROR",
    "EXTERNAL",
    "MALFORMED",
    "MAX_DELAY",
    "PAGE",
    "REDIRECT",
    "SITE_PREFIX",
    "Link",
    "Reachable",
    "Site",
    "generate_site",
    "make_app",
    "serve",
    "serve_in_thread",
]

MAX_DELAY = 10.0


async def _delay(request: web.Request) -> web.Response:
    try:
        seconds = float(request.match_info["seconds"])
    except ValueError:
        raise web.HTTPBadRequest(text="delay must be a number of seconds") from None
    if not 0 <= seconds <= MAX_DELAY:
        raise web.HTTPBadRequest(text=f"delay must be between 0 and {MAX_DELAY} s")
    await asyncio.sleep(seconds)
    return web.Response(text="ok")


async def _status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    if not 200 <= code <= 599:
        raise web.HTTPBadRequest(text="status must be between 200 and 599")
    return web.Response(status=code, text=f"status {code}")


async def _redirect(request: web.Request) -> web.Response:
    remaining = int(request.match_info["n"])
    if remaining <= 0:
        return web.Response(text="ok")
    raise web.HTTPFound(f"/redirect/{remaining - 1}")


async def _stream(request: web.Request) -> web.StreamResponse:
    chunks = min(int(request.match_info["chunks"]), 1000)
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    for i in range(chunks):
        await response.write(f"chunk {i}\n".encode())
        await asyncio.sleep(0.01)
    await response.write_eof()
    return response


_FLAKY_COUNTS = web.AppKey("flaky_counts", Counter)


async def _flaky(request: web.Request) -> web.Response:
    counts = request.app[_FLAKY_COUNTS]
    key = request.match_info["key"]
    counts[key] += 1
    if counts[key] <= int(request.match_info["n"]):
        status = int(request.query.get("status", 503))
        if not 400 <= status <= 599:
            raise web.HTTPBadRequest(text="status must be between 400 and 599")
        retry_after = request.query.get("retry_after")
        headers = {"Retry-After": retry_after} if retry_after is not None else None
        text = f"attempt {counts[key]} failed"
        return web.Response(status=status, text=text, headers=headers)
    return web.Response(text="ok")


# --- the generated site ---------------------------------------------------------------

SITE_PREFIX = "/site"
_ORIGIN = "{origin}"  # replaced by the server's own scheme://host:port when served

# Link kinds, and what a correct crawler makes of each.
PAGE = "page"  # an HTML page of the site: fetch it, follow its links
REDIRECT = "redirect"  # 302 to a page: follow the Location
BROKEN = "broken"  # 404
ERROR = "error"  # 500
DATA = "data"  # 200 with JSON, not HTML: report it, do not parse it
EXTERNAL = "external"  # another host or scheme: never fetch it
MALFORMED = "malformed"  # not a URL at all: report it, never crash on it


@dataclass(frozen=True)
class Link:
    """One ``<a href>`` on a page: what it says, what kind it is, where it points."""

    href: str
    kind: str
    target: int | None = None  # page number, for PAGE and REDIRECT


@dataclass(frozen=True)
class Reachable:
    """Everything a crawler meets on the way from the start page, by category.

    Paths are server paths (``/site/page/7``); hrefs are as written in the pages.
    """

    pages: frozenset[str]
    redirects: frozenset[str]
    errors: frozenset[str]  # 404 and 500 answers
    non_html: frozenset[str]
    external: frozenset[str]
    malformed: frozenset[str]


@dataclass(frozen=True)
class Site:
    """The map of a generated site: the links of every page and which pages are slow.

    Pages are ``/site/page/0`` (the start) to ``/site/page/{pages - 1}``.  The last
    few pages are orphans: nothing outside them links to them, so they exist but
    cannot be reached, and a crawler that finds them is following something it
    should not (such as a path that only appears inside a JSON response).
    """

    pages: int
    links: tuple[tuple[Link, ...], ...]
    slow: frozenset[int]
    slow_delay: float

    start_path = f"{SITE_PREFIX}/page/0"

    @staticmethod
    def page_path(number: int) -> str:
        return f"{SITE_PREFIX}/page/{number}"

    def delay(self, number: int) -> float:
        """How long the server waits before it answers page ``number``."""
        return self.slow_delay if number in self.slow else 0.0

    def html(self, number: int, origin: str) -> str:
        """The page as the server sends it; ``origin`` is ``http://host:port``."""
        items = "\n".join(
            f'<li><a href="{html.escape(link.href.replace(_ORIGIN, origin))}">'
            f"{link.kind}</a></li>"
            for link in self.links[number]
        )
        return (
            f"<!doctype html>\n<html><head><title>Page {number}</title></head>\n"
            f"<body><h1>Page {number}</h1>\n<ul>\n{items}\n</ul></body></html>\n"
        )

    def reachable(self) -> Reachable:
        """Walk the map from the start page (breadth first), sorting what it meets.

        Pure: no server, no network.  This is the answer key for a crawler that
        follows same-host links and redirects and reports everything else.
        """
        seen_pages = {0}
        todo = deque([0])
        found: dict[str, set[str]] = {
            kind: set() for kind in (REDIRECT, BROKEN, ERROR, DATA, EXTERNAL, MALFORMED)
        }
        while todo:
            for link in self.links[todo.popleft()]:
                if link.kind in (PAGE, REDIRECT) and link.target is not None:
                    if link.kind == REDIRECT:
                        found[REDIRECT].add(_path_of(link.href))
                    if link.target not in seen_pages:
                        seen_pages.add(link.target)
                        todo.append(link.target)
                elif link.kind in (EXTERNAL, MALFORMED):
                    found[link.kind].add(link.href)
                else:
                    found[link.kind].add(_path_of(link.href))
        return Reachable(
            pages=frozenset(self.page_path(n) for n in seen_pages),
            redirects=frozenset(found[REDIRECT]),
            errors=frozenset(found[BROKEN] | found[ERROR]),
            non_html=frozenset(found[DATA]),
            external=frozenset(found[EXTERNAL]),
            malformed=frozenset(found[MALFORMED]),
        )


def _path_of(href: str) -> str:
    """The server path of an href the generator wrote as absolute or origin-relative."""
    return href.removeprefix(_ORIGIN).split("#", 1)[0]


def _page_href(rng: random.Random, source: int, target: int) -> str:
    """Write a link to page ``target`` in one of the ways real pages do."""
    style = rng.randrange(5)
    if style == 0:
        return Site.page_path(target)  # absolute path
    if style == 1:
        return f"{target}"  # relative to /site/page/{source}
    if style == 2:
        return f"../page/{target}"  # relative, up one level
    if style == 3:
        return f"{_ORIGIN}{Site.page_path(target)}"  # full URL, same host
    return f"{Site.page_path(target)}#section-{source}"  # same page, a fragment


def generate_site(
    pages: int = 240,
    *,
    seed: int = 2026,
    links_per_page: int = 3,
    slow_fraction: float = 0.1,
    slow_delay: float = 0.025,
) -> Site:
    """Make a deterministic site map (same arguments, same site).

    Every page links home (a cycle) and to ``links_per_page`` random pages; some
    pages also carry a redirect, a broken link, a link to a server error, a JSON
    document, another host or a malformed URL.  ``slow_fraction`` of the pages are
    answered after ``slow_delay`` seconds.  About 5% of the pages are orphans.
    """
    if pages < 20:
        raise ValueError("a generated site needs at least 20 pages")
    if not 0 <= slow_delay <= MAX_DELAY:
        raise ValueError(f"slow_delay must be between 0 and {MAX_DELAY} s")
    rng = random.Random(seed)
    linked = pages - max(1, pages // 20)  # pages >= linked are orphans
    counter = iter(range(10**9))  # unique numbers for the special links
    all_links = []
    for number in range(pages):
        links = [Link(Site.page_path(0), PAGE, 0)]
        for target in rng.sample(range(linked), links_per_page):
            links.append(Link(_page_href(rng, number, target), PAGE, target))
        roll = rng.random()
        k = next(counter)
        if roll < 0.12:
            target = rng.randrange(linked)
            links.append(Link(f"{SITE_PREFIX}/go/{target}", REDIRECT, target))
        elif roll < 0.16:
            links.append(Link(Site.page_path(pages + k), BROKEN))
        elif roll < 0.18:
            links.append(Link(f"{SITE_PREFIX}/error/{k}", ERROR))
        elif roll < 0.22:
            links.append(Link(f"{SITE_PREFIX}/data/{k}.json", DATA))
        elif roll < 0.27:
            external = rng.choice(
                [f"http://example.invalid/{k}", f"mailto:someone{k}@example.invalid"]
            )
            links.append(Link(external, EXTERNAL))
        elif roll < 0.31:
            malformed = rng.choice(
                [
                    f"http://[bad-address-{k}/",  # an unclosed IPv6 bracket
                    f"http://127.0.0.1:port{k}/",  # a port that is not a number
                    f"http://127.0.0.1:{70_000 + k}/",  # a port out of range
                ]
            )
            links.append(Link(malformed, MALFORMED))
        rng.shuffle(links)
        all_links.append(tuple(links))
    slow = frozenset(rng.sample(range(1, pages), int(pages * slow_fraction)))
    return Site(pages, tuple(all_links), slow, slow_delay)


_SITE = web.AppKey("site", Site)


@functools.cache
def _default_site() -> Site:
    return generate_site()


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def _site_page(request: web.Request) -> web.Response:
    site = request.app[_SITE]
    number = int(request.match_info["n"])
    if number >= site.pages:
        raise web.HTTPNotFound(text=f"no page {number}")
    await asyncio.sleep(site.delay(number))
    return web.Response(text=site.html(number, _origin(request)), content_type="text/html")


async def _site_go(request: web.Request) -> web.Response:
    raise web.HTTPFound(Site.page_path(int(request.match_info["n"])))


async def _site_error(request: web.Request) -> web.Response:
    raise web.HTTPInternalServerError(text="this page always fails")


async def _site_data(request: web.Request) -> web.Response:
    site = request.app[_SITE]
    # A path inside JSON is not a link: a crawler that follows it finds an orphan.
    orphan = Site.page_path(site.pages - 1)
    return web.json_response({"item": int(request.match_info["n"]), "see": orphan})


def make_app(site: Site | None = None) -> web.Application:
    """Build the application with the routes listed in the module docstring.

    ``site`` is the map served under ``/site/`` (default: :func:`generate_site`).
    """
    app = web.Application()
    app[_FLAKY_COUNTS] = Counter()
    app[_SITE] = site if site is not None else _default_site()
    app.add_routes(
        [
            web.get(r"/delay/{seconds}", _delay),
            web.get(r"/status/{code:\d+}", _status),
            web.get(r"/redirect/{n:\d+}", _redirect),
            web.get(r"/stream/{chunks:\d+}", _stream),
            web.get(r"/flaky/{key}/{n:\d+}", _flaky),
            web.post(r"/flaky/{key}/{n:\d+}", _flaky),
            web.get(SITE_PREFIX + r"/page/{n:\d+}", _site_page),
            web.get(SITE_PREFIX + r"/go/{n:\d+}", _site_go),
            web.get(SITE_PREFIX + r"/error/{n:\d+}", _site_error),
            web.get(SITE_PREFIX + r"/data/{n:\d+}.json", _site_data),
        ]
    )
    return app


@asynccontextmanager
async def serve(
    app: web.Application | None = None, *, backlog: int = 128
) -> AsyncIterator[str]:
    """Serve ``app`` (default :func:`make_app`) on 127.0.0.1; yield its base URL.

    The port is chosen by the OS, so examples never collide.  ``backlog`` is the
    listen queue: connections beyond it wait for the client's SYN retries.  A
    handler whose client has gone (a timed-out request) is cancelled, as on a real
    server, so it cannot hold up the clean-up.
    """
    runner = web.AppRunner(
        app if app is not None else make_app(), access_log=None, handler_cancellation=True
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=backlog)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@contextmanager
def serve_in_thread(
    app_factory: Callable[[], web.Application] = make_app,
    *,
    backlog: int = 128,
    timeout: float = 10.0,
) -> Iterator[str]:
    """Run :func:`serve` on its own event loop in a thread; yield the base URL.

    For synchronous code (threads, ``urllib``).  The thread is joined before the
    ``with`` block ends; ``timeout`` bounds both the start and the stop.
    """
    ready = threading.Event()
    url: list[str] = []
    failure: list[BaseException] = []
    # The server's loop and its stop event, once it serves; under ``lock``, so that a
    # stop asked for before the server is up still stops it, and never hits a closed
    # loop (checking ``is_closed()`` first would race with the loop closing).
    lock = threading.Lock()
    running: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
    stopping = threading.Event()

    async def main() -> None:
        stop = asyncio.Event()
        async with serve(app_factory(), backlog=backlog) as base_url:
            with lock:
                if stopping.is_set():
                    return
                running.append((asyncio.get_running_loop(), stop))
            url.append(base_url)
            ready.set()
            await stop.wait()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the caller's thread below
            failure.append(exc)
        finally:
            ready.set()

    def request_stop() -> None:
        with lock:
            stopping.set()
            for loop, stop in running:
                # A closed loop raises RuntimeError: that server has ended already.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(stop.set)

    thread = threading.Thread(target=run, name="webserver", daemon=True)
    thread.start()
    try:
        if not ready.wait(timeout) or not url:
            raise RuntimeError("the local web server did not start") from (
                failure[0] if failure else None
            )
        yield url[0]
    finally:
        request_stop()
        thread.join(timeout)
    # Only reached when nothing else went wrong: a start-up error is never hidden.
    if thread.is_alive():
        raise RuntimeError("the local web server did not stop in time")
