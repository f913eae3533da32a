"""
Tasks: starting, failing, cancelling and timing out
===================================================

A bare coroutine runs only while someone awaits it.  A :term:`task` runs on its own:
:func:`asyncio.create_task` hands the coroutine to the :term:`event loop`, which runs
it whenever the current task waits.  Once several tasks run at once, four questions
follow: how to collect their results, what happens when one fails, how to stop one,
and how to give up on one that takes too long.  This page answers each with the
tools of Python 3.11+ and shows the traps of the older ones.
"""

# %%
# ``create_task``: start now, collect later
# -----------------------------------------
# The task starts at the next ``await`` of the code that made it, and runs while that
# code waits on something else.  Awaiting the task later returns its result.

import asyncio
import sys
import time

from conc_examples.results import record

STEP = 0.1


async def fetch(name: str, seconds: float = STEP) -> str:
    await asyncio.sleep(seconds)
    return f"{name} done"


async def start_now_collect_later() -> None:
    start = time.perf_counter()
    background = asyncio.create_task(fetch("background", 2 * STEP))
    print(f"  main: {await fetch('main', 2 * STEP)}")
    print(f"  main: {await background}")
    elapsed = time.perf_counter() - start
    print(f"  two waits of {2 * STEP:.1f} s took {elapsed:.2f} s")
    record("create_task_elapsed_over_wait", elapsed / (2 * STEP))


asyncio.run(start_now_collect_later())

# %%
# ``gather``: and when one of them fails?
# ---------------------------------------
# :func:`asyncio.gather` returns all results in order.  When one awaitable raises,
# ``gather`` raises that exception at once, but it does **not** cancel the others:
# they keep running, unsupervised.  Here we wait for them by hand; forgetting them
# leaves tasks running, or destroyed while pending when the loop closes.


async def fail(message: str, seconds: float = STEP / 2) -> str:
    await asyncio.sleep(seconds)
    raise ValueError(message)


async def gather_raises_first_error() -> None:
    tasks = [
        asyncio.create_task(fetch("slow one", 2 * STEP)),
        asyncio.create_task(fail("bad input")),
    ]
    try:
        await asyncio.gather(*tasks)
    except ValueError as error:
        print(f"  gather raised: ValueError({error})")
    print(f"  the slow one still running after the error: {not tasks[0].done()}")
    record("gather_left_sibling_running", not tasks[0].done())
    print(f"  waiting for it anyway: {await tasks[0]!r}")


async def gather_returns_exceptions() -> None:
    results = await asyncio.gather(fetch("one"), fail("bad input"), return_exceptions=True)
    print(f"  return_exceptions=True: {results!r}")
    record("return_exceptions_types", [type(r).__name__ for r in results])


asyncio.run(gather_raises_first_error())
asyncio.run(gather_returns_exceptions())

# %%
# ``TaskGroup``: one fails, the rest are cancelled (3.11)
# -------------------------------------------------------
# :class:`asyncio.TaskGroup` is structured concurrency: no task outlives the
# ``async with`` block.  When one task fails, the group cancels its siblings, waits
# for them to finish, and raises every error together in an :exc:`ExceptionGroup`.
# ``except*`` picks the errors of one type out of the group.

events: list[str] = []


async def careful_fetch(name: str) -> str:
    try:
        return await fetch(name, 3 * STEP)
    except asyncio.CancelledError:
        events.append(f"{name} was cancelled")
        raise  # a cancelled task must let the cancellation through


async def task_group() -> None:
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(careful_fetch("sibling 1"))
            group.create_task(careful_fetch("sibling 2"))
            group.create_task(fail("broken record"))
    except* ValueError as errors:
        for error in errors.exceptions:
            print(f"  except* ValueError caught: {error!r}")
    elapsed = time.perf_counter() - start
    print(f"  {events}, the group ended after {elapsed:.2f} s, not {3 * STEP:.1f} s")
    record("taskgroup_cancelled", sorted(events))
    record("taskgroup_elapsed", elapsed)


asyncio.run(task_group())

# %%
# Cancelling a task: clean up in ``finally``
# ------------------------------------------
# :meth:`asyncio.Task.cancel` throws :exc:`asyncio.CancelledError` into the task at
# the ``await`` where it is waiting.  A ``finally`` block (or ``async with``) is where
# the task releases what it holds; the canceller sees the task end as cancelled.


