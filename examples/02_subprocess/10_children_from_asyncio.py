"""
Children from asyncio
=====================

Waiting for a child is waiting, like waiting for a network: an :term:`event loop`
can wait for many at once.  :func:`asyncio.create_subprocess_exec` starts a child and
returns an :class:`asyncio.subprocess.Process` whose output streams and ``wait()`` are
awaited instead of blocking.  One :term:`coroutine` per child can then read that
child's output line by line as it arrives, each with its own timeout, while the others
carry on.
"""

# %%
# The children
# ------------
# Each child is the ticker program: it prints a numbered line at a fixed interval and
# flushes it at once.  Three of them, with different speeds; the slowest would need
# 2 s, more than its 0.8 s allowance.
#
# .. literalinclude:: /../conc_examples/work/child_programs.py
#    :pyobject: ticker

import asyncio
import sys
import time

from conc_examples.claims import claim
from conc_examples.work.child_programs import command

# name: (lines, seconds between lines, timeout)
JOBS = {"fast": (3, 0.1, 2.0), "medium": (4, 0.15, 2.0), "slow": (10, 0.2, 0.8)}

# %%
# One coroutine per child
# -----------------------
# ``async for line in child.stdout`` hands over each line as soon as the child has
# written it.  :func:`asyncio.timeout` (Python 3.11+) bounds reading and waiting
# together; when it expires, the child is killed and *awaited*, so it is collected
# like any other.  The ``finally`` makes sure of that even if the coroutine is
# cancelled.


async def follow(name: str, lines: int, interval: float, timeout: float, origin: float):
    began = time.perf_counter()
    child = await asyncio.create_subprocess_exec(
        *command("ticker", name, lines, interval), stdout=asyncio.subprocess.PIPE
    )
    received = []
    try:
        async with asyncio.timeout(timeout):
            async for raw in child.stdout:
                received.append(raw.decode().strip())
                print(f"{time.perf_counter() - origin:5.2f} s  {received[-1]}")
            await child.wait()
    except TimeoutError:
        print(
            f"{time.perf_counter() - origin:5.2f} s  {name}: no end after {timeout} s, kill"
        )
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    return name, child.returncode, len(received), time.perf_counter() - began


# %%
# All at once
# -----------
# :func:`asyncio.gather` runs the three coroutines concurrently.  The printed times
# show the lines of the three children interleaved, in the order they were written.


async def main() -> list[tuple[str, int, int, float]]:
    origin = time.perf_counter()
    return await asyncio.gather(*(follow(name, *job, origin) for name, job in JOBS.items()))


started = time.perf_counter()
outcomes = asyncio.run(main())
elapsed = time.perf_counter() - started
for name, status, count, seconds in outcomes:
    print(f"{name:<7} exit status {status:>3}, {count} of {JOBS[name][0]} lines read,"
          f" {seconds:.2f} s")  # fmt: skip
ended = {name: (status, count) for name, status, count, _ in outcomes}
killed = -9 if sys.platform != "win32" else 1
claim(
    "The fast and medium children finished within their timeouts, every line read",
    ended["fast"] == (0, 3) and ended["medium"] == (0, 4),
    measured=f"fast {ended['fast']}, medium {ended['medium']} (status, lines)",
    expected="(0, 3) and (0, 4)",
)
claim(
    "The slow child was killed at its timeout, after the lines it had printed",
    ended["slow"][0] == killed and ended["slow"][1] < 10,
    measured=f"status {ended['slow'][0]}, {ended['slow'][1]} of 10 lines",
    expected=f"status {killed}, fewer than 10 lines",
)

# %%
# One after another, the three children would take the sum of their own times (each
# timed from its start to its end, so a slow start on a busy machine counts in both):

one_by_one = sum(seconds for *_, seconds in outcomes)
print(f"all three done in {elapsed:.2f} s; one by one would take {one_by_one:.2f} s")
claim(
    "The three children together took less time than one after another",
    elapsed < 0.8 * one_by_one,
    measured=f"{elapsed:.2f} s, against {one_by_one:.2f} s for their own times added up",
    expected="under 80 % of the sum",
)

# %%
# The event loop waited for all three at once.
# :func:`asyncio.create_subprocess_shell` is the shell-string variant, with the same
# hazards as ``shell=True`` (see :doc:`08_safe_arguments`).
#
# Take-away: in asyncio, start children with :func:`asyncio.create_subprocess_exec`,
# read their output as it arrives, bound each with :func:`asyncio.timeout`, and
# always await the child after killing it.
