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


async def two_limits() -> dict[int, float]:
    return {limit: await limited(limit, 20, 0.1) for limit in (5, 20)}


limited_seconds = asyncio.run(two_limits())
for limit, seconds in limited_seconds.items():
    print(f"limit={limit:<2}: 20 requests of 0.1 s took {seconds:.2f} s")

from conc_examples.claims import claim

claim(
    "With a limit of five, twenty requests went in waves; with twenty, in one",
    limited_seconds[5] >= 0.39 and limited_seconds[20] < limited_seconds[5],
    measured=f"limit=5 {limited_seconds[5]:.2f} s, limit=20 {limited_seconds[20]:.2f} s",
    expected="limit=5 at least four waves (0.4 s), limit=20 sooner",
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
