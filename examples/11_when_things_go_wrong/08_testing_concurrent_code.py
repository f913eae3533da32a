"""
Testing concurrent code without luck
====================================

A test that waits with ``sleep`` passes on a quiet laptop and fails on a busy CI
machine.  You will run one 30 times with the machine's slowness simulated and count
its failures, then make it wait for an :class:`~threading.Event` and count again.
Last, an asyncio test with plain :func:`asyncio.run` that checks concurrency
without timing anything.
"""

# %%
# The code under test
# -------------------
# A cache refreshes itself in a background thread.  How long that takes depends on
# the machine: ``delay`` stands for it.  The cache sets an event when it is done; the
# flaky test ignores it, the fixed test waits for it.

import threading
import time


class Cache:
    def __init__(self) -> None:
        self.value = "stale"
        self.refreshed = threading.Event()

    def refresh_in_background(self, delay: float) -> threading.Thread:
        def refresh() -> None:
            time.sleep(delay)  # the slow part: a query, a download, a busy machine
            self.value = "fresh"
            self.refreshed.set()

        thread = threading.Thread(target=refresh)
        thread.start()
        return thread


# %%
# The flaky test
# --------------
# It sleeps 10 ms, "long enough" where it was written, and then looks.  To see what
# a loaded machine does to it, the refresh takes a random 0-20 ms in each of 30
# runs (seeded, so every build draws the same delays).

import random


def test_refresh_with_sleep(delay: float) -> bool:
    cache = Cache()
    thread = cache.refresh_in_background(delay)
    time.sleep(0.01)  # "surely done by now"
    passed = cache.value == "fresh"
    thread.join(timeout=5)
    return passed


RUNS = 30
delays = [random.Random(run).uniform(0, 0.02) for run in range(RUNS)]
sleep_failures = sum(not test_refresh_with_sleep(delay) for delay in delays)
print(f"waiting with sleep:    {sleep_failures} of {RUNS} runs failed")

from conc_examples.claims import claim

claim(
    "The test that waits with sleep failed some runs and passed others",
    0 < sleep_failures < RUNS,
    measured=f"{sleep_failures} of {RUNS} runs failed",
    expected="some, not all",
)

# %%
# The same code, the same delays: whether it passes depends on which finished first,
# the sleep or the refresh.  A longer sleep only makes the failures rarer and every
# run slower.
#
# The fix: wait for the event, not for time
# -----------------------------------------
# Wait for the thing itself: :meth:`threading.Event.wait` returns as soon as the
# refresh is done, however long that takes.  Its timeout is only a bound for a real
# bug (it returns ``False`` then, and the test fails clearly instead of hanging).


def test_refresh_with_event(delay: float) -> bool:
    cache = Cache()
    thread = cache.refresh_in_background(delay)
    finished = cache.refreshed.wait(timeout=5)
    passed = finished and cache.value == "fresh"
    thread.join(timeout=5)
    return passed


start = time.perf_counter()
event_failures = sum(not test_refresh_with_event(delay) for delay in delays)
event_seconds = time.perf_counter() - start
print(f"waiting for an Event:  {event_failures} of {RUNS} runs failed")
print(f"{RUNS} runs took {event_seconds:.2f} s: each waited only as long as its refresh")
claim(
    "The test that waits for the event failed no run",
    event_failures == 0,
    measured=f"{event_failures} of {RUNS} runs failed",
    expected="none",
)

# %%
# When a test must make two threads meet (both inside the code at once, to provoke
# a race), use a :class:`threading.Barrier`: each waits at it until all have come,
# instead of sleeping and hoping they overlap.
#
# An asyncio test with plain asyncio.run
# --------------------------------------
# A test of async code needs no plugin: a plain test function calls
# :func:`asyncio.run`.  (pytest-asyncio adds ``async def`` tests and fixtures
# that share a loop; this site does not need them.)  The claim here is that
# ``fetch_all`` runs its fetches *at once*.  Instead of timing it, the fake fetch
# waits at a gate that opens only when all three have started: run one after another
# they could never all start, and the timeout would fail the test.

import asyncio


async def fetch_all(urls: list[str], fetch) -> list[str]:
    return await asyncio.gather(*(fetch(url) for url in urls))


def test_fetch_all_runs_fetches_concurrently() -> list[str]:
    urls = ["a", "b", "c"]
    started: list[str] = []
    all_started = asyncio.Event()

    async def fake_fetch(url: str) -> str:
        started.append(url)
        if len(started) == len(urls):
            all_started.set()
        await all_started.wait()  # only opens once every fetch is running
        return url.upper()

    async def scenario() -> list[str]:
        return await asyncio.wait_for(fetch_all(urls, fake_fetch), timeout=5)

    results = asyncio.run(scenario())
    assert results == ["A", "B", "C"]
    return started


concurrent_starts = test_fetch_all_runs_fetches_concurrently()
print("all fetches started before any finished:", concurrent_starts)
claim(
    "All three fetches started before any finished",
    concurrent_starts == ["a", "b", "c"],
    measured=f"started {concurrent_starts}",
    expected="['a', 'b', 'c']",
)

# %%
# Take-away: never wait for time in a test; wait for the event that says it
# happened (the claims above: the sleep failed some runs, the event none), and
# assert concurrency by a rendezvous, not a stopwatch.
