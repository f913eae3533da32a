"""
A careful client: limits, timeouts, errors and retries
======================================================

A client that talks to a real server must expect it to be slow, to fail, and to be
overwhelmed.  You will bound the connections a session opens, give every request a
timeout, turn error statuses into errors, and retry what may succeed later, and only
that.
"""

# %%
# Bounding the connections
# ------------------------
# A session's ``aiohttp.TCPConnector`` opens at most ``limit`` connections (100 by
# default; ``limit_per_host`` bounds each server).  Requests beyond the limit wait for
# a free connection.  With ``limit=5``, twenty 0.1 s requests go in four waves: at
# least 0.4 s, however many you start at once.  That is how a client stays polite to
# a server, and keeps its own count of open sockets in check.

import asyncio
import random
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

# %%
# Retries with backoff
# --------------------
# A 503 or a dropped connection may succeed a moment later; a 404 will not, and
# neither will a bad certificate (``aiohttp.ClientSSLError``): retrying those only
# hides the error.  Retry only *idempotent* requests, the ones that do the same thing
# however often they arrive (``GET``, ``HEAD``, ``PUT``, ``DELETE``): a ``POST`` that
# failed may still have reached the server, and sending it again could, say, order
# twice.  Retry a bounded number of times, waiting longer after each failure
# (exponential :term:`backoff`) with some randomness (jitter), so that many clients do
# not all retry at the same instant.  After the last attempt, the error is yours.

IDEMPOTENT = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
NEVER_RETRY = (aiohttp.ClientSSLError, aiohttp.ServerFingerprintMismatch)
RETRYABLE = (aiohttp.ClientConnectionError, TimeoutError)


async def request_with_retries(
    session: aiohttp.ClientSession, method: str, url: str, *, attempts: int = 4
) -> str:
    if method not in IDEMPOTENT:
        attempts = 1  # it may have happened: never send it twice
    for attempt in range(1, attempts + 1):
        try:
            async with session.request(method, url, raise_for_status=True) as response:
                return await response.text()
        except aiohttp.ClientResponseError as error:
            if error.status < 500 or attempt == attempts:
                raise
            reason = f"status {error.status}"
        except NEVER_RETRY:
            raise
        except RETRYABLE as error:
            if attempt == attempts:
                raise
            reason = type(error).__name__
        pause = 0.05 * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
        print(f"  attempt {attempt} failed ({reason}); retrying in {pause:.3f} s")
        await asyncio.sleep(pause)
    raise ValueError("attempts must be at least 1")


async def retries() -> dict[str, str]:
    outcomes = {}
    async with serve() as url, aiohttp.ClientSession() as session:
        for method, path in [
            ("GET", "/flaky/demo/2"),  # fails twice, then answers
            ("GET", "/status/503"),  # always fails
            ("GET", "/status/404"),  # will never succeed
            ("POST", "/flaky/order/1"),  # fails once, but is not idempotent
        ]:
            print(f"{method} {path}:")
            try:
                outcomes[f"{method} {path}"] = await request_with_retries(
                    session, method, url + path
                )
            except aiohttp.ClientResponseError as error:
                outcomes[f"{method} {path}"] = f"gave up: status {error.status}"
            print(f"  -> {outcomes[f'{method} {path}']!r}")
    return outcomes


outcomes = asyncio.run(retries())

# %%
# Take-away: one session, a connection limit (``limit=5`` made twenty requests take
# four waves), a timeout on every request (the 1 s request gave up after 0.2 s), error
# statuses raised, and retries bounded and kept to idempotent requests, make an
# aiohttp client safe.
