"""
Threads for I/O-bound work: a fetcher
=====================================

Fetching a web page is mostly waiting: for the connection, for the server to think,
for the bytes to arrive.  A program that fetches twenty pages one after another waits
twenty times in a row.  Threads let the waits overlap: while one thread waits for its
answer, another sends its request.  Waiting does not hold the :term:`GIL`, so this
works on every Python build.  The pages come from a local server that answers after
30 ms, so the numbers depend on this machine only, not on the internet.
"""

# %%
# A server to fetch from
# ----------------------
# Twenty URLs of the local server, each answered after the delay.

from contextlib import ExitStack

from conc_examples.web.webserver import serve_in_thread

REQUESTS = 20
DELAY = 0.03  # seconds the server waits before it answers each request

stack = ExitStack()  # keeps the server up across the cells below; stack.close() stops it
base_url = stack.enter_context(serve_in_thread())
urls = [f"{base_url}/delay/{DELAY}" for _ in range(REQUESTS)]

# %%
# The pattern
# -----------
# A function that fetches one URL, and a pool of threads that runs it for every URL.
# :func:`urllib.request.urlopen` (in the standard library) sends a GET; its
# ``timeout`` bounds every wait on the socket, so an unresponsive server raises an
# error instead of hanging the program, and the ``with`` closes the connection.
# ``map`` hands each thread the next URL as soon as it is free and returns the answers
# in the order of the URLs; its own ``timeout`` bounds the whole batch.

import urllib.request
from concurrent.futures import ThreadPoolExecutor


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
    pages = list(pool.map(fetch, urls, timeout=10))
print(f"{len(pages)} answers, the first: {pages[0]!r}")

# %%
# One request
# -----------
# The rest of the page measures what those lines buy, starting with one request.

import time

start = time.perf_counter()
answer = fetch(urls[0])
print(f"one request answered {answer!r} after {time.perf_counter() - start:.3f} s")

# %%
# Sequentially
# ------------
# A loop waits for each answer before it sends the next request, so twenty requests
# take at least twenty times the delay.


def fetch_all_sequentially() -> list[str]:
    return [fetch(url) for url in urls]


# %%
# With a thread pool
# ------------------
# The pattern's :class:`~concurrent.futures.ThreadPoolExecutor`, with a fixed number of
# threads.  With ``w`` threads the requests go out in
# waves of ``w``, so the best possible time (the *latency bound*) is
# ``ceil(20 / w) x 30 ms``: 0.12 s with 5 threads, 30 ms with 20.


def fetch_all(pool: ThreadPoolExecutor) -> list[str]:
    return list(pool.map(fetch, urls, timeout=10))


# %%
# You time the three ways in turns, three rounds each (``race``, see
# :ref:`sphx_glr_chapters_09_benchmarking_05_how_this_site_measures.py`).  It also
# counts the CPU seconds per second this process used meanwhile (the server's thread
# included: it runs in this process too).  The bars show each way's best round, with a
# whisker up to its slowest.

from functools import partial

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.rounds import race

with ThreadPoolExecutor(5) as five, ThreadPoolExecutor(REQUESTS) as twenty:
    ways = {
        "sequential": fetch_all_sequentially,
        "5 threads": partial(fetch_all, five),
        "20 threads": partial(fetch_all, twenty),
    }
    compare = race(ways, rounds=3, warmup=0)  # the first request warmed things up
stack.close()
print(compare)

bar_chart(
    compare.timings,
    title=f"{REQUESTS} requests to a server that answers after {DELAY} s",
    ideal=DELAY,
    ideal_label="latency bound with 20 threads",
)
show()

# %%
# A loop cannot beat twenty delays in a row: that is a floor, whatever the load.

from conc_examples.claims import claim

sequential, twenty_threads = compare.timings["sequential"], compare.timings["20 threads"]
claim(
    "The sequential loop took at least twenty delays",
    sequential.min >= REQUESTS * DELAY,
    measured=f"best round {sequential.min:.3f} s, {sequential.min / DELAY:.1f} delays",
    expected=f"at least {REQUESTS} x {DELAY} s",
)

# %%
# With one thread per request, all twenty waits overlap, and the whole batch takes
# about one delay plus the time to send and read twenty requests.  With five threads it
# takes four waves.  Sending and reading is CPU work, under the GIL, the same in every
# way, and a busy machine stretches it; the waits are what threads save.  So the claims
# compare the time saved with the delays that overlapping can save: 19 of 20 with
# twenty threads, 16 with five.

import math

speedup_20_threads = compare.speedup("20 threads", over="sequential")
for threads, name in {20: "Twenty", 5: "Five"}.items():
    took = compare.timings[f"{threads} threads"].min
    saved = sequential.min - took
    saveable = (REQUESTS - math.ceil(REQUESTS / threads)) * DELAY
    claim(
        f"{name} threads overlapped the waits: they saved nearly every delay they could",
        saved > 0.8 * saveable,
        measured=f"saved {saved:.3f} s, where overlapping can save {saveable:.2f} s;"
        f" {sequential.min / took:.1f}x faster, best rounds",
        expected="over 80 % of it",
    )

# %%
# The loop spent its time waiting, not computing, so the GIL never stood in its way.
# Load can only lower this figure.  (With threads, the CPU column grows: the server,
# in this process too, answers twenty requests at once.)

cpus_sequential = compare.cpus["sequential"]
claim(
    "While the loop waited, the process kept well under one CPU busy",
    cpus_sequential < 0.5,
    measured=f"{cpus_sequential:.2f} CPU seconds per second",
    expected="under 0.5",
)

# %%
# Why not a thousand threads for a thousand URLs?  Each thread costs memory (its stack)
# and the server, or a rate limit, will push back.  A pool of a fixed size bounds both;
# the next chapters show process pools and :mod:`asyncio`, which waits on thousands of
# sockets with one thread.  A client object that is not thread-safe (a session, a
# connection) belongs to one thread: see :ref:`the thread-local page
# <sphx_glr_chapters_03_threading_07_thread_local_data.py>`.
#
# Take-away: for I/O-bound work, threads overlap the waits: twenty threads saved
# nearly all of the nineteen delays that twenty requests in a row wait (the claim
# above); what is left is the CPU work of sending and reading.
