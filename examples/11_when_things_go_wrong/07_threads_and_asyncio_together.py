"""
Threads and asyncio together
============================

A worker thread hands work to a running event loop, and the loop hands blocking work
to a thread.  You will see the two calls that are safe across that border, and what
happens when a thread touches the loop directly: the loop does not notice until its
next timer, or, in debug mode, refuses.
"""

# %%
# The failure: a thread calls the loop directly
# ---------------------------------------------
# An event loop is not thread-safe.  While it has nothing to do it sleeps in the
# operating system (``select``), until a socket or its next timer wakes it.
# :meth:`loop.call_soon <asyncio.loop.call_soon>` from another thread puts the callback
# in the loop's list but does not wake it: here the loop's next timer is 0.3 s away,
# so the callback waits that long.  Debug mode is set explicitly on this loop, because
# ``python -X dev`` and ``PYTHONASYNCIODEBUG`` would turn it on for you.

import asyncio
import threading
import time


async def call_from_a_thread(debug: bool, schedule: str) -> tuple[float, str]:
    """Schedule a callback from a thread; how long until it ran, and any error."""
    loop = asyncio.get_running_loop()
    loop.set_debug(debug)
    times: list[float] = []  # when the thread asked, when the callback ran
    error = ""

    def from_thread() -> None:
        nonlocal error
        time.sleep(0.05)  # by now the loop sleeps, waiting for its next timer
        times.append(time.perf_counter())
        try:  # loop.call_soon, or loop.call_soon_threadsafe
            getattr(loop, schedule)(lambda: times.append(time.perf_counter()))
        except RuntimeError as refused:
            error = str(refused)

    thread = threading.Thread(target=from_thread)
    thread.start()
    await asyncio.sleep(0.3)  # the loop's next timer: nothing else would wake it
    thread.join(timeout=5)
    loop.set_debug(False)
    return (times[1] - times[0] if len(times) == 2 else float("nan")), error


unsafe_delay, _ = asyncio.run(call_from_a_thread(False, "call_soon"))
print(f"call_soon from a thread:         ran {unsafe_delay * 1000:5.0f} ms later")

# %%
# Nothing crashed; the callback just ran late, when the timer woke the loop.  Worse
# can happen: the loop's data structures are not protected against two threads at
# once.  In debug mode the loop checks which thread calls it and refuses:

_, refusal = asyncio.run(call_from_a_thread(True, "call_soon"))
print("in debug mode:", refusal)

# %%
# The fix: the threadsafe calls
# -----------------------------
# :meth:`loop.call_soon_threadsafe <asyncio.loop.call_soon_threadsafe>` queues the
# callback *and* wakes the loop (it writes a byte to a socket the loop watches).


safe_delay, _ = asyncio.run(call_from_a_thread(False, "call_soon_threadsafe"))
print(f"call_soon_threadsafe:            ran {safe_delay * 1000:5.1f} ms later")

# %%
# For a coroutine, and its result, use :func:`asyncio.run_coroutine_threadsafe`: it
# returns a :class:`concurrent.futures.Future` that the thread may wait on, with a
# timeout.  The other way round, :func:`asyncio.to_thread` runs a blocking function
# in a thread and lets the loop go on meanwhile: the ticker below keeps ticking.


async def lookup(key: str) -> str:
    await asyncio.sleep(0.05)  # e.g. a query on the loop's database connection
    return key.upper()


def blocking_worker(loop: asyncio.AbstractEventLoop) -> str:
    time.sleep(0.1)  # blocking work, fine in a thread
    future = asyncio.run_coroutine_threadsafe(lookup("answer"), loop)
    return future.result(timeout=5)  # this thread waits; the loop does not


async def ticker(ticks: list[float]) -> None:
    while True:
        ticks.append(time.perf_counter())
        await asyncio.sleep(0.02)


async def both_ways() -> tuple[str, int]:
    ticks: list[float] = []
    tick_task = asyncio.create_task(ticker(ticks))
    answer = await asyncio.to_thread(blocking_worker, asyncio.get_running_loop())
    tick_task.cancel()
    return answer, len(ticks)


thread_answer, ticks_meanwhile = asyncio.run(both_ways())
print(f"the thread got {thread_answer!r}; the loop ticked {ticks_meanwhile} times")

# %%
# Take-away: from a thread, touch the loop only through ``call_soon_threadsafe``
# (it ran within the milliseconds printed above, against a quarter of a second for
# a bare ``call_soon``) and ``run_coroutine_threadsafe``; from the loop, hand blocking
# work to ``asyncio.to_thread``.
