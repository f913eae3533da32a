"""
Cancellation swallowed, and cancellation done right
===================================================

A cancelled task is asked to stop by an exception, and a coroutine can catch it.  You
will see one that catches it and carries on keep a ``TaskGroup`` waiting and make
``asyncio.timeout`` powerless; then the fix (let it through), and ``uncancel()`` for the
rare coroutine that must refuse a cancellation.
"""

# %%
# Where a ``CancelledError`` lands
# --------------------------------
# ``task.cancel()`` schedules :exc:`asyncio.CancelledError` to be thrown into the task
# at the ``await`` where it is suspended.  Since Python 3.8 it derives from
# :exc:`BaseException`, not :exc:`Exception`, so ``except Exception`` lets it through,
# on purpose: a handler for errors must not stop a cancellation.

import asyncio
import time

STEP = 0.05
ROUNDS = 6

print(f"CancelledError is an Exception: {issubclass(asyncio.CancelledError, Exception)}")
print(f"CancelledError's bases: {asyncio.CancelledError.__mro__[1:]}")

# %%
# The bug: catch it and carry on
# ------------------------------
# ``stubborn`` does its work in rounds, and treats a cancellation as one more error to
# log and retry.  (A real one would loop forever; this one stops after six rounds so
# that the page ends.)  Next to it in a :class:`asyncio.TaskGroup`, a sibling fails
# after half a round, so the group cancels ``stubborn`` and waits for it to end.

log: list[str] = []


async def stubborn(rounds: int = ROUNDS) -> None:
    for _ in range(rounds):
        try:
            await asyncio.sleep(STEP)  # one round of work
            log.append("round")
        except asyncio.CancelledError:
            log.append("cancelled")  # logged, and swallowed: the bug


async def fail_soon() -> None:
    await asyncio.sleep(STEP / 2)
    raise ValueError("a sibling failed")


async def in_a_group(worker) -> float:
    log.clear()
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(worker())
            group.create_task(fail_soon())
    except* ValueError:
        pass
    return time.perf_counter() - start


group_seconds = asyncio.run(in_a_group(stubborn))
stubborn_log = list(log)
print(f"the group ended after {group_seconds:.2f} s; the worker's log: {stubborn_log}")

# %%
# The sibling failed after 0.025 s, yet the group could only end when ``stubborn``
# chose to.

from conc_examples.claims import claim, needs_python

rounds_after = stubborn_log[stubborn_log.index("cancelled") + 1 :].count("round")
claim(
    "The TaskGroup waited for the child that swallowed its cancellation",
    rounds_after == ROUNDS - 1 and group_seconds >= (ROUNDS - 1) * STEP,
    measured=f"{rounds_after} rounds of work after the cancel, {group_seconds:.2f} s",
    expected=f"{ROUNDS - 1} rounds after it, at least {(ROUNDS - 1) * STEP:.2f} s",
)

# %%
# ``asyncio.timeout`` is a cancel scope, and it cannot stop it either
# -------------------------------------------------------------------
# :func:`asyncio.timeout` works by cancelling the task when time is up, then turning
# the ``CancelledError`` that comes out of its block into :exc:`TimeoutError`.  When
# nothing comes out, it has nothing to turn: no error, and the whole wait.


async def with_a_timeout() -> tuple[str, float]:
    log.clear()
    start = time.perf_counter()
    try:
        async with asyncio.timeout(STEP):
            await stubborn()
        outcome = "no error"
    except TimeoutError:
        outcome = "TimeoutError"
    return outcome, time.perf_counter() - start


timeout_outcome, timeout_seconds = asyncio.run(with_a_timeout())
print(f"timeout({STEP} s): {timeout_outcome} after {timeout_seconds:.2f} s")
claim(
    "A timeout around the swallowing coroutine neither stopped it nor raised",
    timeout_outcome == "no error" and timeout_seconds >= (ROUNDS - 1) * STEP,
    measured=f"{timeout_outcome} after {timeout_seconds:.2f} s, a {STEP} s timeout",
    expected=f"no TimeoutError, at least {(ROUNDS - 1) * STEP:.2f} s",
)

# %%
# The fix: clean up, then let it through
# --------------------------------------
# Catch :exc:`~asyncio.CancelledError` only to clean up, and end the handler with a bare
# ``raise`` (or use ``finally``, which re-raises by itself).


async def polite(rounds: int = ROUNDS) -> None:
    for _ in range(rounds):
        try:
            await asyncio.sleep(STEP)
            log.append("round")
        except asyncio.CancelledError:
            log.append("cancelled")  # clean up here...
            raise  # ...and let the cancellation through


group_seconds_fixed = asyncio.run(in_a_group(polite))
polite_log = list(log)
print(f"the group ended after {group_seconds_fixed:.2f} s; the worker's log: {polite_log}")
claim(
    "Re-raised, the cancellation ended the child at once, and the group with it",
    polite_log == ["cancelled"],
    measured=f"log {polite_log}, the group ended after {group_seconds_fixed:.2f} s",
    expected="cancelled in its first round, no round after",
)

# %%
# When you must refuse a cancellation: ``uncancel()``
# ---------------------------------------------------
# Each ``cancel()`` adds one to the task's count of pending cancellations,
# :meth:`~asyncio.Task.cancelling`; ``asyncio.timeout`` and ``TaskGroup`` read it to
# tell their own cancellation from one that came from outside.  A coroutine that
# suppresses a cancellation on purpose must also call :meth:`~asyncio.Task.uncancel`
# (3.11+), or the count stays up.  Since Python 3.13 a ``TaskGroup`` that fails while
# the count is up takes it for a live cancellation from outside, and cancels the task
# again.


async def refuse_then_use_a_group(uncancel: bool) -> tuple[int, str]:
    me = asyncio.current_task()
    me.cancel()  # stands for a cancellation from outside
    try:
        await asyncio.sleep(STEP)
    except asyncio.CancelledError:
        if uncancel:
            me.uncancel()  # the refusal, recorded
    pending = me.cancelling()
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(fail_soon())
    except* ValueError:
        pass
    try:
        await asyncio.sleep(0)
        return pending, "ran on"
    except asyncio.CancelledError:
        return pending, "cancelled again"


async def in_a_task_of_its_own(uncancel: bool) -> tuple[int, str]:
    return await asyncio.create_task(refuse_then_use_a_group(uncancel))


for uncancel in (False, True):
    pending, after = asyncio.run(in_a_task_of_its_own(uncancel))
    print(f"uncancel()={uncancel}: cancelling() = {pending}; after a failed group: {after}")
    if not uncancel:
        claim(
            "Without uncancel(), the refused cancellation still counted as pending",
            pending == 1,
            measured=f"cancelling() = {pending}",
            expected="1",
        )
        claim(
            "Without uncancel(), a failing TaskGroup cancelled the task again",
            after == "cancelled again",
            measured=f"the next await: {after}",
            expected="cancelled again",
            needs=needs_python((3, 13), "a TaskGroup re-cancels a task with one pending"),
        )
    else:
        claim(
            "With uncancel(), the task ran on after the failing TaskGroup",
            pending == 0 and after == "ran on",
            measured=f"cancelling() = {pending}, the next await: {after}",
            expected="0, ran on",
        )

# %%
# Take-away: a coroutine that swallows ``CancelledError`` holds up everything that
# cancels it (above, the group waited through the rounds counted after the cancel);
# clean up and ``raise``, and pair any deliberate refusal with ``uncancel()``.
