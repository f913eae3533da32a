"""
aiohttp: a client and a server on one event loop
================================================

:mod:`asyncio` gives us coroutines and an :term:`event loop`; aiohttp gives them HTTP.
Its server answers many requests at once on one loop, and its client sends many
requests at once from one loop.  This page starts a local server, then walks through
what a careful client does: reuse one session, bound its connections, set timeouts,
treat error statuses as errors, and retry what may succeed later.  Then it repeats the
comparison every asyncio tutorial makes (the same requests sent one after another, from
threads, and from coroutines), measured.
"""

# %%
# The server
# ----------
# An aiohttp handler is a coroutine that takes a request and returns a response.  This
# one waits before it answers, like a slow remote server; while it waits, the loop
# serves other requests.
#
# .. literalinclude:: /../conc_examples/webserver.py
#    :pyobject: _delay
#
# ``conc_examples.webserver.serve`` runs the application: an ``AppRunner`` with a
# ``TCPSite`` on 127.0.0.1, port 0 (the OS picks a free one), cleaned up when the
# ``async with`` block ends, whatever happens inside it.
#
# .. literalinclude:: /../conc_examples/webserver.py
#    :pyobject: serve
#
# The server has other routes too: ``/status/{code}`` answers with an error,
# ``/redirect/{n}`` redirects ``n`` times, ``/stream/{n}`` sends ``n`` lines 10 ms
# apart, and ``/flaky/{key}/{n}`` fails ``n`` times before it succeeds.

import asyncio
import random
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import aiohttp

from conc_examples.plotting import bar_chart, show
from conc_examples.results import record
from conc_examples.timing import measure
from conc_examples.webserver import serve, serve_in_thread

# %%
# A first request
# ---------------
# A ``aiohttp.ClientSession`` holds a pool of connections.  Both the session and
# each response are ``async with`` blocks: leaving them returns the connection to the
# pool or closes it.  Redirects are followed (``response.history`` keeps them), and a
# streamed body can be read line by line as it arrives.


async def first_requests() -> None:
    async with serve() as url, aiohttp.ClientSession() as session:
        async with session.get(f"{url}/delay/0.1") as response:
            print(f"GET /delay/0.1 -> {response.status} {await response.text()!r}")
        async with session.get(f"{url}/redirect/3") as response:
            hops = [r.url.path for r in response.history]
            print(f"GET /redirect/3 -> {response.status} at {response.url.path} via {hops}")
        async with session.get(f"{url}/stream/4") as response:
            start = time.perf_counter()
            async for line in response.content:
                elapsed = time.perf_counter() - start
                print(f"  after {elapsed * 1000:3.0f} ms: {line.decode().strip()}")


asyncio.run(first_requests())

# %%
# One session, reused
# -------------------
# A session per request is a common mistake (the docs warn against it): each new
# session opens a new TCP connection, and pays for it.  One session keeps the
# connection open (HTTP keep-alive) and reuses it.  A ``TraceConfig`` counts the
# connections each way opens.

REQUESTS = 50


def connection_counter() -> tuple[aiohttp.TraceConfig, list[int]]:
    opened = [0]

    async def on_connection_create_end(session, context, params) -> None:
        opened[0] += 1

    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(on_connection_create_end)
    return trace, opened


async def session_per_request(url: str) -> int:
    trace, opened = connection_counter()
    for _ in range(REQUESTS):
        async with (
            aiohttp.ClientSession(trace_configs=[trace]) as session,
            session.get(f"{url}/delay/0") as response,
        ):
            await response.read()
    return opened[0]


async def one_session(url: str) -> int:
    trace, opened = connection_counter()
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        for _ in range(REQUESTS):
            async with session.get(f"{url}/delay/0") as response:
                await response.read()
    return opened[0]


async def compare_sessions() -> dict[str, tuple[int, float]]:
    results = {}
    async with serve() as url:
        for name, way in [
            ("a session per request", session_per_request),
            ("one session", one_session),
        ]:
            start = time.perf_counter()
            connections = await way(url)
            results[name] = (connections, time.perf_counter() - start)
    return results


for name, (connections, seconds) in asyncio.run(compare_sessions()).items():
    print(f"{name:<22} {REQUESTS} requests, {connections:>2} connections, {seconds:.3f} s")
    record(f"connections[{name}]", connections)

# %%
# Bounding the connections
# ------------------------
# A session's ``aiohttp.TCPConnector`` opens at most ``limit`` connections (100 by
# default; ``limit_per_host`` bounds each server).  Requests beyond the limit wait for
# a free connection.  With ``limit=5``, twenty 0.1 s requests go in four waves: at
# least 0.4 s, however many we start at once.  That is how a client stays polite to a
# server, and how it keeps its own count of open sockets in check.


async def limited(limit: int, requests: int, delay: float) -> float:
    async with (
        serve() as url,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as session,
    ):

        async def get() -> None:
            async with session.get(f"{url}/delay/{delay}") as response:
                await response.read()

        start = time.perf_counter()
        await asyncio.gather(*(get() for _ in range(requests)))
        return time.perf_counter() - start


for limit in (5, 20):
    seconds = asyncio.run(limited(limit, 20, 0.1))
    print(f"limit={limit:<2}: 20 requests of 0.1 s took {seconds:.2f} s")
    record(f"limited_seconds[{limit}]", seconds)

