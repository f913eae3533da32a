"""
Cancelling a task, and giving up after a timeout
================================================

Sooner or later you stop waiting: the user went away, or the server is too slow.  You
will see a cancelled task clean up in ``finally``, two ways to give up after a
timeout, and :func:`asyncio.shield`, which lets the waiter give up but not the work.
"""

# %%
# Cancelling a task: clean up in ``finally``
# ------------------------------------------
# :meth:`asyncio.Task.cancel` throws :exc:`asyncio.CancelledError` into the task, at
# the ``await`` where it is waiting.  A ``finally`` block (or an ``async with``) is
# where the task releases what it holds; whoever awaits the task sees it end as
# cancelled.

import asyncio
import time

STEP = 0.1
connection_log: list[str] = []


async def hold_a_connection() -> None:
    connection_log.append("connection opened")
    try:
        await asyncio.sleep(10)  # would wait 10 s: it is cancelled long before
    finally:
        connection_log.append("connection closed in finally")


async def cancel_a_task() -> None:
    task = asyncio.create_task(hold_a_connection())
    await asyncio.sleep(STEP)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"  awaiting it raised CancelledError; task.cancelled() = {task.cancelled()}")


asyncio.run(cancel_a_task())
print(f"  {connection_log}")

from conc_examples.claims import claim

claim(
    "The cancelled task still closed its connection in finally",
    connection_log == ["connection opened", "connection closed in finally"],
    measured=f"log: {connection_log}",
    expected="opened, then closed in finally",
)

# %%
# Timeouts: ``asyncio.timeout`` (3.11) and ``wait_for``
# -----------------------------------------------------
# Both cancel the work when time is up and raise :exc:`TimeoutError`.
# :func:`asyncio.timeout` is a context manager around any block of awaits;
# :func:`asyncio.wait_for` wraps one awaitable.  Each gives up on a 10 s wait.


async def fetch(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return f"{name} done"


async def timeouts() -> dict[str, float]:
    gave_up_after = {}
    start = time.perf_counter()
    try:
        async with asyncio.timeout(STEP):
            await fetch("too slow", 10)
    except TimeoutError:
        gave_up_after["asyncio.timeout"] = time.perf_counter() - start
    start = time.perf_counter()
    try:
        await asyncio.wait_for(fetch("too slow", 10), timeout=STEP)
    except TimeoutError:
        gave_up_after["asyncio.wait_for"] = time.perf_counter() - start
    return gave_up_after


gave_up_after = asyncio.run(timeouts())
for how, seconds in gave_up_after.items():
    print(f"  {how}({STEP} s) gave up after {seconds:.2f} s")
claim(
    "Both timeouts gave up on the long wait soon after their time was up",
    len(gave_up_after) == 2
    and all(0.9 * STEP < s < 10 * STEP for s in gave_up_after.values()),
    measured=", ".join(f"{how} {s:.2f} s" for how, s in gave_up_after.items()),
    expected=f"each about {STEP} s and under {10 * STEP:.0f} s, not the 10 s wait",
)

# %%
# ``shield``: give up waiting, not the work
# -----------------------------------------
# Sometimes the waiter may give up but the work must finish (a payment being
# written).  :func:`asyncio.shield` protects the inner task from the cancellation of
# whoever awaits it.  The task still needs an owner: you await it before the loop
# ends.


async def shielded() -> str:
    payment = asyncio.create_task(fetch("payment", 2 * STEP))
    try:
        async with asyncio.timeout(STEP):
            await asyncio.shield(payment)
    except TimeoutError:
        print(f"  the waiter timed out; payment still running: {not payment.done()}")
    return await payment


payment_result = asyncio.run(shielded())
print(f"  and it completes: {payment_result!r}")
claim(
    "The shielded payment completed although its waiter timed out",
    payment_result == "payment done",
    measured=f"the payment task returned {payment_result!r}",
    expected="'payment done'",
)

# %%
# Take-away: cancellation arrives at an ``await``, so release resources in
# ``finally``; bound every wait with :func:`asyncio.timeout`; and shield only the work
# that must finish, and await it.
