"""
gevent: green threads that switch on I/O, and what stops them
=============================================================

You send 100 requests at once to a local server three ways: threads, asyncio, and
gevent's green threads, and all three overlap the waits.  Then one greenlet computes, or
makes a blocking C call, and every other greenlet waits for it.

You need the helpers with their ``engines`` extra (the page's download note gives the
command).
"""

# %%
# Greenlets, and the patch that makes blocking code cooperative
# -------------------------------------------------------------
# A *greenlet* is a function with its own stack that runs until it chooses to switch:
# like a coroutine, but without ``async`` and ``await``.  gevent switches for you
# whenever a greenlet would wait on the network, a pipe or a timer, if you patch the
# standard library first with ``monkey.patch_all()``: ``socket``, ``time.sleep``,
# ``threading`` and more become versions that switch instead of block.  Plain blocking
# code in Python (``urllib``, ``requests``, a pure-Python driver such as PyMySQL) then
# runs concurrently unchanged.  A driver written in C (psycopg2, mysqlclient) does its
# own socket calls, which the patch cannot reach: it blocks every greenlet unless it
# offers a hook (psycopg2 needs ``psycogreen``).
#
# The patch must run first, before any other import, or a module that imported
# ``socket`` earlier keeps the real one.  And it changes the whole process for good.
# So this page runs the gevent part in a child interpreter,
# ``python -m conc_examples.engines.gevent_requests URL``, and prints what it reports: this
# page's own process (and the docs build that ran it) stays unpatched.
#
# .. literalinclude:: /../conc_examples/engines/gevent_requests.py
#    :start-at: from gevent import monkey
#    :end-at: monkey.patch_all()
#
# .. literalinclude:: /../conc_examples/engines/gevent_requests.py
#    :pyobject: fetch
#
# .. literalinclude:: /../conc_examples/engines/gevent_requests.py
#    :pyobject: burst

import json
import subprocess
import sys

from conc_examples.web.webserver import serve_in_thread

with serve_in_thread() as url:
    child = subprocess.run(
        [sys.executable, "-m", "conc_examples.engines.gevent_requests", url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if child.returncode != 0:
        raise RuntimeError(f"the gevent child failed:\n{child.stderr}")
    green = json.loads(child.stdout)
print(f"two greenlets, switching at gevent.sleep(0): {' '.join(green['interleaving'])}")
print(f"socket patched in the child: {green['patched_socket']}")

# %%
# The greenlets took turns exactly where they yielded.  Nothing else can switch them:
# there is one thread, and no scheduler preempts it.
#
# 100 requests: threads, asyncio, gevent
# --------------------------------------
# Each request asks the server to wait 0.1 s, so 0.1 s is the ideal for all 100.  Threads
# use the same ``urllib`` call as the greenlets; asyncio uses aiohttp.

import asyncio
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import aiohttp


def fetch(address: str) -> bytes:
    with urllib.request.urlopen(address, timeout=10) as response:
        return response.read()


def with_threads(base: str) -> None:
    with ThreadPoolExecutor(max_workers=100) as pool:
        list(pool.map(fetch, [f"{base}/delay/0.1"] * 100, timeout=30))


async def with_asyncio(base: str) -> None:
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def get(address: str) -> bytes:
            async with session.get(address) as response:
                return await response.read()

        await asyncio.gather(*(get(f"{base}/delay/0.1") for _ in range(100)))


# %%
# Each way runs three times after a warm-up; the chart draws the best of the three runs,
# with a whisker up to the slowest.  ``debug=False`` keeps asyncio's debug mode off even
# under ``python -X dev``: it checks every callback, which slows what you measure.

from conc_examples.charts.plotting import bar_chart
from conc_examples.measure.timing import Timing, measure

with serve_in_thread() as url:
    threads = measure(lambda: with_threads(url), repeat=3)
    coroutines = measure(lambda: asyncio.run(with_asyncio(url), debug=False), repeat=3)
greenlets = Timing.of(green["runs"])
timings = {"threads": threads, "asyncio": coroutines, "gevent": greenlets}
for name, timing in timings.items():
    print(f"{name:>8}: {timing}")
bar_chart(timings, title="100 requests of 0.1 s at once", ideal=0.1,
          ideal_label="one request's wait")  # fmt: skip

# %%
# One request after another would take 10 s.  Above the ideal of one request's 0.1 s,
# the rest is the cost of opening and serving 100 connections, on one CPU or two.

from conc_examples.claims import claim

for name, timing in timings.items():
    claim(
        f"{name.capitalize()} overlapped the hundred waits",
        timing.min < 100 * 0.1 / 4,
        measured=f"best of {len(timing.runs)} batches {timing.min:.2f} s",
        expected="under a quarter of the 10 s of one request after another",
    )

# %%
# gevent did it with plain blocking code, one thread, and no ``await``.
#
# What breaks it: work that never yields
# --------------------------------------
# gevent can switch only when a greenlet calls into gevent.  A greenlet that computes
# (here: hashing, 0.3 s of CPU work in C) never does; nor does a blocking call in a C
# library that gevent did not patch (``usleep`` from libc, 0.3 s).  The child ran the
# same 100 requests beside one such greenlet each time, and a ticker greenlet that asks
# to wake every 10 ms noted its longest wait.
#
# .. literalinclude:: /../conc_examples/engines/gevent_requests.py
#    :pyobject: blocking_c_sleep

longest_stall = green["longest_stall"]
hashing_seconds, hashing_stall = green["with_hashing"]
c_sleep_seconds, c_sleep_stall = green["with_c_sleep"]
print(f"requests alone:               {greenlets.median:.2f} s, longest stall"
      f" {longest_stall * 1000:4.0f} ms")  # fmt: skip
print(f"beside a greenlet hashing:    {hashing_seconds:.2f} s, longest stall"
      f" {hashing_stall * 1000:4.0f} ms")  # fmt: skip
print(f"beside a blocking C call:     {c_sleep_seconds:.2f} s, longest stall"
      f" {c_sleep_stall * 1000:4.0f} ms")  # fmt: skip
for blocker, stall in (
    ("hashed", hashing_stall),
    ("made a blocking C call", c_sleep_stall),
):
    claim(
        f"A greenlet that {blocker} stalled every other greenlet for its whole run",
        stall >= 0.29 and stall > longest_stall,
        measured=f"longest stall {stall * 1000:.0f} ms (requests alone:"
        f" {longest_stall * 1000:.0f} ms)",
        expected="at least the blocker's 300 ms, longer than without it",
        why="the machine was so busy that the requests alone stalled as long",
    )

# %%
# Each time the whole process stood still for the 0.3 s: the ticker, and every request,
# waited until the blocker was done.  That is asyncio's rule too
# (:doc:`../07_asyncio/08_never_block_the_loop`), with one difference: in asyncio an
# ``await`` shows you every place that can switch, while in gevent any call might.  Run
# CPU work in a process pool, and blocking C calls in gevent's thread pool
# (``gevent.get_hub().threadpool``).
#
# Take-away: patched, 100 blocking requests overlapped in one thread, as with threads and
# asyncio; one greenlet that never yields stalls them all, for its whole 0.3 s (the
# longest stalls in the claims above).