async def hold_a_connection(log: list[str]) -> None:
    log.append("connection opened")
    try:
        await asyncio.sleep(10)  # would wait 10 s: it is cancelled long before
    finally:
        log.append("connection closed in finally")


async def cancel_a_task() -> None:
    log: list[str] = []
    task = asyncio.create_task(hold_a_connection(log))
    await asyncio.sleep(STEP)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"  awaiting it raised CancelledError; task.cancelled() = {task.cancelled()}")
    print(f"  {log}")
    record("cancel_cleanup", log)


asyncio.run(cancel_a_task())

# %%
# Timeouts: ``asyncio.timeout`` (3.11) and ``wait_for``
# -----------------------------------------------------
# Both cancel the work when time is up and raise :exc:`TimeoutError`.
# :func:`asyncio.timeout` is a context manager around any block of awaits;
# :func:`asyncio.wait_for` wraps one awaitable.


async def timeouts() -> None:
    start = time.perf_counter()
    try:
        async with asyncio.timeout(STEP):
            await fetch("too slow", 10)
    except TimeoutError:
        elapsed = time.perf_counter() - start
        print(f"  asyncio.timeout({STEP}) gave up after {elapsed:.2f} s")
        record("timeout_elapsed", elapsed)
    start = time.perf_counter()
    try:
        await asyncio.wait_for(fetch("too slow", 10), timeout=STEP)
    except TimeoutError:
        elapsed = time.perf_counter() - start
        print(f"  asyncio.wait_for(..., timeout={STEP}) gave up after {elapsed:.2f} s")
        record("wait_for_elapsed", elapsed)


asyncio.run(timeouts())

# %%
# ``shield``: give up waiting, not the work
# -----------------------------------------
# Sometimes the waiter may give up but the work must finish (a payment being
# written).  :func:`asyncio.shield` protects the inner task from the cancellation of
# whoever awaits it.  The task still needs an owner: we await it before the loop ends.


async def shielded() -> None:
    payment = asyncio.create_task(fetch("payment", 2 * STEP))
    try:
        async with asyncio.timeout(STEP):
            await asyncio.shield(payment)
    except TimeoutError:
        print(f"  the waiter timed out; payment still running: {not payment.done()}")
    print(f"  and it completes: {await payment!r}")
    record("shield_result", payment.result())


asyncio.run(shielded())

# %%
# Eager tasks (3.12)
# ------------------
# A new task normally waits for the next turn of the loop before running its first
# step.  Python 3.12 added ``asyncio.eager_task_factory``: with it,
# ``create_task`` runs the coroutine at once, up to its first real suspension.  A
# coroutine that never suspends (a cache hit, say) is finished before
# ``create_task`` returns, and the loop never has to schedule it.  The measurement:
# ``task.done()`` right after ``create_task``, with and without the factory.

cache = {"answer": 42}


async def lookup(key: str) -> int:
    if key in cache:
        return cache[key]  # no await: finishes in its first step
    await asyncio.sleep(STEP)
    return 0


async def done_right_after_create_task() -> bool:
    task = asyncio.create_task(lookup("answer"))
    finished_at_once = task.done()
    await task
    return finished_at_once


async def with_eager_tasks() -> bool:
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    return await done_right_after_create_task()


default_done = asyncio.run(done_right_after_create_task())
print(f"  default tasks: done right after create_task: {default_done}")
record("default_done_at_once", default_done)
if sys.version_info >= (3, 12):
    eager_done = asyncio.run(with_eager_tasks())
    print(f"  eager tasks:   done right after create_task: {eager_done}")
    record("eager_done_at_once", eager_done)
else:
    print(f"  eager tasks need Python 3.12; this is {sys.version.split()[0]}")

# %%
# Take-away: prefer :class:`asyncio.TaskGroup` to bare ``gather``: above, a failure
# cancelled its siblings and nothing outlived the block, while ``gather`` left the
# slow task running.  Cancellation arrives at an ``await``, so release resources in
# ``finally``; bound every wait with :func:`asyncio.timeout`.
