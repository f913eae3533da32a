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


async def call_from_a_thread(debug: bool, schedule: str) -> tuple[float, float, str]:
    """Schedule a callback from a thread: how long until it ran, how long before the
    loop's timer was due the thread asked, and any error."""
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
    timer_due = time.perf_counter() + 0.3
    thread.start()
    await asyncio.sleep(0.3)  # the loop's next timer: nothing else would wake it
    thread.join(timeout=5)
    loop.set_debug(False)
    if len(times) < 2:
        return float("nan"), float("nan"), error
    return times[1] - times[0], timer_due - times[0], error


unsafe_delay, timer_was, _ = asyncio.run(call_from_a_thread(False, "call_soon"))
print(f"call_soon from a thread:         ran {unsafe_delay * 1000:5.0f} ms later")

# %%
# The thread asked when the loop's timer was still ``timer_was`` seconds away; if the
# callback waited about that long, it ran only because the timer woke the loop.

from conc_examples.claims import claim

claim(
    "A bare call_soon from a thread ran only when the loop's timer woke it",
    unsafe_delay > timer_was - 0.01,
    measured=f"ran {unsafe_delay * 1000:.0f} ms after the call,"
    f" the timer was due {timer_was * 1000:.0f} ms after it",
    expected="not before the timer",
)

# %%
# Nothing crashed; the callback just ran late, when the timer woke the loop.  Worse
# can happen: the loop's data structures are not protected against two threads at
# once.  In debug mode the loop checks which thread calls it and refuses:

_, _, refusal = asyncio.run(call_from_a_thread(True, "call_soon"))
print("in debug mode:", refusal)
claim(
    "In debug mode the loop refused a call from another thread",
    "Non-thread-safe operation" in refusal,
    measured=f"RuntimeError: {refusal}" if refusal else "no error",
    expected="a RuntimeError",
)

# %%
# The fix: the threadsafe calls
# -----------------------------
# :meth:`loop.call_soon_threadsafe <asyncio.loop.call_soon_threadsafe>` queues the
# callback *and* wakes the loop (it writes a byte to a socket the loop watches).

safe_delay, timer_was, _ = asyncio.run(call_from_a_thread(False, "call_soon_threadsafe"))
print(f"call_soon_threadsafe:            ran {safe_delay * 1000:5.1f} ms later")
claim(
    "call_soon_threadsafe woke the loop before its timer was due",
    safe_delay < timer_was,
    measured=f"ran {safe_delay * 1000:.1f} ms after the call,"
    f" the timer was due {timer_was * 1000:.0f} ms after it",
    expected="before the timer",
)

# %%
# For a coroutine, and its result, use :func:`asyncio.run_coroutine_threadsafe`: it
# returns a :class:`concurrent.futures.Future` that the thread may wait on, with a
# timeout; if the wait times out, cancel the future, or the coroutine runs on with no
# one to read its result.  The other way round, :func:`asyncio.to_thread` runs a
# blocking function in a thread and lets the loop go on: the ticker keeps ticking.


async def lookup(key: str) -> str:
    await asyncio.sleep(0.05)  # e.g. a query on the loop's database connection
    return key.upper()


def blocking_worker(loop: asyncio.AbstractEventLoop) -> str:
    time.sleep(0.1)  # blocking work, fine in a thread
    future = asyncio.run_coroutine_threadsafe(lookup("answer"), loop)
    try:
        return future.result(timeout=5)  # this thread waits; the loop does not
    except TimeoutError:
        future.cancel()  # cancels the task in the loop too
        raise


async def ticker(ticks: list[float]) -> None:
    while True:
        ticks.append(time.perf_counter())
        await asyncio.sleep(0.02)


async def both_ways() -> tuple[str, int]:
    ticks: list[float] = []
    tick_task = asyncio.create_task(ticker(ticks))
    answer = await asyncio.to_thread(blocking_worker, asyncio.get_running_loop())
    tick_task.cancel()
    await asyncio.gather(tick_task, return_exceptions=True)
    return answer, len(ticks)


thread_answer, ticks_meanwhile = asyncio.run(both_ways())
print(f"the thread got {thread_answer!r}; the loop ticked {ticks_meanwhile} times")
claim(
    "The thread got the coroutine's answer while the loop kept ticking",
    thread_answer == "ANSWER" and ticks_meanwhile >= 3,
    measured=f"{thread_answer!r}, {ticks_meanwhile} ticks in the meantime",
    expected="'ANSWER', at least 3 ticks (one per 20 ms of the 150 ms)",
)

# %%
# Take-away: from a thread, touch the loop only through ``call_soon_threadsafe``
# (it ran within the milliseconds claimed above, where a bare ``call_soon`` waited for
# the timer) and ``run_coroutine_threadsafe``; from the loop, hand blocking work to
# ``asyncio.to_thread``.
