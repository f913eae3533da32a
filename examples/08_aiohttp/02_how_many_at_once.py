"""
How many requests at once?
==========================

One event loop can keep many requests in flight, because a waiting request costs a
:term:`coroutine` and a socket, not a thread.  This page sends 10, 100 and 1000
concurrent requests to a local server and times them; meets the limit that bites
first on the way to a thousand (the listen backlog, and behind it the operating
system's cap); checks the other limit, open files; and then measures the claim behind
all of this: that coroutines are much lighter than threads.

Everything stays on 127.0.0.1, and every burst is bounded: a thousand requests, each
with a timeout.
"""

# %%
# Limits first: open files
# ------------------------
# Every connection is a socket, and every socket is a file descriptor.  Here client and
# server run in the same process, so a thousand connections need two thousand
# descriptors.  A process may hold at most its soft ``RLIMIT_NOFILE`` (often 1024: see
# ``ulimit -n``); it may raise that up to the hard limit itself.  The :mod:`resource`
# module is POSIX only.

import asyncio
import os
import threading
import time
import tracemalloc
from pathlib import Path

import aiohttp

from conc_examples.plotting import bar_chart, show
from conc_examples.results import record
from conc_examples.timing import Timing
from conc_examples.webserver import serve

BIGGEST = 1000
needed = 2 * BIGGEST + 256  # two sockets per request, plus what Python has open

try:
    import resource
except ImportError:  # Windows: no such per-process limit to check
    print("no resource module here: skipping the open-file check")
else:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(f"open files: soft limit {soft}, hard limit {hard}, needed {needed}")
    if soft != resource.RLIM_INFINITY and soft < needed:
        new_soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
        print(f"raised the soft limit to {new_soft}")
        if new_soft < needed:
            BIGGEST = (new_soft - 256) // 2
            print(f"the hard limit is too low: the biggest burst is {BIGGEST} requests")

# %%
# 10, 100, 1000 requests at once
# ------------------------------
# Each request asks the server to wait 0.1 s.  All of them are started together with
# :func:`asyncio.gather`, through a connector with ``limit=0`` (no limit: the default
# of 100 connections would queue the rest, as the previous page showed).  Each run
# uses a new session, so every request opens a new connection, like a thousand
# different clients would.  A perfect run takes 0.1 s whatever the count.
#
# The runs use ``debug=False``: asyncio's debug mode (on under ``python -X dev``) costs
# more than the requests.

DELAY = 0.1


async def burst(url: str, count: int) -> None:
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=10),
    ) as session:

        async def get() -> None:
            async with session.get(f"{url}/delay/{DELAY}") as response:
                response.raise_for_status()
                await response.read()

        await asyncio.gather(*(get() for _ in range(count)))


async def time_bursts(counts: list[int], *, backlog: int, repeat: int) -> dict[int, Timing]:
    timings = {}
    async with serve(backlog=backlog) as url:
        await burst(url, 10)  # warm-up: first connections, lazy imports
        for count in counts:
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                await burst(url, count)
                runs.append(time.perf_counter() - start)
            timings[count] = Timing.of(runs)
    return timings


small = asyncio.run(time_bursts([10, 100], backlog=128, repeat=3), debug=False)
for count, timing in small.items():
    print(f"{count:>4} requests: {timing}, {timing.median / DELAY:.2f}x the delay")
ratio_100 = small[100].median / DELAY
record("ratio_100", ratio_100)

# %%
# A hundred concurrent requests took about as long as one.  Now a thousand, counting
# on Linux how many connection attempts (SYN packets) the kernel dropped because a
# :term:`listen backlog` was full.  The counter covers the whole machine, so a burst
# elsewhere at the same moment would add to it; on a quiet machine it is ours alone.

overflows_path = Path("/proc/net/netstat")


def listen_overflows() -> int | None:
    """Linux's count of SYNs dropped because a listen queue was full, or None."""
    if not overflows_path.exists():
        return None
    lines = [line.split() for line in overflows_path.read_text().splitlines()]
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names[0] == "TcpExt:":
            return int(dict(zip(names, values, strict=True))["ListenOverflows"])
    return None


