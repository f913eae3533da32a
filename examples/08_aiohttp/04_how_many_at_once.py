"""
How many requests at once?
==========================

One event loop can keep many requests in flight, because a waiting request costs a
:term:`coroutine` and a socket, not a thread.  You will send 10 and then 100 requests
at once and see both take about one server delay; then count the file descriptors
those requests hold, and bound them with a semaphore.
"""

# %%
# 10 and 100 requests at once
# ---------------------------
# Each request asks the server to wait 0.1 s.  All of them start together with
# :func:`asyncio.gather`, through a connector with ``limit=0`` (no limit: the default
# of 100 connections would queue the rest, as the page on limits showed).  Each burst
# uses a new session, so every request opens a new connection, as a hundred different
# clients would.  A perfect burst takes 0.1 s, whatever the count.

import asyncio
from contextlib import nullcontext
from functools import partial

import aiohttp

from conc_examples.web.webserver import serve

DELAY = 0.1


async def burst(url: str, count: int, bound: asyncio.Semaphore | None = None) -> None:
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=10),
    ) as session:

        async def get() -> None:
            async with (
                bound or nullcontext(),  # nullcontext: no bound at all
                session.get(f"{url}/delay/{DELAY}") as response,
            ):
                response.raise_for_status()
                await response.read()

        await asyncio.gather(*(get() for _ in range(count)))


# %%
# Each burst runs three times after a warm-up, the two taking turns, with asyncio's
# debug mode off (on under ``python -X dev``, it costs more than the requests).  The
# chart shows each burst's best round, with whiskers to its slowest.

from conc_examples.charts.plotting import bar_chart
from conc_examples.claims import claim
from conc_examples.measure.timing import Timing, measure_interleaved_async


async def time_bursts() -> dict[int, Timing]:
    asyncio.get_running_loop().set_debug(False)
    async with serve() as url:
        await burst(url, 10)  # warm-up: first connections, lazy imports
        bursts = {f"{n} at once": partial(burst, url, n) for n in (10, 100)}
        return await measure_interleaved_async(bursts, repeat=3, warmup=0)


bursts = asyncio.run(time_bursts())
for label, timing in bursts.items():
    print(f"{label:>11}: best {timing.min / DELAY:.2f}x the delay ({timing})")
bar_chart(
    bursts,
    title=f"Concurrent requests, each answered after {DELAY} s",
    ideal=DELAY,
    ideal_label="latency bound",
)
ratio_100 = bursts["100 at once"].min / DELAY
claim(
    "A hundred requests at once took a handful of delays, not a hundred",
    ratio_100 < 10,
    measured=f"{ratio_100:.2f}x one delay (best round)",
    expected="under 10 delays, where one after another would take 100",
)

# %%
# Every request holds a file descriptor
# -------------------------------------
# Each connection is a socket, and each socket is a file descriptor.  Here client and
# server run in one process, so each request in flight holds two.  A process may hold
# at most its *soft* ``RLIMIT_NOFILE`` (``ulimit -n``); past it, every new socket
# fails with :exc:`OSError` "Too many open files".  Count the open files while the
# hundred requests are in flight, then again with an :class:`asyncio.Semaphore` that
# lets only 25 in at a time.

from conc_examples.measure.oslimits import (
    needs_open_file_count,
    open_files,
    open_files_limit,
)


async def peak_open_files(bound: asyncio.Semaphore | None) -> int:
    asyncio.get_running_loop().set_debug(False)
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, open_files() or 0)
            await asyncio.sleep(0.005)

    async with serve() as url:
        watcher = asyncio.create_task(watch())
        await burst(url, 100, bound)
        watcher.cancel()
    return peak


before = open_files()
unbounded_peak = asyncio.run(peak_open_files(None))
bounded_peak = asyncio.run(peak_open_files(asyncio.Semaphore(25)))
print(f"open files before: {before}; soft and hard limits: {open_files_limit()}")
print(f"100 requests at once:       at most {unbounded_peak} open files")
print(f"100 requests, 25 at a time: at most {bounded_peak} open files")

# %%
# What the counts say, and what they mean for the limit on this machine:

counted, per_request = needs_open_file_count(before), (unbounded_peak - (before or 0)) / 100
claim(
    "Each request in flight held two file descriptors",
    per_request >= 1.8,
    measured=f"{per_request:.2f} more open files per request in flight",
    expected="about 2 (client and server socket), at least 1.8",
    needs=counted,
)
claim(
    "The semaphore kept the open files to its bound, whatever the total",
    bounded_peak - (before or 0) <= 2 * 25 + 10,
    measured=f"{bounded_peak - (before or 0)} more open files with Semaphore(25)",
    expected="at most two per permit and a few for the server (60)",
    needs=counted,
)
if before is not None and (limits := open_files_limit()) and per_request >= 1:
    fit = (limits[0] - before) // per_request
    print(f"soft limit {limits[0]}: about {fit:.0f} requests at once would fit here")

# %%
# Take-away: a hundred requests at once took about one delay and held two file
# descriptors each, so the soft limit (printed above) caps how many fit in one process:
# raise the limit (``resource.setrlimit``, up to the hard limit) or bound the requests
# in flight with a semaphore or ``TCPConnector(limit=...)``, as the 25 at a time did.
