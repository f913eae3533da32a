"""
Tasks run on their own
======================

A bare coroutine runs only while someone awaits it.  A :term:`task` runs on its own:
:func:`asyncio.create_task` hands the coroutine to the :term:`event loop`, which runs
it whenever the code that made it waits.  You will see two waits overlap once one of
them is a task, keep your tasks alive while they run, and (Python 3.12) meet a task
that is finished before ``create_task`` returns.
"""

# %%
# ``create_task``: start now, collect later
# -----------------------------------------
# The task starts at the next ``await`` of the code that made it, and runs while that
# code waits on something else.  Awaiting the task later gives you its result.

import asyncio
import sys
import time

STEP = 0.1


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

# %%
# Eager tasks (3.12)
# ------------------
# A new task normally waits for the next turn of the loop before it runs its first
# step.  Python 3.12 added ``asyncio.eager_task_factory``: with it, ``create_task``
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
print(f"default tasks: done right after create_task: {default_done}")
if sys.version_info >= (3, 12):
    eager_done = asyncio.run(with_eager_tasks())
    print(f"eager tasks:   done right after create_task: {eager_done}")
else:
    print(f"eager tasks need Python 3.12; this is {sys.version.split()[0]}")

# %%
# Take-away: two waits of 0.2 s took about 0.2 s once one was a task (the time
# printed first).  Keep a reference to every task until it ends (a set with
# ``add_done_callback(set.discard)``, or a ``TaskGroup``); the set above was empty
# again once all three messages were delivered.