def timed_with_overflows(backlog: int) -> tuple[Timing, int | None]:
    before = listen_overflows()
    timing = asyncio.run(time_bursts([BIGGEST], backlog=backlog, repeat=3), debug=False)
    after = listen_overflows()
    turned_away = None if before is None or after is None else (after - before) // 3
    return timing[BIGGEST], turned_away


default_backlog, default_overflows = timed_with_overflows(128)
print(f"{BIGGEST} requests, backlog 128: {default_backlog}")
print(f"  SYNs dropped per run: {default_overflows}")

# %%
# The listen-backlog trap
# -----------------------
# Over a second, not 0.1 s.  A server's listening socket has a queue of connections the
# kernel has completed but the program has not yet accepted: the *backlog*.  aiohttp
# asks for 128.  A thousand connection attempts arrive at once, before the event loop
# gets a chance to accept any; the queue fills, and Linux drops the surplus SYN
# packets (that is the count above).  The clients hear nothing and, following TCP,
# send their SYN again after one second.  Nothing failed; the requests were just late.
#
# The fix is a bigger backlog: ``web.TCPSite(..., backlog=...)``, here the ``backlog``
# argument of our ``serve``.  The kernel silently caps it at ``net.core.somaxconn``:

somaxconn_path = Path("/proc/sys/net/core/somaxconn")
somaxconn = int(somaxconn_path.read_text()) if somaxconn_path.exists() else None
print(
    f"net.core.somaxconn = {somaxconn if somaxconn is not None else 'unknown (not Linux)'}"
)
big_backlog = 2 * BIGGEST
if somaxconn is not None and somaxconn < big_backlog:
    print(f"backlog={big_backlog} would be capped at {somaxconn}: raise somaxconn (root)")

fixed_backlog, fixed_overflows = timed_with_overflows(big_backlog)
print(f"{BIGGEST} requests, backlog {big_backlog}: {fixed_backlog}")
print(f"  SYNs dropped per run: {fixed_overflows}")
print(f"the fix saved {default_backlog.median - fixed_backlog.median:.2f} s (median)")
record("default_backlog_runs", list(default_backlog.runs))
record("fixed_backlog_runs", list(fixed_backlog.runs))
record("default_overflows", default_overflows)
record("fixed_overflows", fixed_overflows)

backlog_figure = bar_chart(
    {
        "10": small[10],
        "100": small[100],
        f"{BIGGEST}\nbacklog 128": default_backlog,
        f"{BIGGEST}\nbacklog {big_backlog}": fixed_backlog,
    },
    title="Concurrent requests, each answered after 0.1 s",
    ideal=DELAY,
    ideal_label="latency bound",
)
backlog_figure.axes[0].legend(loc="upper left")  # the tall bars are on the right

# %%
# With the bigger backlog the kernel has no reason to drop our SYNs (on a quiet
# machine the count above is zero), and what remains above 0.1 s is the CPU time of a
# thousand requests and responses in one Python process.
#
# Coroutines are lighter than threads
# -----------------------------------
# Every one of those requests was a coroutine.  How much does one cost, against a
# thread?  Start 10,000 coroutines and 1,000 threads that all wait for one event,
# measure memory while all are alive, then release them and wait for the end.
# :mod:`tracemalloc` counts the Python objects each one needs (exactly, so one run is
# enough).  A thread also has a stack that tracemalloc cannot see, so for threads we
# also read the growth of the process's resident memory (RSS, Linux only).  A
# coroutine has no stack of its own: its frame is one of those Python objects.

COROUTINES, THREADS = 10_000, 1_000
statm = Path("/proc/self/statm")


def memory_bytes() -> tuple[int, int] | None:
    """Address space and resident memory of this process (Linux), else None."""
    if not statm.exists():
        return None
    size, resident = statm.read_text().split()[:2]
    page = os.sysconf("SC_PAGE_SIZE")
    return int(size) * page, int(resident) * page


def start_coroutines(count: int) -> tuple[float, int]:
    """Seconds to start ``count`` waiting coroutines and finish them; how many ran."""

    async def main() -> tuple[float, int]:
        release = asyncio.Event()
        started = 0

        async def waiter() -> None:
            nonlocal started
            started += 1
            await release.wait()

        start = time.perf_counter()
        tasks = [asyncio.create_task(waiter()) for _ in range(count)]
        await asyncio.sleep(0)  # every task runs up to its first await
        alive = started
        release.set()
        await asyncio.gather(*tasks)
        return time.perf_counter() - start, alive

    return asyncio.run(main(), debug=False)


