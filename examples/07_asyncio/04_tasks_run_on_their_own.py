"""
Tasks run on their own
======================

A bare coroutine runs only while someone awaits it.  A :term:`task` runs on its own:
:func:`asyncio.create_task` hands the coroutine to the :term:`event loop`, which runs
it once the code that made it suspends.  You will see when a task starts, two waits
overlap once one of them is a task, keep your tasks alive while they run, and (Python
3.12) meet a task that is finished before ``create_task`` returns.
"""

# %%
# When does a task start?
# -----------------------
# :func:`asyncio.create_task` only schedules the task's first step.  The loop runs it
# when the code that made the task next *suspends*, giving the loop control: at an
# ``await`` on something not ready yet (a sleep, a socket, ``asyncio.sleep(0)``).  An
# ``await`` of a coroutine that returns without suspending never reaches the loop, so
# the task has not started when it returns.

import asyncio
import sys
import time

from conc_examples.claims import claim, needs_python

STEP = 0.1


async def note(log: list[str], what: str) -> None:
    log.append(what)  # no await: returns without suspending


async def when_does_it_start() -> list[str]:
    log: list[str] = []
    task = asyncio.create_task(note(log, "the task ran"))
    await note(log, "main awaited a coroutine that did not suspend")
    await asyncio.sleep(0)  # suspends: the loop runs the task now
    log.append("main resumed after suspending")
    await task
    return log


order = asyncio.run(when_does_it_start())
print(*order, sep="\n")
claim(
    "The task started when its maker suspended, not at its maker's first await",
    order.index("the task ran") == 1,
    measured=" -> ".join(order),
    expected="the task's step between main's two steps",
)

# %%
# ``create_task``: start now, collect later
# -----------------------------------------
# So a task runs while the code that made it waits on something else.  Awaiting the
# task later gives you its result.


async def fetch(name: str, seconds: float = STEP) -> str:
    await asyncio.sleep(seconds)
    return f"{name} done"


async def start_now_collect_later() -> float:
    start = time.perf_counter()
    background = asyncio.create_task(fetch("background", 2 * STEP))
    print(f"  main: {await fetch('main', 2 * STEP)}")
    print(f"  main: {await background}")
    return time.perf_counter() - start


create_task_seconds = asyncio.run(start_now_collect_later())
print(f"two waits of {2 * STEP:.1f} s took {create_task_seconds:.2f} s")
claim(
    "Once one of the two waits was a task, they overlapped",
    create_task_seconds < 1.5 * 2 * STEP,
    measured=f"{create_task_seconds:.2f} s for two waits of {2 * STEP:.1f} s",
    expected=f"under {3 * STEP:.1f} s, where one after the other take {4 * STEP:.1f} s",
)

# %%
# Keep a reference to every task
# ------------------------------
# The loop holds only a *weak* reference to each task.  A task that nothing else
# references can be garbage collected before it finishes, in the middle of an
# ``await``: its work silently stops, and all you get is "Task was destroyed but it is
# pending!" on stderr, if anything.  So "fire and forget" needs a keeper: put each
# task in a set, and let the task remove itself when it is done.
# (:class:`asyncio.TaskGroup`, on the next page, keeps its tasks for you.)

background_tasks: set[asyncio.Task[None]] = set()
delivered: list[str] = []


async def deliver(message: str) -> None:
    await asyncio.sleep(STEP)
    delivered.append(message)


async def fire_and_forget() -> None:
    for number in range(3):
        task = asyncio.create_task(deliver(f"message {number}"))
        background_tasks.add(task)  # a strong reference while it runs
        task.add_done_callback(background_tasks.discard)  # dropped when it ends
    print(f"  {len(background_tasks)} tasks running, each held by the set")
    await asyncio.gather(*background_tasks)


asyncio.run(fire_and_forget())
still_held = len(background_tasks)
print(f"delivered: {delivered}; tasks still held: {still_held}")
claim(
    "Every task delivered its message, and the set let go of each when it ended",
    len(delivered) == 3 and still_held == 0,
    measured=f"{len(delivered)} messages delivered, {still_held} tasks still held",
    expected="3 delivered, 0 held",
)

# %%
# Eager tasks (3.12)
# ------------------
# A new task normally waits for the next turn of the loop before it runs its first
# step.  Python 3.12 added :func:`asyncio.eager_task_factory`: with it, ``create_task``
# runs the coroutine at once, up to its first real suspension.  A coroutine that never
# suspends (a cache hit, say) is finished before ``create_task`` returns, and the loop
# never has to schedule it.  Look at ``task.done()`` right after ``create_task``, with
# and without the factory.

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
eager_done = asyncio.run(with_eager_tasks()) if sys.version_info >= (3, 12) else None
print(f"done right after create_task: default {default_done}, eager {eager_done}")
claim(
    "A task that never suspends was not done right after a plain create_task",
    default_done is False,
    measured=f"task.done() was {default_done}",
    expected="False: its first step waits for the loop's next turn",
)
claim(
    "With eager tasks it was done before create_task returned",
    eager_done is True,
    measured=f"task.done() was {eager_done}",
    expected="True",
    needs=needs_python((3, 12), "asyncio.eager_task_factory"),
)

# %%
# Take-away: a task runs whenever the code that made it suspends, so two waits
# overlap once one is a task.  Keep a reference to every task until it ends (a set
# with ``add_done_callback(set.discard)``, or a ``TaskGroup``).
