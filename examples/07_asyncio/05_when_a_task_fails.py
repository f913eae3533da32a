"""
When one task fails: ``gather`` or ``TaskGroup``
================================================

Several tasks run at once, and one of them raises.  What happens to the others?  With
:func:`asyncio.gather` you will see them go on running, unsupervised; with
:class:`asyncio.TaskGroup` (Python 3.11) you will see them cancelled, and every error
raised together.
"""

# %%
# The pattern
# -----------
# Start the tasks inside an :class:`asyncio.TaskGroup`: the ``async with`` ends only
# when every task has, and if one fails, the group cancels the others and raises every
# error together.  ``asyncio.timeout`` around it bounds the whole group.

import asyncio


async def fetch(name: str, seconds: float = 0.1) -> str:  # stands for any awaited work
    await asyncio.sleep(seconds)
    return f"{name} done"


async def fetch_all(names: list[str]) -> list[str]:
    async with asyncio.timeout(10):
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetch(name)) for name in names]
    return [task.result() for task in tasks]


print(asyncio.run(fetch_all(["a", "b", "c"])))

# %%
# ``gather`` raises the first error, and leaves the rest running
# --------------------------------------------------------------
# :func:`asyncio.gather` returns all results in order.  When one awaitable raises,
# ``gather`` raises that exception at once, but it does **not** cancel the others.
# Here you wait for the slow one by hand.  Forget it, and it runs on with nobody to
# see its result or its error, until :func:`asyncio.run` cancels it on the way out.

import time

STEP = 0.1


async def fail(message: str, seconds: float = STEP / 2) -> str:
    await asyncio.sleep(seconds)
    raise ValueError(message)


async def gather_raises_first_error() -> bool:
    slow = asyncio.create_task(fetch("slow one", 2 * STEP))
    broken = asyncio.create_task(fail("bad input"))
    try:
        await asyncio.gather(slow, broken)
    except ValueError as error:
        print(f"  gather raised: ValueError({error})")
    still_running = not slow.done()
    print(f"  the slow one still running after the error: {still_running}")
    print(f"  waiting for it anyway: {await slow!r}")
    return still_running


sibling_left_running = asyncio.run(gather_raises_first_error())

from conc_examples.claims import claim

claim(
    "gather raised the first error and left the slow sibling running",
    sibling_left_running,
    measured=f"the slow one still running after the error: {sibling_left_running}",
    expected="True",
)

# %%
# With ``return_exceptions=True``, ``gather`` waits for everything and hands you each
# exception as a result, in its place.  Nothing is raised: you must look.


async def gather_returns_exceptions() -> list[object]:
    return await asyncio.gather(fetch("one"), fail("bad input"), return_exceptions=True)


results = asyncio.run(gather_returns_exceptions())
print(f"  return_exceptions=True: {results!r}")
claim(
    "With return_exceptions, gather handed the error back in its place",
    [type(result).__name__ for result in results] == ["str", "ValueError"],
    measured=f"results: {[type(result).__name__ for result in results]}",
    expected="['str', 'ValueError']",
)

# %%
# ``TaskGroup``: one fails, the rest are cancelled
# ------------------------------------------------
# :class:`asyncio.TaskGroup` is structured concurrency: no task outlives the
# ``async with`` block.  When one task fails, the group cancels its siblings, waits
# for them to finish, and raises every error together in an :exc:`ExceptionGroup`.
# ``except*`` picks the errors of one type out of the group.

cancelled: list[str] = []


async def careful_fetch(name: str) -> str:
    try:
        return await fetch(name, 3 * STEP)
    except asyncio.CancelledError:
        cancelled.append(name)
        raise  # a cancelled task must let the cancellation through


async def task_group() -> float:
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(careful_fetch("sibling 1"))
            group.create_task(careful_fetch("sibling 2"))
            group.create_task(fail("broken record"))
    except* ValueError as errors:
        for error in errors.exceptions:
            print(f"  except* ValueError caught: {error!r}")
    return time.perf_counter() - start


taskgroup_seconds = asyncio.run(task_group())
print(f"  cancelled: {cancelled}")
print(f"  the group ended after {taskgroup_seconds:.2f} s, not {3 * STEP:.1f} s")
claim(
    "The TaskGroup cancelled both siblings and ended at the failure, not after them",
    sorted(cancelled) == ["sibling 1", "sibling 2"] and taskgroup_seconds < 2.5 * STEP,
    measured=f"cancelled {sorted(cancelled)}; ended after {taskgroup_seconds:.2f} s",
    expected=f"both cancelled, under {2.5 * STEP:.2f} s (the siblings take {3 * STEP:.1f})",
)

# %%
# Take-away: prefer :class:`asyncio.TaskGroup` to a bare ``gather``: a failure
# cancels the siblings and ends the group at once, while ``gather`` leaves them
# running after its error.
