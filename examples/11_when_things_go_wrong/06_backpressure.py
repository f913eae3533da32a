"""
Backpressure: a producer that waits for its consumers
=====================================================

You will hand 10,000 jobs to a thread pool at once and measure the memory that
holds them all, then hand them out through a window of 100 and measure again.  Then
an asyncio producer outruns a slow consumer, with and without a bounded queue.
"""

# %%
# Submitting everything at once
# -----------------------------
# :meth:`~concurrent.futures.Executor.submit` never waits: it queues the job and
# returns a :class:`~concurrent.futures.Future` at once.  The usual loop,
# ``futures = [pool.submit(...) for ...]``, keeps every future (and, later, every
# result) until the end, and the pool's queue keeps every argument the workers have
# not reached yet.  Here each argument is a 200-byte record, and :mod:`tracemalloc`
# reports the peak of the memory that Python allocated.

import tracemalloc
from concurrent.futures import ThreadPoolExecutor

JOBS = 10_000


def work(record: bytes) -> int:
    return len(record)


def peak_mib(run) -> float:
    """The peak of Python's allocations, in MiB, while ``run()`` runs."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def all_at_once() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(work, bytes(200)) for _ in range(JOBS)]
        assert sum(f.result() for f in futures) == 200 * JOBS


unbounded_mib = peak_mib(all_at_once)
print(f"all at once:     peak {unbounded_mib:6.1f} MiB")

# %%
# A window: at most 100 jobs in flight
# ------------------------------------
# Make the producer wait.  A :class:`threading.BoundedSemaphore` counts the jobs in
# flight: the producer takes one before each submit, and each future gives its one
# back when it is done.  When 100 are in flight the producer blocks: that is
# :term:`backpressure`, the consumers' pace pushing back on the producer.  The wait
# has a timeout, and its result is checked: a producer that went on after a timeout
# would break the window without a word.

import threading

WINDOW = 100


def in_a_window() -> None:
    slots = threading.BoundedSemaphore(WINDOW)
    total = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(JOBS):
            if not slots.acquire(timeout=10):  # waits while WINDOW jobs are in flight
                raise TimeoutError("no job finished in 10 s: are the workers stuck?")
            future = pool.submit(work, bytes(200))
            future.add_done_callback(lambda f: slots.release())
            total += 200  # the result would be used here; the future is let go
    assert total == 200 * JOBS


windowed_mib = peak_mib(in_a_window)
memory_ratio = unbounded_mib / windowed_mib
print(f"window of {WINDOW}:   peak {windowed_mib:6.1f} MiB  ({memory_ratio:.0f}x less)")

# %%
# :mod:`tracemalloc` counts bytes, not seconds: a busy machine cannot move it.

from conc_examples.claims import claim, needs_python

claim(
    "The window held a small fraction of the memory that submitting all at once did",
    memory_ratio > 10 and windowed_mib < 5,
    measured=f"{windowed_mib:.1f} MiB against {unbounded_mib:.1f} MiB",
    expected="over 10 times less, and under 5 MiB",
)

# %%
# Same jobs, same pool; the window keeps at most 100 futures and arguments alive at
# a time, and lets each future go once it is done.  A loop around
# ``wait(pending, return_when=FIRST_COMPLETED)`` (:func:`concurrent.futures.wait`)
# is the other common way to keep such a window.
#
# From Python 3.14, :meth:`Executor.map <concurrent.futures.Executor.map>` takes
# ``buffersize=``: it submits only that many jobs ahead of the results you have
# read.

import sys


def mapped_in_a_window() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(work, (bytes(200) for _ in range(JOBS)), buffersize=WINDOW)
        assert sum(results) == 200 * JOBS


mapped_mib = peak_mib(mapped_in_a_window) if sys.version_info >= (3, 14) else 0.0
claim(
    "map(buffersize=) held a small fraction of the memory, as the window did",
    mapped_mib < unbounded_mib / 10,
    measured=f"{mapped_mib:.1f} MiB against {unbounded_mib:.1f} MiB all at once",
    expected="over 10 times less",
    needs=needs_python((3, 14), "Executor.map(buffersize=)"),
)

# %%
# A fast producer, a slow consumer
# --------------------------------
# In :mod:`asyncio` the same happens with a queue.  ``put`` on an unbounded
# :class:`asyncio.Queue` never waits, so a producer that never has to wait runs
# ahead of its consumer and the queue grows to hold everything.  With ``maxsize``,
# ``put`` waits while the queue is full: the producer goes at the consumer's pace.

import asyncio

ITEMS = 2_000


async def pipeline(maxsize: int) -> int:
    queue: asyncio.Queue = asyncio.Queue(maxsize=maxsize)
    largest = 0

    async def producer() -> None:
        for item in range(ITEMS):
            await queue.put(item)  # waits only if the queue is bounded and full
        await queue.put(None)

    async def consumer() -> None:
        nonlocal largest
        while (await queue.get()) is not None:
            largest = max(largest, queue.qsize())
            await asyncio.sleep(0)  # the consumer is the slow side

    await asyncio.wait_for(asyncio.gather(producer(), consumer()), timeout=30)
    return largest


unbounded_queue_largest = asyncio.run(pipeline(maxsize=0))
bounded_queue_largest = asyncio.run(pipeline(maxsize=10))
print(f"unbounded queue: up to {unbounded_queue_largest} items waiting")
print(f"maxsize=10:      up to {bounded_queue_largest} items waiting")
claim(
    "The bounded queue never held more than its maxsize",
    bounded_queue_largest <= 10,
    measured=f"up to {bounded_queue_largest} items",
    expected="at most 10",
)
claim(
    "Without a bound the producer ran far ahead of the consumer",
    unbounded_queue_largest > 100,
    measured=f"up to {unbounded_queue_largest} items waiting",
    expected="over 100 of the 2,000",
)

# %%
# Take-away: a producer that never waits makes memory hold everything it produced
# (the claims above: the window's fraction of the memory, the bounded queue's 10
# items against the unbounded one's hundreds); bound what is in flight.