thread_memory: list[tuple[float, float]] = []  # per thread: address space, resident


def start_threads(count: int) -> tuple[float, int]:
    """Seconds to start ``count`` waiting threads and join them; how many ran."""
    release = threading.Event()
    memory_before, start = memory_bytes(), time.perf_counter()
    threads = [threading.Thread(target=release.wait, args=(30,)) for _ in range(count)]
    for thread in threads:
        thread.start()  # returns once the thread runs
    memory_alive = memory_bytes()
    alive = sum(thread.is_alive() for thread in threads)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    if memory_before is not None and memory_alive is not None:
        (size_0, resident_0), (size_1, resident_1) = memory_before, memory_alive
        thread_memory.append(((size_1 - size_0) / count, (resident_1 - resident_0) / count))
    return time.perf_counter() - start, alive


def python_objects_per_unit(start, count: int) -> float:
    """Peak bytes of Python objects per coroutine or thread, from tracemalloc."""
    tracemalloc.start()
    try:
        start(count)
        return tracemalloc.get_traced_memory()[1] / count
    finally:
        tracemalloc.stop()


counts = {"coroutine": COROUTINES, "thread": THREADS}
starters = {"coroutine": start_coroutines, "thread": start_threads}
runs = {kind: [starters[kind](counts[kind]) for _ in range(3)] for kind in counts}
objects = {kind: python_objects_per_unit(starters[kind], counts[kind]) for kind in counts}

start_cost = {
    kind: Timing.of([seconds / counts[kind] * 1e6 for seconds, _ in runs[kind]])
    for kind in counts
}
for kind, count in counts.items():
    print(f"{count:>6,} {kind}s, all alive at once: {min(a for _, a in runs[kind]):,}")
    print(f"  start + finish: {start_cost[kind].median:7.1f} us each (median of 3)")
    print(f"  Python objects: {objects[kind] / 1024:7.2f} KiB each (tracemalloc)")
if thread_memory:
    first_three = thread_memory[:3]  # the runs without tracemalloc
    resident_kib = Timing.of([resident / 1024 for _, resident in first_three])
    reserved_mib = Timing.of([size / 2**20 for size, _ in first_three])
    print(f"  resident memory: {resident_kib.median:7.2f} KiB each (RSS growth)")
    print(
        f"  address space:   {reserved_mib.median:7.2f} MiB each (reserved, mostly stack)"
    )
time_ratio = start_cost["thread"].median / start_cost["coroutine"].median
print(f"a thread takes {time_ratio:.1f}x the time of a coroutine to start and finish")
record("alive_coroutines", min(a for _, a in runs["coroutine"]))
record("alive_threads", min(a for _, a in runs["thread"]))
record("time_ratio_thread_over_coroutine", time_ratio)
record("objects_ratio_thread_over_coroutine", objects["thread"] / objects["coroutine"])
if thread_memory:
    record("thread_resident_kib", resident_kib.median)
    record("thread_address_space_mib", reserved_mib.median)

bar_chart(
    {f"one of {count:,} {kind}s": start_cost[kind] for kind, count in counts.items()},
    title="Time to start and finish one coroutine or one thread",
    ylabel="microseconds each",
)
memory_bars = {
    f"{kind}:\nPython objects": Timing.of([objects[kind] / 1024]) for kind in counts
}
if thread_memory:
    memory_bars["thread:\nresident (RSS)"] = resident_kib
bar_chart(memory_bars, title="Memory of one waiting coroutine or thread", ylabel="KiB each")
show()

# %%
# Even the resident memory understates a thread's cost: each one also reserves address
# space for its stack (the megabytes printed above, the ``ulimit -s`` default on
# Linux), is a task the kernel schedules, and counts against the kernel's cap on
# threads.
#
# Take-away: a hundred concurrent requests take about as long as one (the ratio
# printed above).  A thousand hit the listen backlog first: 128 by default, capped by
# ``net.core.somaxconn``, and each dropped connection attempt costs a full second; a
# larger backlog removes the stall.  A coroutine is cheaper to start than a thread and
# needs a fraction of its memory: that is why one loop can hold thousands of requests.
