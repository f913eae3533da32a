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
# Each burst runs three times after a warm-up, with asyncio's debug mode off (on under
# ``python -X dev``, it costs more than the requests).

from conc_examples.charts.plotting import bar_chart
from conc_examples.measure.timing import Timing, measure_async


async def time_bursts() -> dict[int, Timing]:
    asyncio.get_running_loop().set_debug(False)
    async with serve() as url:
        await burst(url, 10)  # warm-up: first connections, lazy imports
        return {
            count: await measure_async(partial(burst, url, count), repeat=3, warmup=0)
            for count in (10, 100)
        }


bursts = asyncio.run(time_bursts())
for count, timing in bursts.items():
    print(f"{count:>4} requests at once: {timing}, {timing.median / DELAY:.2f}x the delay")
ratio_100 = bursts[100].median / DELAY
bar_chart(
    {f"{count} at once": timing for count, timing in bursts.items()},
    title=f"Concurrent requests, each answered after {DELAY} s",
    ideal=DELAY,
    ideal_label="latency bound",
)

# %%
# A hundred concurrent requests took about as long as one.
#
# Every request holds a file descriptor
# -------------------------------------
# Each connection is a socket, and each socket is a file descriptor.  Here client and
# server run in one process, so each request in flight holds two.  A process may hold
# at most its *soft* ``RLIMIT_NOFILE`` (``ulimit -n``; often 1024); past it, every
# new socket fails with :exc:`OSError` "Too many open files".  Count the open files
# while the hundred requests are in flight, then again with an
# :class:`asyncio.Semaphore` that lets only 25 in at a time.

from conc_examples.measure.oslimits import open_files, open_files_limit


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
# Take-away: a hundred requests at once took about one delay (the ratio printed
# above), and held two file descriptors each.  With a soft limit of 1024, about 500 at
# once would fail here: raise the limit (``resource.setrlimit``, up to the hard
# limit) or bound the requests in flight with a semaphore or
# ``TCPConnector(limit=...)``, as the 25 at a time above kept the count down.
