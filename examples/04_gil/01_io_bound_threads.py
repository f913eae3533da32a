"""
Threads for I/O-bound work: a fetcher
=====================================

Fetching a web page is mostly waiting: for the connection, for the server to think,
for the bytes to arrive.  A program that fetches twenty pages one after another waits
twenty times in a row.  Threads let the waits overlap: while one thread waits for its
answer, another sends its request.  Waiting does not hold the :term:`GIL`, so this
works on every Python build.  The pages come from a local server that answers after
0.1 s, so the numbers depend on this machine only, not on the internet.
"""

# %%
# One request
# -----------
# :func:`urllib.request.urlopen` (in the standard library) sends a GET and returns the
# response; the ``timeout`` bounds every wait on the socket, so an unresponsive server
# raises an error instead of hanging the program.  The ``with`` closes the connection.

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

from conc_examples.plotting import bar_chart, show
from conc_examples.results import record
from conc_examples.timing import measure
from conc_examples.webserver import serve_in_thread

REQUESTS = 20
DELAY = 0.1  # seconds the server waits before it answers each request


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


stack = ExitStack()  # keeps the server up across the cells below; stack.close() stops it
base_url = stack.enter_context(serve_in_thread())
urls = [f"{base_url}/delay/{DELAY}" for _ in range(REQUESTS)]

start = time.perf_counter()
answer = fetch(urls[0])
print(f"one request answered {answer!r} after {time.perf_counter() - start:.3f} s")

# %%
# Sequentially
# ------------
# A loop waits for each answer before sending the next request, so twenty requests
# take at least twenty times the delay.


def fetch_all_sequentially() -> list[str]:
    return [fetch(url) for url in urls]


# No warm-up run: the request above already warmed up the server and the client code.
sequential = measure(fetch_all_sequentially, repeat=3, warmup=0)
print(f"{REQUESTS} requests, one after another: {sequential}")

# %%
# With a thread pool
# ------------------
# :class:`~concurrent.futures.ThreadPoolExecutor` runs ``fetch`` on a fixed number of
# threads; ``map`` hands each thread the next URL as soon as it is free and returns the
# answers in the order of the URLs.  With ``w`` threads, the requests go out in waves
# of ``w``, so the best possible time (the *latency bound*) is
# ``ceil(20 / w) x 0.1 s``: 0.4 s with 5 threads, 0.1 s with 20.

timings = {"sequential": sequential}
bounds = {}
for workers in (5, REQUESTS):
    with ThreadPoolExecutor(max_workers=workers) as pool:

        def fetch_all_in_threads(pool=pool) -> list[str]:
            return list(pool.map(fetch, urls, timeout=10))

        timing = measure(fetch_all_in_threads, repeat=3, warmup=0)
    bounds[workers] = -(-REQUESTS // workers) * DELAY
    timings[f"{workers} threads"] = timing
    print(
        f"{REQUESTS} requests on {workers:>2} threads: {timing}"
        f" (latency bound {bounds[workers]:.1f} s)"
    )
stack.close()

twenty = timings[f"{REQUESTS} threads"]
record("sequential_seconds", sequential.median)
record("threads_20_seconds", twenty.median)
record("threads_20_over_delay", twenty.median / DELAY)
record("io_speedup_20_threads", twenty.speedup_over(sequential))
record("io_speedup_5_threads", timings["5 threads"].speedup_over(sequential))
print(
    f"20 threads: {twenty.median / DELAY:.2f}x the single delay,"
    f" {twenty.speedup_over(sequential):.1f}x faster than sequential"
)

bar_chart(
    timings,
    title=f"{REQUESTS} requests to a server that answers after {DELAY} s",
    ideal=DELAY,
    ideal_label="latency bound with 20 threads",
)
show()

# %%
# With one thread per request, all twenty waits overlap and the whole batch takes
# about one delay, plus the time to start and finish twenty requests; with five
# threads, four waves.  The CPU was idle nearly all the time in every case: the
# threads were waiting, not computing, so the GIL never stood in their way.
#
# Why not a thousand threads for a thousand URLs?  Each thread costs memory (its stack)
# and the server, or a rate limit, will push back.  A pool of a fixed size bounds both;
# the next chapters show process pools and :mod:`asyncio`, which waits on thousands of
# sockets with one thread.  A client object that is not thread-safe (a session, a
# connection) belongs to one thread: see :ref:`the thread-local page
# <sphx_glr_chapters_03_threading_07_thread_local_data.py>`.
#
# Take-away: for I/O-bound work, threads overlap the waits: twenty 0.1 s requests on
# twenty threads took about one delay instead of twenty.
