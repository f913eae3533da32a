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
# the crawler reports it and goes on.  (The crawler lives in
# ``conc_examples/web/crawler.py``, so that the next page can time the very same code.)
#
# .. literalinclude:: /../conc_examples/web/crawler.py
#    :pyobject: LinkParser
#
# .. literalinclude:: /../conc_examples/web/crawler.py
#    :pyobject: resolve

import asyncio
from urllib.parse import urlsplit

from conc_examples.web.crawler import CrawlReport, crawl, resolve
from conc_examples.web.webserver import generate_site, make_app, serve

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
# ``workers`` coroutines take URLs from one :class:`asyncio.Queue`.  The ``seen`` set
# makes sure that each URL is queued once (the site is full of cycles), and ``limit``
# caps how many are ever fetched.  Only this host is crawled.  Redirects are not
# followed blindly: their ``Location`` is one more link, de-duplicated like the others.
# Every request has a timeout, and every failure is recorded in the report, never
# raised: any exception, not only aiohttp's (a page that is not valid UTF-8 makes
# ``response.text()`` raise :exc:`UnicodeDecodeError`).  A worker that died of one
# would be one worker fewer, silently, and with all of them dead the crawl would wait
# for ever.
#
# The crawl is over when every queued URL is done (:meth:`asyncio.Queue.join`),
# bounded by a ``deadline`` whatever goes wrong.  The workers, idle in
# ``queue.get()`` by then, are cancelled and awaited, so none is left pending.
#
# .. literalinclude:: /../conc_examples/web/crawler.py
#    :pyobject: crawl
#
# The report it returns:
#
# .. literalinclude:: /../conc_examples/web/crawler.py
#    :pyobject: CrawlReport

# %%
# Crawl the site
# --------------
# Sixteen workers, a 2-second timeout per request, and a limit well above the size of
# the site.  ``site.reachable()`` walks the same map without any network: it is the
# answer the crawler must match.
#
# Every crawl on this page turns asyncio's debug mode off.  ``python -X dev`` turns
# it on; it then records a traceback for every task, and logs every step that takes
# over 0.1 s.  The checks that matter stay on: ``-X dev`` still reports any unclosed
# session or socket, and asyncio any task left pending.

site = generate_site()
expected = site.reachable()


async def crawl_site(site_map, workers: int, **options) -> CrawlReport:
    asyncio.get_running_loop().set_debug(False)
    async with serve(make_app(site_map)) as url:
        return await crawl(url + site_map.start_path, workers=workers, **options)


report = asyncio.run(crawl_site(site, 16))
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

from conc_examples.claims import claim

sorted_as_expected = {
    "pages": found == expected.pages,
    "redirects": paths(report.redirects) == expected.redirects,
    "errors": paths(report.errors) == expected.errors,
    "non-HTML": paths(report.non_html) == expected.non_html,
    "malformed": set(report.malformed) == expected.malformed,
    "other hosts": report.skipped == expected.external,
}
claim(
    "The crawler found exactly what the map says is reachable, each in its kind",
    all(sorted_as_expected.values()) and not report.unfinished,
    measured=", ".join(f"{kind} {ok}" for kind, ok in sorted_as_expected.items()),
    expected="every kind as the map says, nothing left unfinished",
)
distinct = len(report.pages) + len(report.redirects) + len(report.errors)
claim(
    "It fetched each URL once",
    report.fetched == distinct + len(report.non_html),
    measured=f"{report.fetched} fetches for {distinct + len(report.non_html)} URLs",
    expected="one fetch per URL",
)

# %%
# The limit and the timeout
# -------------------------
# With ``limit=50`` the crawler fetches 50 URLs and stops, however big the site.  To
# see the timeout at work, serve the same map with slow pages that take 0.5 s and crawl
# it with a 0.1 s timeout: the slow pages become ``timeout`` errors (and the pages that
# only they link to are not found), and the crawl still ends, quickly.

limited = asyncio.run(crawl_site(site, 16, limit=50))
print(f"limit=50: fetched {limited.fetched} URLs, {len(limited.pages)} pages")

very_slow_site = generate_site(slow_delay=0.5)
hurried = asyncio.run(crawl_site(very_slow_site, 16, timeout=0.1))
timeouts = sum(why == "timeout" for why in hurried.errors.values())
print(
    f"timeout=0.1 s: {timeouts} timeouts, {len(hurried.pages)} pages found"
    f" in {hurried.seconds:.2f} s"
)
claim(
    "The limit capped the fetches, and the slow pages timed out without holding the crawl",
    limited.fetched == 50 and timeouts > 0 and hurried.seconds < 5,
    measured=f"limit=50: {limited.fetched} fetched; {timeouts} timeouts, the crawl"
    f" {hurried.seconds:.2f} s",
    expected="50 fetched; some timeouts, the crawl under 5 s (not a wait per slow page)",
)

# %%
# Take-away: workers on a queue, a ``seen`` set and a timeout per request are the
# whole crawler; every failure is recorded, never raised, so no worker dies of one.
# The next page asks how many workers it needs.
