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
# ``urllib`` blocks the thread that calls it.  ``race`` runs the three clients in
# turns, one unmeasured round and then three measured ones, so that a burst of load
# hits them all alike; the chart shows each client's best round, with whiskers to its
# slowest.  The coroutines run with asyncio's debug mode off: ``python -X dev`` turns
# it on, and it records a traceback for every task, which would be timing itself.

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.rounds import race
from conc_examples.web.webserver import serve_in_thread

with serve_in_thread() as base_url:
    url = f"{base_url}/delay/{DELAY}"
    clients = {
        "sequential": lambda: sequential(url),
        f"{N} threads": lambda: with_threads(url),
        f"{N} coroutines": lambda: asyncio.run(with_coroutines(url), debug=False),
    }
    timings = race(clients, rounds=3).timings

for label, timing in timings.items():
    print(f"{label:<14} best {timing.min / DELAY:4.1f}x the bound ({timing})")
title = f"{N} requests to a server that answers in {DELAY * 1000:.0f} ms"
bar_chart(timings, title=title, ideal=DELAY, ideal_label="latency bound (one delay)")
show()

# %%
# Load only adds time, so the sequential client's full delay per request shows on
# any machine; the concurrent clients are read at their best round.

from conc_examples.claims import claim

ratios = {label: timing.min / DELAY for label, timing in timings.items()}
claim(
    "One after another, each request cost a full delay",
    ratios["sequential"] >= 0.99 * N,
    measured=f"{ratios['sequential']:.1f} delays for {N} requests (best round)",
    expected=f"{N} delays",
)
for client, who in [(f"{N} threads", "Ten threads"), (f"{N} coroutines", "Ten coroutines")]:
    claim(
        f"{who} waited together and finished near one delay",
        ratios[client] < 4,
        measured=f"{ratios[client]:.1f} delays (best round)",
        expected="under 4 delays, less than half the sequential client's time",
    )

# %%
# Take-away: sequential requests cost one delay each, while threads and coroutines
# both wait together and finish near the bound of a single delay, the coroutines on
# one thread.
