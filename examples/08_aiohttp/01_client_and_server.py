"""
aiohttp: a client and a server on one event loop
================================================

:mod:`asyncio` gives you coroutines and an :term:`event loop`; aiohttp gives them
HTTP.  You will start a local server, send it your first requests, and see why a
client keeps one session: fifty requests through one session open one connection,
fifty sessions open fifty.
"""

# %%
# The server
# ----------
# An aiohttp handler is a coroutine that takes a request and returns a response.  This
# one waits before it answers, like a slow remote server; while it waits, the loop
# serves other requests.
#
# .. literalinclude:: /../conc_examples/web/webserver.py
#    :pyobject: _delay
#
# ``conc_examples.web.webserver.serve`` runs the application: an ``AppRunner`` with a
# ``TCPSite`` on 127.0.0.1, port 0 (the OS picks a free one), cleaned up when the
# ``async with`` block ends, whatever happens inside it.
#
# .. literalinclude:: /../conc_examples/web/webserver.py
#    :pyobject: serve
#
# The server has other routes too: ``/status/{code}`` answers with an error,
# ``/redirect/{n}`` redirects ``n`` times, ``/stream/{n}`` sends ``n`` lines 10 ms
# apart, and ``/flaky/{key}/{n}`` fails ``n`` times before it succeeds.
#
# A first request
# ---------------
# An ``aiohttp.ClientSession`` holds a pool of connections.  Both the session and
# each response are ``async with`` blocks: leaving them returns the connection to the
# pool or closes it.  Redirects are followed (``response.history`` keeps them), and a
# streamed body can be read line by line as it arrives.

import asyncio
import time

import aiohttp

from conc_examples.web.webserver import serve


async def first_requests() -> tuple[list[str], list[float]]:
    async with serve() as url, aiohttp.ClientSession() as session:
        async with session.get(f"{url}/delay/0.1") as response:
            print(f"GET /delay/0.1 -> {response.status} {await response.text()!r}")
        async with session.get(f"{url}/redirect/3") as response:
            hops = [r.url.path for r in response.history]
            print(f"GET /redirect/3 -> {response.status} at {response.url.path} via {hops}")
        arrived = []
        async with session.get(f"{url}/stream/4") as response:
            start = time.perf_counter()
            async for line in response.content:
                arrived.append(time.perf_counter() - start)
                print(f"  after {arrived[-1] * 1000:3.0f} ms: {line.decode().strip()}")
    return hops, arrived


hops, arrived = asyncio.run(first_requests())

from conc_examples.claims import claim

claim(
    "The redirects were followed, and the stream was read line by line as it came",
    len(hops) == 3 and arrived[-1] - arrived[0] >= 0.02,
    measured=f"{len(hops)} hops; lines {(arrived[-1] - arrived[0]) * 1000:.0f} ms apart"
    " first to last",
    expected="3 hops; the 4 lines spread over 20 ms or more (sent 10 ms apart)",
)

# %%
# One session, reused
# -------------------
# A session per request is a common mistake (the aiohttp docs warn against it): each
# new session opens a new TCP connection, and pays for it.  One session keeps the
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


sessions = asyncio.run(compare_sessions())
for name, (connections, seconds) in sessions.items():
    print(f"{name:<22} {REQUESTS} requests, {connections:>2} connections, {seconds:.3f} s")
per_request, shared = sessions["a session per request"][0], sessions["one session"][0]
claim(
    "A session per request opened a connection per request; one session opened one",
    (per_request, shared) == (REQUESTS, 1),
    measured=f"{per_request} connections against {shared}, for {REQUESTS} requests each",
    expected=f"{REQUESTS} against 1",
)

# %%
# Take-away: make one ``ClientSession`` and reuse it: it keeps its connections open
# for the next request, where a session per request pays for a new one every time.
