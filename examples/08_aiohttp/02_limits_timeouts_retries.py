"""
A careful client: limits, timeouts and errors
=============================================

A client that talks to a real server must expect it to be slow, to fail, and to be
overwhelmed.  You will bound the connections a session opens, give every request a
timeout, and turn error statuses into errors; the next page retries what may succeed
later, and only that.
"""

# %%
# Bounding the connections
# ------------------------
# A session's ``aiohttp.TCPConnector`` opens at most ``limit`` connections (100 by
# default; ``limit_per_host`` bounds each server).  Requests beyond the limit wait for
# a free connection.  With ``limit=5``, twenty 0.1 s requests go in four waves: at
# least 0.4 s.  That keeps a client polite to a server, and its own sockets in check.

import asyncio
import time

import aiohttp

from conc_examples.web.webserver import serve


async def limited(limit: int, requests: int, delay: float) -> tuple[float, int]:
    opened = 0

    async def count(session, context, params) -> None:  # the TraceConfig of page 1
        nonlocal opened
        opened += 1

    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(count)
    async with (
        serve() as url,
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=limit), trace_configs=[trace]
        ) as session,
    ):

        async def get() -> None:
            async with session.get(f"{url}/delay/{delay}") as response:
                await response.read()

        start = time.perf_counter()
        await asyncio.gather(*(get() for _ in range(requests)))
        return time.perf_counter() - start, opened


async def two_limits() -> dict[int, tuple[float, int]]:
    return {limit: await limited(limit, 20, 0.1) for limit in (5, 20)}


limits = asyncio.run(two_limits())
for limit, (seconds, opened) in limits.items():
    print(f"limit={limit:<2}: 20 requests of 0.1 s, {opened} connections, {seconds:.2f} s")

# %%
# Load on the machine only adds time, so the four waves show anywhere; the faster
# run with twenty shows in the count of connections, which load cannot change.

from conc_examples.claims import claim

(five_seconds, five_opened), (_, twenty_opened) = limits[5], limits[20]
claim(
    "With a limit of five, twenty requests shared five connections, in waves",
    five_opened == 5 and five_seconds >= 0.39,
    measured=f"{five_opened} connections, {five_seconds:.2f} s",
    expected="5 connections, at least four waves (0.4 s)",
)
claim(
    "With a limit of twenty, all twenty requests had a connection at once",
    twenty_opened == 20,
    measured=f"{twenty_opened} connections",
    expected="20",
)

# %%
# Errors and timeouts
# -------------------
# An error status is still a response: aiohttp raises nothing for a 500 unless you
# ask.  ``raise_for_status=True`` (on the session or the request) turns statuses of
# 400 and up into ``aiohttp.ClientResponseError``.  An ``aiohttp.ClientTimeout``
# bounds each request; the default is five minutes, far too long for most code.  When
# it expires, the request raises :class:`TimeoutError`.


async def errors_and_timeouts() -> float:
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
            print("GET /delay/1 with a 0.2 s timeout: TimeoutError")
        return time.perf_counter() - start


timeout_waited = asyncio.run(errors_and_timeouts())
print(f"  it gave up after {timeout_waited:.2f} s")
claim(
    "The slow request gave up at its timeout, not when the server answered",
    0.19 <= timeout_waited < 0.9,
    measured=f"gave up after {timeout_waited:.2f} s",
    expected="about the 0.2 s timeout, long before the 1 s answer",
)

# %%
# Take-away: one session, a connection limit, a timeout on every request and error
# statuses raised make an aiohttp client safe; what to do with the errors is next.