# %%
# Errors and timeouts
# -------------------
# An error status is still a response: aiohttp raises nothing for a 500 unless asked.
# ``raise_for_status=True`` (on the session or the request) turns statuses of 400 and
# up into ``aiohttp.ClientResponseError``.  A ``aiohttp.ClientTimeout``
# bounds each request; the default is five minutes, far too long for most code.  When
# it expires, the request raises :class:`TimeoutError`.


async def errors_and_timeouts() -> None:
    async with serve() as url, aiohttp.ClientSession() as session:
        async with session.get(f"{url}/status/500") as response:
            print(f"GET /status/500 -> status {response.status}, no exception")
        try:
            async with session.get(f"{url}/status/500", raise_for_status=True):
                pass
        except aiohttp.ClientResponseError as error:
            print(f"with raise_for_status: {type(error).__name__}, status {error.status}")

        start = time.perf_counter()
        try:
            async with session.get(
                f"{url}/delay/1", timeout=aiohttp.ClientTimeout(total=0.2)
            ) as response:
                await response.read()
        except TimeoutError:
            waited = time.perf_counter() - start
            print(f"GET /delay/1 with a 0.2 s timeout: TimeoutError after {waited:.2f} s")
            record("timeout_waited", waited)


asyncio.run(errors_and_timeouts())

# %%
# Retries with backoff
# --------------------
# A 503 or a dropped connection may succeed a moment later; a 404 will not.  So retry
# only server errors and connection failures, a bounded number of times, waiting
# longer after each failure (exponential :term:`backoff`) with some randomness (jitter), so
# that many clients do not all retry at the same instant.  After the last attempt, the
# error goes to the caller.

RETRYABLE = (aiohttp.ClientConnectionError, TimeoutError)


async def get_with_retries(
    session: aiohttp.ClientSession, url: str, *, attempts: int = 4, backoff: float = 0.05
) -> str:
    for attempt in range(1, attempts + 1):
        try:
            async with session.get(url, raise_for_status=True) as response:
                return await response.text()
        except aiohttp.ClientResponseError as error:
            if error.status < 500 or attempt == attempts:
                raise
            reason = f"status {error.status}"
        except RETRYABLE as error:
            if attempt == attempts:
                raise
            reason = type(error).__name__
        pause = backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
        print(f"  attempt {attempt} failed ({reason}); retrying in {pause:.3f} s")
        await asyncio.sleep(pause)
    raise ValueError("attempts must be at least 1")


async def retries() -> None:
    async with serve() as url, aiohttp.ClientSession() as session:
        print("/flaky/demo/2 fails twice, then answers:")
        print(f"  -> {await get_with_retries(session, f'{url}/flaky/demo/2')!r}")
        print("/status/503 always fails:")
        try:
            await get_with_retries(session, f"{url}/status/503")
        except aiohttp.ClientResponseError as error:
            print(f"  gave up: status {error.status}")
            record("gave_up_status", error.status)
        print("/status/404 is not retried:")
        try:
            await get_with_retries(session, f"{url}/status/404")
        except aiohttp.ClientResponseError as error:
            print(f"  gave up at once: status {error.status}")


asyncio.run(retries())

# %%
# Sequential, threads, coroutines
# -------------------------------
# Now the comparison: the same ten requests to a server that takes 50 ms to answer
# each.  A synchronous client (:mod:`urllib.request`) waits for each answer before it
# sends the next request.  Ten threads each wait for one answer at the same time.  Ten
# coroutines do the same on one thread.  The lower bound is one server delay: no
# client can get an answer sooner.  The server runs in a thread of its own here,
# because ``urllib`` blocks the thread that calls it.
#
# The aiohttp runs use ``debug=False``: ``python -X dev`` turns on asyncio's debug
# mode, which records a traceback for every task and would be measuring itself.

N, DELAY = 10, 0.05


def fetch_sync(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def sequential(url: str) -> None:
    for _ in range(N):
        fetch_sync(url)


def with_threads(url: str) -> None:
    with ThreadPoolExecutor(max_workers=N) as pool:
        list(pool.map(fetch_sync, [url] * N, timeout=10))


async def with_coroutines(url: str) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:

        async def fetch(url: str) -> bytes:
            async with session.get(url) as response:
                return await response.read()

        await asyncio.gather(*(fetch(url) for _ in range(N)))


with serve_in_thread() as base_url:
    url = f"{base_url}/delay/{DELAY}"
    timings = {
        "sequential\n(urllib)": measure(lambda: sequential(url), repeat=3),
        f"{N} threads\n(urllib)": measure(lambda: with_threads(url), repeat=3),
        f"{N} coroutines\n(aiohttp)": measure(
            lambda: asyncio.run(with_coroutines(url), debug=False), repeat=3
        ),
    }

for label, timing in timings.items():
    name = label.replace("\n", " ")
    print(f"{name:<25} {timing}, {timing.median / DELAY:.1f}x the bound")
ratios = [t.median / DELAY for t in timings.values()]
record("ratio_sequential", ratios[0])
record("ratio_threads", ratios[1])
record("ratio_coroutines", ratios[2])

bar_chart(
    timings,
    title=f"{N} requests to a server that answers in {DELAY * 1000:.0f} ms",
    ideal=DELAY,
    ideal_label="latency bound (one server delay)",
)
show()

# %%
# Take-away: one session, a connection limit, a timeout on every request, error
# statuses raised and retries bounded make an aiohttp client safe.  Sequential requests
# cost one delay each (the ratio above is about ten), while threads and coroutines both
# wait together and finish near the bound of a single delay, coroutines on one thread.
