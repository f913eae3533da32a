"""
Ten requests: one after another, from threads, from coroutines
==============================================================

The comparison every asyncio tutorial makes, measured: the same ten requests to a
server that takes 50 ms to answer each.  You will see the sequential client pay one
delay per request, and both threads and coroutines finish near a single delay.
"""

# %%
# Three clients
# -------------
# A synchronous client (:mod:`urllib.request`) waits for each answer before it sends
# the next request.  Ten threads each wait for one answer at the same time.  Ten
# coroutines do the same on one thread.  No client can get an answer sooner than one
# server delay: that is the bound.

import asyncio
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import aiohttp

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


# %%
# Measured
# --------
# The server runs in a thread of its own here (``serve_in_thread``), because
# ``urllib`` blocks the thread that calls it.  One request warms the server up (its
# first connection), then each client runs three times (the coroutines after one
# unmeasured run of their own, for aiohttp's first session); the chart shows the
# median with min-max whiskers.  The coroutines are timed with asyncio's debug mode
# off: ``python -X dev`` turns it on, and it records a traceback for every task, which
# would be timing itself.

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.timing import Timing, measure, measure_async
from conc_examples.web.webserver import serve_in_thread


async def time_coroutines(url: str) -> Timing:
    asyncio.get_running_loop().set_debug(False)
    return await measure_async(lambda: with_coroutines(url), repeat=3)


with serve_in_thread() as base_url:
    url = f"{base_url}/delay/{DELAY}"
    fetch_sync(url)
    timings = {"sequential": measure(lambda: sequential(url), repeat=3, warmup=0)}
    timings[f"{N} threads"] = measure(lambda: with_threads(url), repeat=3, warmup=0)
    coroutines = asyncio.run(time_coroutines(url))
timings[f"{N} coroutines"] = coroutines

for label, timing in timings.items():
    print(f"{label:<14} {timing}, {timing.median / DELAY:.1f}x the bound")
title = f"{N} requests to a server that answers in {DELAY * 1000:.0f} ms"
bar_chart(timings, title=title, ideal=DELAY, ideal_label="latency bound (one delay)")
show()

# %%
# Take-away: sequential requests cost one delay each (the ratio above is about ten),
# while threads and coroutines both wait together and finish near the bound of a
# single delay, the coroutines on one thread.
