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
# The pattern
# -----------
# A call that blocks (here :func:`time.sleep`, in your code a synchronous client or a
# file read) goes to a thread with :func:`asyncio.to_thread`, and the task awaits it.
# Meanwhile the loop runs every other task: below, a sleep of the same length runs
# beside it, so the two take about as long as one.

import asyncio
import time


def blocking_call(seconds: float) -> str:  # never awaits: it would stall the loop
    time.sleep(seconds)
    return "done"


async def main() -> None:
    started = time.perf_counter()
    async with asyncio.timeout(10):
        answer, _ = await asyncio.gather(
            asyncio.to_thread(blocking_call, 0.1), asyncio.sleep(0.1)
        )
    print(f"{answer!r}: both 0.1 s waits took {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":  # the process pool below imports this page again (spawn)
    asyncio.run(main())

# %%
# A heartbeat measures the loop's lag
# -----------------------------------
# The heartbeat asks to wake every 10 ms and notes how late it woke.  While another
# task blocks the loop, it cannot run, and its lag grows to the length of the block.
# ``worst_lag`` runs a job beside the heartbeat and returns the heartbeat's worst lag.

import sys
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
# blocking call in the loop's default thread pool and awaits the result).  A timeout
# around ``to_thread`` stops only the *waiting*: the call runs on in its thread, and
# ``asyncio.run`` waits for it at the end.  Give the blocking call its own timeout.


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
# it holds the :term:`GIL`: the loop's thread, woken for a beat, waits for it up to one
# :term:`switch interval` before the interpreter makes the computing thread let go,
# and again at each of the loop's turns that it takes to wake the heartbeat.  A
# process pool computes in another process, with its own interpreter.
# ``compute_for`` computes for 0.12 s however fast the machine is; it lives in an
# importable module, where a ``spawn`` child finds it even in the docs build or
# Jupyter (your ``python script.py`` is re-imported as ``__mp_main__``, hence the
# guard below).
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
# The jobs take turns beside the heartbeat, three rounds; the chart shows each job's best
# round, with whiskers to its worst.  asyncio's *debug mode* logs every step that held the
# loop over :attr:`~asyncio.loop.slow_callback_duration` (0.1 s): ``measure_lags`` turns
# it on and counts the steps it flagged.  The pool's worker is started first; the ceiling
# probe of chapter 9 asks, before and after, whether a second CPU was free.

from conc_examples.claims import claim, needs_cpus, needs_gil
from conc_examples.measure.ceiling import CeilingProbe
from conc_examples.measure.timing import measure_lags, needs_free_loop
from conc_examples.work.workloads import calibrate

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
        with CeilingProbe(2, calibrate(0.02)) as probe:  # is a second CPU free?
            probe()
            lags = asyncio.run(measure_lags(worst_lag, JOBS, repeat=3))
            probe()
    for label, lag in lags.items():
        flagged = f", debug mode flagged {len(lag.flagged)}" if lag.flagged else ""
        print(f"{label:<22} lag {lag.min:5.1f} ms best, {lag.median:5.1f} median{flagged}")
    plotting.bar_chart(
        {  # from the free loop to the frozen one: the legend stays clear of the bars
            label.replace(" in ", "\nin "): lag
            for label, lag in sorted(lags.items(), key=lambda item: item[1].median)
        },
        title=f"Heartbeat's worst lag while a {BLOCK} s job runs",
        ideal=BLOCK * 1000,
        ideal_label="loop frozen for the whole job (ms)",
        ylabel="worst heartbeat lag (ms), best of 3",
    )
    plotting.show()

# %%
# Load only makes a lag longer: a frozen loop shows on any machine, a free one only
# if the heartbeat beside ``asyncio.sleep``, in the same rounds, was not held up, and
# (beside work that computes) if a second CPU was free.

if __name__ == "__main__":
    block_ms, free = BLOCK * 1000, needs_free_loop(lags["asyncio.sleep"], under_ms=30)
    second_cpu = needs_cpus(probe.ceiling().speedup)
    frozen = {job: lags[job].min for job in JOBS if job.endswith("in the loop")}
    claim(
        "A blocking call inside a coroutine froze the heartbeat for about the whole call",
        min(frozen.values()) > 0.8 * block_ms,
        measured=", ".join(f"{job} {ms:.0f} ms" for job, ms in frozen.items()),
        expected=f"over 80 % of the {block_ms:.0f} ms call, every round",
    )
    claim(
        "Handed to a thread, the sleep left the heartbeat free",
        lags["time.sleep in a thread"].min < block_ms / 4,
        measured=f"{lags['time.sleep in a thread'].min:.1f} ms late (best of 3)",
        expected=f"under a quarter of the {block_ms:.0f} ms call",
        needs=free,
    )
    claim(
        "Handed to a process, the CPU work left the heartbeat free",
        lags["CPU work in a process"].min < block_ms / 4,
        measured=f"{lags['CPU work in a process'].min:.1f} ms late (best of 3)",
        expected=f"under a quarter of the {block_ms:.0f} ms call",
        needs=(free, second_cpu),
    )
    switch_ms, in_thread = sys.getswitchinterval() * 1000, lags["CPU work in a thread"]
    claim(
        "CPU work in a thread made the heartbeat wait for the GIL",
        in_thread.min >= switch_ms,
        measured=f"{in_thread.min:.1f} ms late in the best round",
        expected=f"at least one switch interval, {switch_ms:.0f} ms",
        needs=needs_gil(),
    )
    claim(
        "CPU work in a thread did not freeze the loop for the whole call",
        in_thread.min < 0.75 * block_ms,
        measured=f"{in_thread.min:.1f} ms late (best of 3)",
        expected=f"under three quarters of the {block_ms:.0f} ms call",
        needs=(free, second_cpu),
    )
    counts = {label: len(lag.flagged) for label, lag in lags.items()}
    claim(
        "Debug mode flagged every step that blocked the loop",
        min(counts["time.sleep in the loop"], counts["CPU work in the loop"]) >= 3,
        measured=f"{counts['time.sleep in the loop']} and {counts['CPU work in the loop']}"
        " steps flagged in 3 rounds of each",
        expected="at least one per round",
    )
    claim(
        "Debug mode flagged no step of the awaited sleep",
        counts["asyncio.sleep"] == 0,
        measured=f"{counts['asyncio.sleep']} steps flagged",
        expected="none",
        needs=free,
    )

# %%
# Take-away: one ``time.sleep`` or computation inside a coroutine froze the
# heartbeat for the whole call.  Await instead of blocking; send blocking I/O to
# :func:`asyncio.to_thread`, and CPU-bound work to a process pool with
# :meth:`~asyncio.loop.run_in_executor`.  Debug mode (``python -X dev``,
# ``PYTHONASYNCIODEBUG=1``) names the tasks that held the loop.
