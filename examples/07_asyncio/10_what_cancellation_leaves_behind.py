"""
What cancellation leaves behind
===============================

Cancelling stops a task, but not always where you expect.  You will see a task
cancelled before its first step skip its own ``finally`` (and leak what its caller
handed it), work under :func:`asyncio.shield` cancelled anyway when ``asyncio.run``
ends, and queue workers that never end until the queue is shut down.
"""

# %%
# Cancelled before it starts: no ``finally``
# ------------------------------------------
# ``create_task`` only schedules the coroutine; its first line runs at the loop's next
# turn.  Cancel it before then, and the ``CancelledError`` is thrown in before the
# first line: the ``try`` was never entered, so its ``finally`` never runs.  A
# connection the caller opened and handed over, for the task to close, stays open.

import asyncio
import sys

STEP = 0.05
opened: list[str] = []


async def use_and_close(connection: str) -> None:
    try:
        await asyncio.sleep(STEP)  # use it
    finally:
        opened.remove(connection)  # the task closes what it was handed


async def cancel_before_start() -> bool:
    opened.append("connection 1")  # the caller opens it
    task = asyncio.create_task(use_and_close("connection 1"))
    task.cancel()  # before the loop has run a single step of it
    await asyncio.gather(task, return_exceptions=True)
    return task.cancelled()


was_cancelled = asyncio.run(cancel_before_start())
leaked = list(opened)
print(f"task cancelled: {was_cancelled}; still open afterwards: {leaked}")

# %%
# (With the eager task factory of Python 3.12, :func:`asyncio.eager_task_factory`, a
# task runs up to its first ``await`` inside ``create_task``, and this gap closes.)

from conc_examples.claims import claim, needs_python

claim(
    "A task cancelled before its first step never ran its finally",
    was_cancelled and leaked == ["connection 1"],
    measured=f"cancelled {was_cancelled}, left open {leaked}",
    expected="cancelled, one connection left open",
)

# %%
# The fix: a task owns what it opens.  Open the connection inside the task, in
# ``async with`` or right before its ``try``; cancelled early, it never opened it.


async def open_use_close(connection: str) -> None:
    opened.append(connection)  # the task opens it...
    try:
        await asyncio.sleep(STEP)
    finally:
        opened.remove(connection)  # ...and closes it, whenever it is cancelled


async def cancel_the_owner() -> list[str]:
    early = asyncio.create_task(open_use_close("connection 2"))
    late = asyncio.create_task(open_use_close("connection 3"))
    early.cancel()  # before its first step
    await asyncio.sleep(STEP / 5)
    late.cancel()  # while it waits
    await asyncio.gather(early, late, return_exceptions=True)
    return list(opened)


opened.clear()
left_open = asyncio.run(cancel_the_owner())
print(f"cancelled early and late; still open: {left_open}")
claim(
    "A task that opens what it closes left nothing open, however early it was cancelled",
    left_open == [],
    measured=f"still open: {left_open}",
    expected="nothing",
)

# %%
# ``shield``: the waiter gives up, and who waits for the work?
# ------------------------------------------------------------
# :func:`asyncio.shield` keeps a timeout from cancelling the work inside it, but the
# work is still a task of this loop.  If nothing awaits it, ``asyncio.run`` cancels
# it on its way out, like every task left over: the save you shielded is lost.

saves: list[str] = []


async def save(name: str) -> None:
    try:
        await asyncio.sleep(2 * STEP)
        saves.append(f"{name} saved")
    except asyncio.CancelledError:
        saves.append(f"{name} cancelled")
        raise


async def shield_and_leave(wait_for_it: bool) -> None:
    work = asyncio.create_task(save("order 1" if not wait_for_it else "order 2"))
    try:
        async with asyncio.timeout(STEP):
            await asyncio.shield(work)
    except TimeoutError:
        pass  # the waiter gives up; the work goes on
    if wait_for_it:
        await work  # the fix: whoever shielded it waits for it, after the timeout


asyncio.run(shield_and_leave(wait_for_it=False))
asyncio.run(shield_and_leave(wait_for_it=True))
print(f"what became of the shielded saves: {saves}")
claim(
    "A shielded task nobody awaited was cancelled when asyncio.run ended",
    saves == ["order 1 cancelled", "order 2 saved"],
    measured=f"{saves}",
    expected="order 1 cancelled, order 2 (awaited after the timeout) saved",
    why="in Jupyter the kernel's loop never ends, so nothing cancels order 1: it runs on",
)

# %%
# Workers that never end, and ``Queue.shutdown()``
# ------------------------------------------------
# A worker loops on ``await queue.get()``.  When the work runs out, it waits forever
# for more: nothing tells it the producer is done.  Before Python 3.13 you cancel the
# workers or send each one a sentinel.  :meth:`asyncio.Queue.shutdown` (3.13) tells
# them: once the queue is empty, ``get()`` raises :exc:`asyncio.QueueShutDown`.
# (``shutdown(immediate=True)`` drops what is still queued.)


async def worker(queue: asyncio.Queue, done: list[int]) -> str:
    shut_down = getattr(asyncio, "QueueShutDown", ())  # () before 3.13: catches nothing
    try:
        while True:
            done.append(await queue.get())
    except shut_down:
        return "ended on shutdown"


async def workers_and_a_queue(shutdown: bool) -> tuple[int, int, list[str]]:
    queue, done = asyncio.Queue(), []
    for item in range(10):
        queue.put_nowait(item)
    workers = [asyncio.create_task(worker(queue, done)) for _ in range(3)]
    if shutdown:
        queue.shutdown()  # no more items: get() raises once the queue is empty
    finished, waiting = await asyncio.wait(workers, timeout=STEP)
    for task in waiting:
        task.cancel()  # the old way out
    await asyncio.gather(*workers, return_exceptions=True)
    return len(done), len(waiting), [t.result() for t in finished]


items, stuck, endings = asyncio.run(workers_and_a_queue(shutdown=False))
print(f"without shutdown: {items} items done, {stuck} workers still waiting after {STEP} s")
claim(
    "Workers on a drained queue were still waiting, and had to be cancelled",
    items == 10 and stuck == 3,
    measured=f"{items} items done, {stuck} of 3 workers waiting after {STEP} s",
    expected="10 done, 3 waiting",
)

if sys.version_info >= (3, 13):
    items, stuck, endings = asyncio.run(workers_and_a_queue(shutdown=True))
    print(f"with shutdown(): {items} items done, each worker {endings}")
claim(
    "After shutdown() every worker ended on its own once the queue was drained",
    items == 10 and stuck == 0 and endings == ["ended on shutdown"] * 3,
    measured=f"{items} items done, {stuck} workers cancelled, {len(endings)} ended",
    expected="10 done, 0 cancelled, 3 ended on shutdown",
    needs=needs_python((3, 13), "asyncio.Queue.shutdown"),
)

# %%
# Take-away: cancellation skips a ``finally`` that never started, cancels shielded
# work nobody awaits, and cannot tell a worker that the work is over: above, a task
# leaked the connection it was handed, and only ``shutdown()`` ended the workers.
