"""
A careful client: retries, backoff and ``Retry-After``
======================================================

Some failures go away if you try again a moment later; most do not, and some requests
must never be sent twice.  You will retry only what may succeed, only requests that
are safe to repeat, a bounded number of times, waiting longer each time or as long as
the server asks; then move the same policy into an aiohttp client middleware.
"""

# %%
# What to retry
# -------------
# A 503, 502 or 504 (a server or gateway in trouble), 408 (the server gave up waiting
# for you), 429 (too many requests) or a dropped connection may succeed a moment
# later; a 404 will not, nor a bad certificate (``aiohttp.ClientSSLError``).  Retry only
# *idempotent* requests (``GET``, ``PUT``, ``DELETE``...): a ``POST`` that failed may
# still have reached the server, and sending it again could order twice.  Retry a
# bounded number of times, waiting longer after each failure (exponential
# :term:`backoff`) with some randomness (jitter), so that clients do not all retry at
# once.  A 429 or 503 may say how long to wait in ``Retry-After`` (seconds, or a date):
# wait that long, and if it is longer than you are willing to wait, give up now.

import asyncio
import email.utils
import random
import time
from collections import Counter

import aiohttp

from conc_examples.claims import Need, claim
from conc_examples.web.webserver import serve

IDEMPOTENT = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
NEVER_RETRY = (aiohttp.ClientSSLError, aiohttp.ServerFingerprintMismatch)
RETRYABLE = (aiohttp.ClientConnectionError, TimeoutError)
MAX_PAUSE = 1.0  # the longest you wait before one retry


def pause_before_retry(attempt: int, headers=None) -> float | None:
    """Seconds to wait before the next attempt; None if the server asks too long."""
    asked = headers.get("Retry-After") if headers else None
    if asked is None:
        return 0.05 * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
    try:
        seconds = float(asked)
    except ValueError:  # an HTTP date, or nothing we can read
        when = email.utils.parsedate_to_datetime(asked) if asked.strip() else None
        seconds = when.timestamp() - time.time() if when else 0.0
    return max(seconds, 0.0) if seconds <= MAX_PAUSE else None


sent: Counter[str] = Counter()  # attempts per URL, to look at afterwards


async def request_with_retries(
    session: aiohttp.ClientSession, method: str, url: str, *, attempts: int = 4
) -> str:
    if method not in IDEMPOTENT:
        attempts = 1  # it may have happened: never send it twice
    for attempt in range(1, attempts + 1):
        sent[url] += 1
        try:
            async with session.request(method, url, raise_for_status=True) as response:
                return await response.text()
        except aiohttp.ClientResponseError as error:
            pause = pause_before_retry(attempt, error.headers)
            if error.status not in RETRY_STATUSES or attempt == attempts or pause is None:
                raise
            reason = f"status {error.status}"
        except NEVER_RETRY:
            raise
        except RETRYABLE as error:
            if attempt == attempts:
                raise
            pause, reason = pause_before_retry(attempt), type(error).__name__
        print(f"  attempt {attempt} failed ({reason}); retrying in {pause:.3f} s")
        await asyncio.sleep(pause)
    raise ValueError("attempts must be at least 1")


# %%
# Seven requests, and what the policy should make of each, in how many attempts:

POLICY = {
    ("GET", "/flaky/demo/2"): ("ok", 3),  # fails twice, then answers
    ("GET", "/flaky/busy/1?status=429&retry_after=0.2"): ("ok", 2),  # after 0.2 s
    ("GET", "/flaky/later/1?status=503&retry_after=60"): ("gave up: 503", 1),
    ("GET", "/flaky/idle/1?status=408"): ("ok", 2),
    ("GET", "/status/503"): ("gave up: 503", 4),  # always fails
    ("GET", "/status/404"): ("gave up: 404", 1),  # will never succeed
    ("POST", "/flaky/order/1"): ("gave up: 503", 1),  # not idempotent
}


async def retries() -> dict[tuple[str, str], tuple[str, int, float]]:
    outcomes = {}
    async with serve() as url, aiohttp.ClientSession() as session:
        for method, path in POLICY:
            print(f"{method} {path}:")
            start = time.perf_counter()
            try:
                outcome = await request_with_retries(session, method, url + path)
            except aiohttp.ClientResponseError as error:
                outcome = f"gave up: {error.status}"
            outcomes[method, path] = (
                outcome,
                sent[url + path],
                time.perf_counter() - start,
            )
            print(f"  -> {outcome!r} after {sent[url + path]} attempts")
    return outcomes


outcomes = asyncio.run(retries())
wrong = {
    request: got[:2] for request, got in outcomes.items() if got[:2] != POLICY[request]
}
claim(
    "Each request came to what the policy says, in the attempts it allows",
    not wrong,
    measured=f"{len(outcomes) - len(wrong)} of {len(POLICY)} as expected; others: {wrong}",
    expected="all as in POLICY",
)
waited = outcomes["GET", "/flaky/busy/1?status=429&retry_after=0.2"][2]
claim(
    "The retry waited as long as the server's Retry-After asked",
    waited >= 0.2,
    measured=f"the 429 request took {waited:.2f} s in all",
    expected="at least the 0.2 s asked",
)

# %%
# The policy as a client middleware (aiohttp 3.12)
# ------------------------------------------------
# Since aiohttp 3.12 a session takes ``middlewares``: coroutines that get each request
# and the ``handler`` that sends it, and may send it again, so that every request of
# the session retries with no wrapper at the call.  This one sees responses (not
# exceptions), and releases each failed one before it sends the request again.

AIOHTTP = tuple(int(part) for part in aiohttp.__version__.split(".")[:2])


async def retry_statuses(request, handler):
    attempts = 4 if request.method in IDEMPOTENT else 1
    for attempt in range(1, attempts + 1):
        response = await handler(request)
        pause = pause_before_retry(attempt, response.headers)
        if response.status not in RETRY_STATUSES or attempt == attempts or pause is None:
            return response
        response.release()
        await asyncio.sleep(pause)


async def with_middleware() -> str:
    async with (
        serve() as url,
        aiohttp.ClientSession(middlewares=(retry_statuses,)) as session,
        session.get(f"{url}/flaky/mw/2?status=429&retry_after=0.05") as response,
    ):
        response.raise_for_status()
        return await response.text()


answer = asyncio.run(with_middleware()) if AIOHTTP >= (3, 12) else None
print(f"aiohttp {aiohttp.__version__}: GET /flaky/mw/2, 429 twice -> {answer!r}")
claim(
    "Behind the middleware, a plain get retried the throttled request to its answer",
    answer == "ok",
    measured=f"the get returned {answer!r} after two 429s",
    expected="'ok'",
    needs=Need("aiohttp 3.12+", AIOHTTP >= (3, 12), f"this is {aiohttp.__version__}"),
)

# %%
# Take-away: retry only what may succeed and what is safe to send twice, a bounded
# number of times, paced by backoff or by the server's ``Retry-After``; a client
# middleware applies that policy to every request of a session.
