"""
Never block the event loop
==========================

An :term:`event loop` runs one task at a time and switches only at an ``await``.  A
call that blocks without awaiting (:func:`time.sleep`, a synchronous HTTP client, a
long computation) keeps the loop from switching until it returns: every other task
freezes, however ready it is.  This page measures the freeze with a heartbeat task,
then moves the blocking call off the loop: to a thread with :func:`asyncio.to_thread`
for blocking I/O, to a process pool with :meth:`~asyncio.loop.run_in_executor` for
:term:`CPU-bound` work.
"""

# %%
# A heartbeat measures the loop's lag
# -----------------------------------
# The heartbeat task asks to wake every 10 ms and notes how late it actually woke.  On
# a free loop it is late by a fraction of a millisecond.  While another task blocks
# the loop, the heartbeat cannot run, and its lag grows to the length of the block.
# ``worst_lag`` runs a job beside the heartbeat and returns the heartbeat's worst lag.

import asyncio
import logging
import re
import textwrap
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor

from conc_examples import plotting
from conc_examples.blocking import compute_for
from conc_examples.results import record
from conc_examples.timing import Timing

BEAT = 0.010
BLOCK = 0.3
REPEAT = 3


async def heartbeat(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + BEAT
        await asyncio.sleep(BEAT)
        lags.append(loop.time() - due)


async def worst_lag(job: Callable[[], Awaitable[object]]) -> float:
    lags: list[float] = []
    stop = asyncio.Event()
    monitor = asyncio.create_task(heartbeat(lags, stop))
    await asyncio.sleep(2 * BEAT)  # a few beats before the job starts
    await job()
    stop.set()
    await monitor
    return max(lags)


# %%
# asyncio's debug mode watches for this mistake: it logs a warning for every step of
# a task that held the loop longer than ``loop.slow_callback_duration`` (0.1 s by
# default).  We run every measurement in debug mode and collect those warnings from
# the ``asyncio`` logger, to print them here rather than on stderr.


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


SLOW_STEP = re.compile(r"took ([0-9.]+) seconds")


def measure_lag(job: Callable[[], Awaitable[object]]) -> tuple[Timing, list[str]]:
    """Worst heartbeat lag of REPEAT runs, in ms, and the debug mode's slow-step reports."""
    asyncio_logger = logging.getLogger("asyncio")
    collect = Collect()
    asyncio_logger.addHandler(collect)
    asyncio_logger.propagate = False
    try:
        lags = [asyncio.run(worst_lag(job), debug=True) for _ in range(REPEAT)]
    finally:
        asyncio_logger.removeHandler(collect)
        asyncio_logger.propagate = True
    slow = [float(m.group(1)) for m in map(SLOW_STEP.search, collect.messages) if m]
    return Timing.of(lags).scaled(1000), slow


results: dict[str, Timing] = {}


def report(label: str, job: Callable[[], Awaitable[object]]) -> None:
    lag, slow = measure_lag(job)
    results[label] = lag
    flagged = (
        f"; debug mode flagged {len(slow)} steps of {min(slow):.2f}+ s" if slow else ""
    )
    print(f"{label:<31} worst lag {lag.median:6.1f} ms{flagged}")
    record(f"slow_steps[{label}]", len(slow))


# %%
# Waiting the right way, and the wrong way
# ----------------------------------------
# The same 0.3 s wait, three ways: awaited (:func:`asyncio.sleep` suspends the task and
# frees the loop), blocking (:func:`time.sleep` inside the coroutine holds the loop
# for all of it), and handed to a thread (:func:`asyncio.to_thread` runs the blocking
# call in the loop's default thread pool and awaits the result).
#
# The ``if __name__ == "__main__":`` guards on this page keep a ``spawn`` child of
# the process pool below, which imports this script, from running the measurements.

if __name__ == "__main__":

    async def awaited_sleep() -> None:
        await asyncio.sleep(BLOCK)

    async def blocking_sleep() -> None:
        time.sleep(BLOCK)  # the mistake: no await, the loop is stuck here

    async def sleep_in_thread() -> None:
        await asyncio.to_thread(time.sleep, BLOCK)

    report("await asyncio.sleep", awaited_sleep)
    report("time.sleep in the coroutine", blocking_sleep)
    report("time.sleep in asyncio.to_thread", sleep_in_thread)

# %%
# CPU-bound work: threads are not enough
# --------------------------------------
# Computing blocks the loop just the same.  A thread takes the work off the loop,
# but under the :term:`GIL` the thread and the loop take turns on one interpreter
# (the thread is asked to let go every :func:`sys.getswitchinterval` seconds, 5 ms by
# default), so each heartbeat may wait for its turn, and the loop gets only part of
# the interpreter's time.  A process pool computes in another process, with its own
# interpreter, and leaves this one to the loop; on a busy machine the loop still
# shares the CPUs with the child.  The work computes for 0.3 s, however fast this machine
# is, so that every variant holds the CPU for the same time.  The child runs it from
# an importable module, because a ``spawn`` child cannot find a function defined in
# this script:
#
# .. literalinclude:: /../conc_examples/blocking.py
#    :pyobject: compute_for
#
# The pool's worker is started (and warmed up) before the measurement, so that only
# the computing is measured, not starting a process.

if __name__ == "__main__":

    async def compute_in_loop() -> None:
        compute_for(BLOCK)

    async def compute_in_thread() -> None:
        await asyncio.to_thread(compute_for, BLOCK)

    report("CPU work in the coroutine", compute_in_loop)
    report("CPU work in asyncio.to_thread", compute_in_thread)

    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(compute_for, 0).result(timeout=60)

        async def compute_in_process() -> None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(pool, compute_for, BLOCK)

        report("CPU work in a process pool", compute_in_process)

# %%
# Measured
# --------
# The worst lag of each, median of three runs with min-max whiskers; the dashed line
# is the length of the blocking call, the lag of a loop frozen for all of it.

if __name__ == "__main__":
    free = results["await asyncio.sleep"].median
    for label, lag in results.items():
        print(f"{label:<31} {lag.median / free:6.1f}x the free loop's lag")
    blocked_ratio = results["time.sleep in the coroutine"].median / free
    record("blocked_over_free", blocked_ratio)
    record("cpu_inline_over_free", results["CPU work in the coroutine"].median / free)
    record("to_thread_over_free", results["time.sleep in asyncio.to_thread"].median / free)
    record("process_over_free", results["CPU work in a process pool"].median / free)
    record("lags_ms", {label: lag.median for label, lag in results.items()})
    figure = plotting.bar_chart(
        {
            "\n".join(textwrap.wrap(label, 17, break_long_words=False)): lag
            for label, lag in results.items()
        },
        title=f"Heartbeat's worst lag while a {BLOCK} s job runs",
        ideal=BLOCK * 1000,
        ideal_label="loop frozen for the whole job (ms)",
        ylabel="worst heartbeat lag (ms)",
    )
    figure.axes[0].tick_params(axis="x", labelsize=8)
    plotting.show()

# %%
# Take-away: one ``time.sleep`` or computation inside a coroutine froze the heartbeat
# for the whole call (the ratios above).  Await instead of blocking; send blocking
# I/O to :func:`asyncio.to_thread`, and CPU-bound work to a process pool with
# :meth:`~asyncio.loop.run_in_executor`.  Debug mode (``asyncio.run(debug=True)``,
# ``PYTHONASYNCIODEBUG=1`` or ``python -X dev``) names the tasks that held the loop.
