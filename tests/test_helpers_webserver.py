"""Unit tests of the generated site, its map and the extra routes of the web server."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from urllib.parse import urljoin

import aiohttp
import pytest
from aiohttp import web

from conc_examples.web.crawler import CrawlReport, crawl
from conc_examples.web.webserver import (
    BROKEN,
    DATA,
    ERROR,
    EXTERNAL,
    MALFORMED,
    PAGE,
    REDIRECT,
    Link,
    Site,
    generate_site,
    make_app,
    serve,
    serve_in_thread,
)

ORIGIN = "http://127.0.0.1:8080"


def test_generate_site_is_deterministic_and_sized() -> None:
    site = generate_site(60, seed=1)
    assert site == generate_site(60, seed=1)
    assert site != generate_site(60, seed=2)
    assert site.pages == len(site.links) == 60
    assert len(site.slow) == 6 and 0 not in site.slow
    with pytest.raises(ValueError):
        generate_site(5)
    with pytest.raises(ValueError):
        generate_site(60, slow_delay=-1)


def test_every_page_link_resolves_to_its_target() -> None:
    site = generate_site()
    checked = 0
    for number, links in enumerate(site.links):
        page_url = ORIGIN + Site.page_path(number)
        for link in links:
            if link.kind == PAGE:
                url = urljoin(page_url, link.href.replace("{origin}", ORIGIN))
                assert url.split("#")[0] == ORIGIN + Site.page_path(link.target)
                checked += 1
    assert checked > 3 * site.pages


def test_default_site_has_every_trap_within_reach() -> None:
    site = generate_site()
    reach = site.reachable()
    assert Site.start_path in reach.pages
    assert 150 < len(reach.pages) < site.pages  # a few hundred, minus the unreachable
    orphans = {Site.page_path(n) for n in range(site.pages - site.pages // 20, site.pages)}
    assert not orphans & reach.pages
    for found in (reach.redirects, reach.errors, reach.non_html, reach.external):
        assert found
    assert len(reach.malformed) >= 3
    assert {p.split("/")[2] for p in reach.errors} == {"page", "error"}  # 404 and 500


def test_reachable_on_a_hand_made_map() -> None:
    links = (
        (Link("1", PAGE, 1), Link("/site/go/2", REDIRECT, 2), Link("http://[x", MALFORMED)),
        (Link("/site/page/0", PAGE, 0), Link("/site/page/9#top", BROKEN)),
        (Link("/site/data/1.json", DATA), Link("/site/error/1", ERROR)),
        (Link("mailto:x@example.invalid", EXTERNAL), Link("/site/page/4", PAGE, 4)),
        (),
    )
    reach = Site(5, links, frozenset(), 0.0).reachable()
    assert reach.pages == {"/site/page/0", "/site/page/1", "/site/page/2"}
    assert reach.redirects == {"/site/go/2"}
    assert reach.errors == {"/site/page/9", "/site/error/1"}
    assert reach.non_html == {"/site/data/1.json"}
    assert reach.malformed == {"http://[x"}
    assert reach.external == frozenset()  # only page 3 has it, and 3 is unreachable


def test_site_routes_answer_as_the_map_says() -> None:
    site = generate_site(40, seed=3, slow_fraction=0.1, slow_delay=0.05)
    slow_page = min(site.slow)

    async def main() -> None:
        async with serve(make_app(site)) as url, aiohttp.ClientSession() as session:
            async with session.get(url + Site.start_path) as response:
                assert response.status == 200
                assert response.content_type == "text/html"
                text = await response.text()
                assert "Page 0" in text and "{origin}" not in text
            async with session.get(f"{url}/site/page/{site.pages}") as response:
                assert response.status == 404
            async with session.get(f"{url}/site/go/7", allow_redirects=False) as response:
                assert response.status == 302
                assert response.headers["Location"] == "/site/page/7"
            async with session.get(f"{url}/site/error/3") as response:
                assert response.status == 500
            async with session.get(f"{url}/site/data/3.json") as response:
                assert response.content_type == "application/json"
                assert (await response.json())["see"] == Site.page_path(site.pages - 1)
            start = time.perf_counter()
            async with session.get(url + Site.page_path(slow_page)) as response:
                await response.read()
            assert time.perf_counter() - start >= 0.05

    asyncio.run(main())


def test_flaky_route_fails_n_times_then_answers() -> None:
    async def main() -> list[int]:
        async with serve() as url, aiohttp.ClientSession() as session:
            statuses = []
            for _ in range(4):
                async with session.get(f"{url}/flaky/k/2") as response:
                    statuses.append(response.status)
            async with session.get(f"{url}/flaky/other/1") as response:
                statuses.append(response.status)
            return statuses

    assert asyncio.run(main()) == [503, 503, 200, 200, 503]


def test_flaky_route_fails_with_the_status_and_retry_after_asked_for() -> None:
    async def main() -> list[tuple[int, str | None]]:
        async with serve() as url, aiohttp.ClientSession() as session:
            answers = []
            for _ in range(2):
                path = f"{url}/flaky/busy/1?status=429&retry_after=2"
                async with session.get(path) as response:
                    answers.append((response.status, response.headers.get("Retry-After")))
            async with session.get(f"{url}/flaky/x/1?status=200") as response:
                answers.append((response.status, None))
            return answers

    assert asyncio.run(main()) == [(429, "2"), (200, None), (400, None)]


def test_crawler_records_any_error_per_url_and_ends() -> None:
    """A body that is not UTF-8 makes ``response.text()`` raise UnicodeDecodeError:
    the crawler records it against that URL and goes on (a worker that died of it
    would leave ``queue.join()`` waiting for ever)."""

    async def home(request: web.Request) -> web.Response:
        links = "".join(
            f'<a href="/bad/{n}">x</a><a href="/ok/{n}">y</a>' for n in range(3)
        )
        return web.Response(text=links, content_type="text/html")

    async def bad(request: web.Request) -> web.Response:
        return web.Response(
            body=b"<a href='/x'>\xff\xfe</a>", content_type="text/html", charset="utf-8"
        )

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="<p>ok</p>", content_type="text/html")

    app = web.Application()
    app.add_routes([web.get("/", home), web.get("/bad/{n}", bad), web.get("/ok/{n}", ok)])

    async def main() -> CrawlReport:
        async with serve(app) as url:
            return await asyncio.wait_for(crawl(url + "/", workers=2, deadline=10), 20)

    report = asyncio.run(main())
    assert sorted(report.errors.values()) == ["UnicodeDecodeError"] * 3
    assert len(report.pages) == 4 and not report.unfinished


def test_crawler_deadline_bounds_the_crawl() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="<p>late</p>", content_type="text/html")

    app = web.Application()
    app.add_routes([web.get("/", slow)])

    async def main() -> CrawlReport:
        async with serve(app) as url:
            return await crawl(url + "/", workers=1, timeout=10, deadline=0.2)

    started = time.perf_counter()
    report = asyncio.run(main())
    assert time.perf_counter() - started < 3
    assert not report.pages


def test_a_timed_out_request_does_not_hold_up_the_clean_up() -> None:
    async def main() -> float:
        async with serve() as url, aiohttp.ClientSession() as session:
            with pytest.raises(TimeoutError):
                async with session.get(
                    f"{url}/delay/3", timeout=aiohttp.ClientTimeout(total=0.1)
                ) as response:
                    await response.read()
            start = time.perf_counter()
        return time.perf_counter() - start

    assert asyncio.run(main()) < 1.5


def test_serve_in_thread_reports_the_real_start_up_error() -> None:
    def broken_app() -> web.Application:
        raise ValueError("no such route table")

    with (
        pytest.raises(RuntimeError, match="did not start") as caught,
        serve_in_thread(broken_app, timeout=5),
    ):
        pass
    assert isinstance(caught.value.__cause__, ValueError)
    assert all(t.name != "webserver" for t in threading.enumerate())


def test_serve_in_thread_stops_a_server_that_came_up_too_late() -> None:
    # The start times out while the server is still being built; the stop asked for
    # then must still end it, and the error raised is the start-up one.
    def slow_app() -> web.Application:
        time.sleep(0.3)
        return make_app()

    with (
        pytest.raises(RuntimeError, match="did not start"),
        serve_in_thread(slow_app, timeout=0.05),
    ):
        pass
    deadline = time.monotonic() + 5
    while any(t.name == "webserver" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the late server was never stopped"
        time.sleep(0.02)


def test_serve_in_thread_serves_and_stops() -> None:
    with serve_in_thread() as url, urllib.request.urlopen(f"{url}/delay/0", timeout=5) as r:
        assert r.read() == b"ok"
    assert all(t.name != "webserver" for t in threading.enumerate())


def test_a_start_up_error_is_not_hidden_by_a_loop_that_closed_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The server's loop closes right after the caller looked (is_closed() says no):
    # stopping it must not raise "Event loop is closed" over the real start-up error.
    loops = []

    def run_on_a_loop_that_closes_unseen(coro):
        loop = asyncio.new_event_loop()
        loop.is_closed = lambda: False
        loops.append(loop)
        try:
            return loop.run_until_complete(coro)
        finally:
            loop.close()

    def broken_app() -> web.Application:
        raise ValueError("no such route table")

    monkeypatch.setattr(asyncio, "run", run_on_a_loop_that_closes_unseen)
    with (
        pytest.raises(RuntimeError, match="did not start") as caught,
        serve_in_thread(broken_app, timeout=5),
    ):
        pass
    assert isinstance(caught.value.__cause__, ValueError)
    for loop in loops:
        del loop.is_closed  # it did close: let the loop say so again
