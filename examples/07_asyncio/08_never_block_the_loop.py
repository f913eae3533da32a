"""
Never block the event loop
==========================

An :term:`event loop` runs one task at a time and switches only at an ``await``.  A
call that blocks without awaiting (:func:`time.sleep`, a synchronous HTTP client, a
long computation) keeps the loop from switching until it returns: every other task
freezes, however ready it is.  You will watch a heartbeat task freeze, then move the
blocking call off the loop, to a thread for blocking I/O and to a process for
:term:`CPU-bound` work.
"""

# %%
# A heartbeat measures the loop's lag
# -----------------------------------
# The heartbeat asks to wake every 10 ms and notes how late it actually woke.  On a
# free loop it is late by a fraction of a millisecond.  While another task blocks the
# loop, the heartbeat cannot run, and its lag grows to the length of the block.
# ``worst_lag`` runs a job beside the heartbeat and returns the heartbeat's worst lag.

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor

from conc_examples.charts import plotting
from conc_examples.work.blocking import compute_for

BEAT = 0.010
BLOCK = 0.12


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
# Waiting the right way, and the wrong way
# ----------------------------------------
# The same 0.12 s wait, three ways: awaited (:func:`asyncio.sleep` suspends the task
# and frees the loop), blocking (:func:`time.sleep` inside the coroutine holds the
# loop for all of it), and handed to a thread (:func:`asyncio.to_thread` runs the
# blocking call in the loop's default thread pool and awaits the result).


async def awaited_sleep() -> None:
    await asyncio.sleep(BLOCK)


async def blocking_sleep() -> None:
    time.sleep(BLOCK)  # the mistake: no await, the loop is stuck here


async def sleep_in_thread() -> None:
    await asyncio.to_thread(time.sleep, BLOCK)


# %%
# CPU-bound work: threads are not enough
# --------------------------------------
# Computing blocks the loop just the same.  A thread takes the work off the loop, but
# under the :term:`GIL` the thread and the loop take turns on one interpreter, so each
# heartbeat may wait for its turn.  A process pool computes in another process, with
# its own interpreter, and leaves this one to the loop (on a busy machine the loop
# still shares the CPUs with the child).  ``compute_for`` computes for 0.12 s however
# fast the machine is.  It lives in an importable module: the docs build, Jupyter and
# the REPL have no importable ``__main__`` for a ``spawn`` child to find it in.  (Your
# own ``python script.py`` does: ``spawn`` re-imports it as ``__mp_main__``, which is
# why the measuring below sits under ``if __name__ == "__main__":``.)
#
# .. literalinclude:: /../conc_examples/work/blocking.py
#    :pyobject: compute_for


async def compute_in_loop() -> None:
    compute_for(BLOCK)


async def compute_in_thread() -> None:
    await asyncio.to_thread(compute_for, BLOCK)


async def compute_in_process() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(pool, compute_for, BLOCK)


# %%
# Measured
# --------
# Each job runs three times beside the heartbeat.  asyncio's *debug mode* watches for
# this mistake too: it logs every step of a task that held the loop longer than
# ``loop.slow_callback_duration`` (0.1 s).  ``measure_lags`` turns debug mode on, and
# returns each job's worst lags with the steps debug mode flagged.  The pool's worker
# is started first, so that only the computing is measured.

from conc_examples.measure.timing import measure_lags

JOBS = {
    "asyncio.sleep": awaited_sleep,
    "time.sleep in the loop": blocking_sleep,
    "time.sleep in a thread": sleep_in_thread,
    "CPU work in the loop": compute_in_loop,
    "CPU work in a thread": compute_in_thread,
    "CPU work in a process": compute_in_process,
}

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(compute_for, 0).result(timeout=60)
        lags = asyncio.run(measure_lags(worst_lag, JOBS, repeat=3))
    free = lags["asyncio.sleep"].median
    for label, lag in lags.items():
        flagged = f"; debug mode flagged {len(lag.flagged)} steps" if lag.flagged else ""
        times_free = f"{lag.median / free:.0f}x the free loop's"
        print(f"{label:<22} worst lag {lag.median:6.1f} ms, {times_free}{flagged}")
    plotting.bar_chart(
        {  # from the free loop to the frozen one: the legend stays clear of the bars
            label.replace(" in ", "\nin "): lag
            for label, lag in sorted(lags.items(), key=lambda item: item[1].median)
        },
        title=f"Heartbeat's worst lag while a {BLOCK} s job runs",
        ideal=BLOCK * 1000,
        ideal_label="loop frozen for the whole job (ms)",
        ylabel="worst heartbeat lag (ms), median of 3",
    )
    plotting.show()

# %%
# Take-away: one ``time.sleep`` or computation inside a coroutine froze the
# heartbeat for the whole call (the ratios above, against the free loop).  Await
# instead of blocking; send blocking I/O to :func:`asyncio.to_thread`, and CPU-bound
# work to a process pool with :meth:`~asyncio.loop.run_in_executor`.  Debug mode
# (``python -X dev``, ``PYTHONASYNCIODEBUG=1``) names the tasks that held the loop.
