"""
Coroutines are lighter than threads
===================================

Every request on the last pages was a coroutine.  How much does one cost, against a
thread?  You will start 5,000 coroutines and 500 threads that all wait for one
event, and measure the time each takes to start and finish, and the memory each
holds while it waits.
"""

# %%
# Five thousand waiting coroutines
# --------------------------------
# Each coroutine counts itself and waits for the event.  After ``sleep(0)`` every
# task has run up to its first ``await``: all are alive at once.  Then one
# ``set()`` releases them all.

import asyncio
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

from conc_examples.measure.oslimits import memory_bytes

COROUTINES, THREADS = 5_000, 500


async def start_coroutines(count: int) -> tuple[float, int]:
    """Seconds to start ``count`` waiting coroutines and finish them; how many ran."""
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


# %%
# Five hundred waiting threads
# ----------------------------
# The same with threads: each waits on a :class:`threading.Event` (with a timeout, so
# that none can hang).  A thread also has a stack that Python's own accounting cannot
# see, so the growth of the process's resident memory (RSS, Linux) is noted too.

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


# %%
# Measured
# --------
# Each runs three times.  Then once more under :mod:`tracemalloc`, which counts the
# bytes of Python objects each coroutine or thread needs (exactly, so one run is
# enough).  A coroutine has no stack of its own: its frame is one of those objects.

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.timing import Timing


@contextmanager
def python_objects(peak: list[int]) -> Iterator[None]:
    """Append the peak bytes of Python objects allocated inside the block."""
    tracemalloc.start()
    try:
        yield
    finally:
        peak.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


coroutine_peak: list[int] = []
thread_peak: list[int] = []


async def coroutine_runs() -> list[tuple[float, int]]:
    asyncio.get_running_loop().set_debug(False)  # on under -X dev: it costs more
    await asyncio.sleep(0)  # from the next step on
    runs = [await start_coroutines(COROUTINES) for _ in range(3)]
    with python_objects(coroutine_peak):
        await start_coroutines(COROUTINES)
    return runs


coroutine_seconds = asyncio.run(coroutine_runs())
runs = {
    "coroutine": coroutine_seconds,
    "thread": [start_threads(THREADS) for _ in range(3)],
}
with python_objects(thread_peak):
    start_threads(THREADS)

counts = {"coroutine": COROUTINES, "thread": THREADS}
alive = {kind: min(a for _, a in runs[kind]) for kind in counts}
start_cost = {
    kind: Timing.of([seconds / counts[kind] * 1e6 for seconds, _ in runs[kind]])
    for kind in counts
}
objects_kib = {"coroutine": coroutine_peak[0] / COROUTINES / 1024}
objects_kib["thread"] = thread_peak[0] / THREADS / 1024
for kind, count in counts.items():
    print(f"{count:>6,} {kind}s, all alive at once: {alive[kind]:,}")
    print(f"  start + finish: {start_cost[kind].min:7.1f} us each (best of 3)")
    print(f"  Python objects: {objects_kib[kind]:7.2f} KiB each (tracemalloc)")
if thread_memory:
    resident_kib = Timing.of([resident / 1024 for _, resident in thread_memory[:3]])
    reserved_mib = Timing.of([size / 2**20 for size, _ in thread_memory[:3]])
    print(f"  resident memory: {resident_kib.min:7.2f} KiB each (RSS growth, best of 3)")
    print(f"  address space:   {reserved_mib.min:7.2f} MiB each (reserved, mostly stack)")
time_ratio = start_cost["thread"].min / start_cost["coroutine"].min
print(f"a thread takes {time_ratio:.1f}x the time of a coroutine to start and finish")

memory_bars = {
    f"{kind}:\nPython objects": Timing.of([objects_kib[kind]]) for kind in counts
}
if thread_memory:
    memory_bars["thread:\nresident (RSS)"] = resident_kib
bar_chart(memory_bars, title="Memory of one waiting coroutine or thread", ylabel="KiB each")
show()

# %%
# The bars are the smallest of the runs (tracemalloc's count is exact: one run).

from conc_examples.claims import Need, claim

claim(
    "Every coroutine and every thread was alive at once",
    alive == counts,
    measured=", ".join(f"{alive[kind]:,} of {counts[kind]:,} {kind}s" for kind in counts),
    expected="all of them",
)
claim(
    "A thread took several times a coroutine's time to start and finish",
    time_ratio > 1.5,
    measured=f"{time_ratio:.1f}x (best of 3 each)",
    expected="over 1.5x",
)
claim(
    "A waiting thread's Python objects alone outweighed a waiting coroutine's",
    objects_kib["thread"] > 1.5 * objects_kib["coroutine"],
    measured=f"{objects_kib['thread']:.2f} KiB against {objects_kib['coroutine']:.2f} KiB",
    expected="over 1.5 times",
)
claim(
    "Each thread also held resident memory and reserved address space for a stack",
    bool(thread_memory) and resident_kib.min > 4 and reserved_mib.min > 0.5,
    measured=f"{resident_kib.min:.1f} KiB resident, {reserved_mib.min:.2f} MiB reserved"
    if thread_memory
    else "not measured",
    expected="over a 4 KiB page resident, over 0.5 MiB reserved",
    needs=Need("/proc/self/statm (Linux)", bool(thread_memory), "this system has none"),
)

# %%
# Even the resident memory understates a thread's cost: each one also reserves address
# space for its stack (the megabytes printed above, the ``ulimit -s`` default on
# Linux), is a task the kernel schedules, and counts against the kernel's cap on
# threads.
#
# Take-away: a coroutine is cheaper to start than a thread and needs a fraction of its
# memory: that is why one loop can hold thousands of requests.
