"""
Subroutines run to the end; coroutines pause
============================================

A plain function is a *subroutine*: it has one way in (the call) and one way out (the
``return``), and once called it runs to its end before the caller gets control back.
A :term:`coroutine` (``async def``) can stop half-way at each ``await``, hand control
back to whoever is driving it, and later resume exactly where it stopped, with its
local variables intact.  That pause is what lets one thread keep many tasks in
progress: while one waits, another runs.
"""

# %%
# A subroutine: one entry, one exit
# ---------------------------------
# Calling a function runs its whole body; the caller sees nothing until it returns.

import asyncio
import gc
import re
import time
import warnings


def add_numbers(numbers: list[int]) -> int:
    total = 0
    for number in numbers:
        total += number
    return total


print(f"add_numbers([1, 2, 3]) = {add_numbers([1, 2, 3])}")

# %%
# Calling a coroutine function runs nothing
# -----------------------------------------
# Calling an ``async def`` function does not run its body: it builds a *coroutine
# object*, a paused computation that has not taken its first step.  The list below
# stays empty until someone drives the coroutine.

steps: list[str] = []


class Pause:
    """Suspend the coroutine awaiting it once, when you drive it by hand (below).

    Under asyncio it fails: a task accepts only a future (or a bare ``yield``, what
    ``asyncio.sleep(0)`` does), and anything else ends it with RuntimeError "Task got
    bad yield".
    """

    def __await__(self):
        yield "paused"


async def count_up(numbers: list[int]) -> int:
    total = 0
    for number in numbers:
        total += number
        steps.append(f"added {number}, total so far {total}")
        await Pause()
    return total


paused = count_up([1, 2, 3])
print(f"count_up([1, 2, 3]) returned {type(paused).__name__} object; steps so far: {steps}")

# %%
# Driving a coroutine by hand
# ---------------------------
# :meth:`~coroutine.send` runs the coroutine up to its next suspension point and
# returns what it yielded there.  Between two sends the coroutine is frozen, and its
# local variable ``total`` survives each pause: that is the "resume with its state"
# a subroutine cannot do.  When the body returns, ``send`` raises
# :exc:`StopIteration` carrying the return value.  An :term:`event loop` does exactly
# this, for many coroutines at once.

resumes = 0
while True:
    try:
        paused.send(None)
    except StopIteration as finished:
        result = finished.value
        break
    resumes += 1
    print(f"suspended after step {resumes}: {steps[-1]!r}; the caller runs now")
print(f"returned {result} after {resumes} suspensions")

from conc_examples.claims import claim

claim(
    "The coroutine resumed where it paused each time, with its running total intact",
    (resumes, result) == (3, 6) and steps[-1] == "added 3, total so far 6",
    measured=f"{resumes} suspensions, returned {result}; last step {steps[-1]!r}",
    expected="3 suspensions, 1 + 2 + 3 = 6",
)

# %%
# A chain of coroutines on the event loop
# ---------------------------------------
# ``print_sum`` awaits ``add``, which awaits :func:`asyncio.sleep`, standing in for a
# slow server.  :func:`asyncio.run` starts an event loop, drives the outer coroutine to
# the end and closes the loop.  Two chains gathered together share the waiting: both
# start before either finishes, so the pair takes one wait, not two.

SERVER_DELAY = 0.2


async def add(a: int, b: int) -> int:
    print(f"  add({a}, {b}) asks the server and waits")
    await asyncio.sleep(SERVER_DELAY)
    return a + b


async def print_sum(a: int, b: int) -> None:
    result = await add(a, b)
    print(f"  {a} + {b} = {result}")


async def two_sums() -> None:
    await asyncio.gather(print_sum(1, 2), print_sum(3, 4))


start = time.perf_counter()
asyncio.run(two_sums())
two_sums_seconds = time.perf_counter() - start
print(f"two sums with a {SERVER_DELAY} s wait each took {two_sums_seconds:.2f} s")
claim(
    "The two gathered chains waited at the same time",
    two_sums_seconds < 1.5 * SERVER_DELAY,
    measured=f"{two_sums_seconds:.2f} s for two waits of {SERVER_DELAY} s",
    expected=f"about one wait (under {1.5 * SERVER_DELAY:.2f} s), not two",
)

# %%
# The forgotten ``await``
# -----------------------
# Leave out the ``await`` and ``add(5, 6)`` builds a coroutine object that nobody
# drives.  Its body never runs, and no error is raised where the mistake is.  Python
# notices only when the object is thrown away: it issues a :exc:`RuntimeWarning`,
# "coroutine ... was never awaited", usually on stderr and long after the mistake.
# Here you catch it with :class:`warnings.catch_warnings` (and :func:`gc.collect`
# finalizes the abandoned object now) to print it.


async def forgetful() -> None:
    add(5, 6)  # the missing await is the lesson
    print("  forgetful() went on without the sum")


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    asyncio.run(forgetful())
    gc.collect()
never_awaited = [str(w.message) for w in caught if "never awaited" in str(w.message)]
for message in never_awaited:
    print(f"RuntimeWarning: {message.splitlines()[0]}")
first_lines = [message.splitlines()[0] for message in never_awaited]
claim(
    "Nothing failed where the await was missing: Python only warned, afterwards",
    first_lines == ["coroutine 'add' was never awaited"],
    measured=f"warnings: {first_lines}",
    expected="one RuntimeWarning naming add",
)

# %%
# No "add(5, 6) asks the server" line appeared above: the body of ``add`` never ran.
#
# The warning names the coroutine but not where you made the mistake.  asyncio's
# *debug mode* makes every coroutine remember where it was created, and the warning
# then ends with that place.  Turn it on with ``python -X dev``,
# ``PYTHONASYNCIODEBUG=1``, ``asyncio.run(..., debug=True)``, or from inside, as here,
# with :meth:`loop.set_debug() <asyncio.loop.set_debug>` (it takes effect at the
# loop's next turn, hence the ``sleep(0)``).


async def forgetful_in_debug_mode() -> None:
    asyncio.get_running_loop().set_debug(True)
    await asyncio.sleep(0)
    await forgetful()


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    asyncio.run(forgetful_in_debug_mode())
    gc.collect()
debug_warning = next(str(w.message) for w in caught if "never awaited" in str(w.message))
created_in = re.findall(r"line \d+, in (\w+)", debug_warning)[-1]
print(f"debug mode: the forgotten coroutine was created in {created_in}()")
claim(
    "Debug mode named the function where the forgotten coroutine was created",
    created_in == "forgetful",
    measured=f"created in {created_in}()",
    expected="forgetful()",
)

# %%
# Take-away: a coroutine is a function that can pause at ``await`` and resume with its
# state; calling it only creates it, and something (``await``, a task, or
# :func:`asyncio.run`) must drive it, or it silently does nothing but warn.
