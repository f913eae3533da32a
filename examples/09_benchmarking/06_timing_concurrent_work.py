"""
Timing concurrent work: callbacks and coroutines
================================================

When tasks overlap, one number is not enough.  The *total* wall time says how long the
whole batch took (throughput); each task's own *latency* says how long each caller
waited.  To get the latencies, note the time at the moment each task finishes.  There are
two ways to run code at that moment, and they are the two styles of asynchronous code:

* a :term:`callback`: a function handed to the :term:`future`, which calls it when the
  task is done;
* a :term:`coroutine`: the code after the ``await`` *is* the moment the wait is over.

Four tasks wait 0.20, 0.05, 0.15 and 0.10 s (like four requests to servers of different
speeds), first in a thread pool, then on an event loop.
"""

# %%
# The callback style
# ------------------
# ``submit`` returns a :class:`concurrent.futures.Future` at once;
# :meth:`~concurrent.futures.Future.add_done_callback` hands it a function to call with
# the future when the task has finished.  Added while the task runs, the callback runs
# in the worker thread that finishes it.  A callback receives only the future, so you
# bind the task's name and the batch's start in beforehand, here with a small function
# that makes the callback.

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from conc_examples.charts.plotting import show, timeline_chart
from conc_examples.measure.timeline import Span
from conc_examples.work.workloads import io_bound

WAITS = [0.20, 0.05, 0.15, 0.10]
spans: list[Span] = []
spans_lock = threading.Lock()


def note_when_done(task: str, start: float) -> Callable[[Future], None]:
    def callback(future: Future) -> None:
        row = f"{task} ({threading.current_thread().name})"
        finished = Span(row, task, start, time.perf_counter())
        with spans_lock:
            spans.append(finished)

    return callback


with ThreadPoolExecutor(max_workers=len(WAITS), thread_name_prefix="thread") as pool:
    batch_start = time.perf_counter()
    futures = []
    for wait in WAITS:
        future = pool.submit(io_bound, wait)
        future.add_done_callback(note_when_done(f"wait {wait:.2f} s", batch_start))
        futures.append(future)
    for future in futures:
        future.result(timeout=10)
threads_total = time.perf_counter() - batch_start

for span in sorted(spans, key=lambda s: s.end):
    print(f"{span.worker} finished after {span.duration:.3f} s")
print(f"all {len(WAITS)} finished after {threads_total:.3f} s", end="")
print(f" (the waits add up to {sum(WAITS):.2f} s)")

# %%
# Read ``spans`` only after the ``with`` block.  ``result()`` returns as soon as the
# future has its result, and the future runs its callbacks *after* that, in the worker:
# right after the last ``result()`` a callback may not have run yet.  Leaving the block
# calls ``shutdown(wait=True)``, which joins the workers, and with them every callback.
#
# A callback added too late
# -------------------------
# Add a callback to a future that has *already* finished, and no worker is left to call
# it: :meth:`~concurrent.futures.Future.add_done_callback` calls it at once, in your own
# thread, before it returns.


def where_am_i(future: Future) -> None:
    late_callback_thread.append(threading.current_thread().name)
    print(f"the late callback runs in {threading.current_thread().name}")


late_callback_thread: list[str] = []
with ThreadPoolExecutor(max_workers=1, thread_name_prefix="thread") as pool:
    done_already = pool.submit(io_bound, 0.0)
    done_already.result(timeout=10)
    done_already.add_done_callback(where_am_i)
    print(f"add_done_callback has returned; the callback ran {len(late_callback_thread)}x")

from conc_examples.claims import claim

claim(
    "A callback added to a finished future ran at once, in your own thread",
    late_callback_thread == ["MainThread"],
    measured=f"ran in {late_callback_thread} before add_done_callback returned",
)

# %%
# So code in a callback must be safe to run in either thread: here, appending to
# ``spans`` under a lock.
#
# The timeline: one row per task (and the worker thread that ran it), each bar from the
# batch's start to the moment its callback ran.  The bars overlap, so the total is the
# longest bar, not their sum.

timeline_chart(spans, title="Four waits in a thread pool, timed by callbacks")
show()

# %%
# The coroutine style
# -------------------
# On an :term:`event loop` the same timing needs no callback: the line after the
# ``await`` runs when the wait is over, and the result (with its latency) is simply
# returned.  :func:`asyncio.as_completed` hands the results over in the order the tasks
# finish, and its ``timeout`` bounds the whole batch.


async def timed_wait(wait: float, start: float) -> tuple[str, float]:
    await asyncio.sleep(wait)
    return f"wait {wait:.2f} s", time.perf_counter() - start


async def run_batch() -> tuple[list[tuple[str, float]], float]:
    start = time.perf_counter()
    waiting = [timed_wait(wait, start) for wait in WAITS]
    finished = [await next_done for next_done in asyncio.as_completed(waiting, timeout=10)]
    return finished, time.perf_counter() - start


coroutine_results, coroutines_total = asyncio.run(run_batch())
for task, latency in coroutine_results:
    print(f"{task} finished after {latency:.3f} s")
print(f"all {len(WAITS)} finished after {coroutines_total:.3f} s")

# %%
# A task cannot finish before its wait is over; how long after is the machine's
# scheduling delay, which load can only lengthen.

by_style = {
    "callbacks": {span.task: span.duration for span in spans},
    "coroutines": dict(coroutine_results),
}
for style, total in (("callbacks", threads_total), ("coroutines", coroutines_total)):
    late = [by_style[style].get(f"wait {wait:.2f} s", -1) - wait for wait in WAITS]
    claim(
        f"Timed by {style}, each task's latency was its own wait",
        all(-0.005 <= lateness < 0.5 for lateness in late),
        measured="late by "
        + ", ".join(f"{lateness * 1000:.0f}" for lateness in late)
        + " ms",
        expected="0 to 500 ms after each wait",
    )
    claim(
        f"Timed by {style}, the batch took the longest wait, far less than the sum",
        max(WAITS) <= total < 0.8 * sum(WAITS),
        measured=f"{total:.3f} s (longest {max(WAITS)} s, sum {sum(WAITS):.2f} s)",
        expected="from the longest wait to under 0.8 of the sum",
    )

# %%
# Both styles measured the same thing (the claims above).  The difference is in how the
# code reads.  The callback version needed a shared list, a lock (callbacks run
# in whichever thread finishes the future), a function that makes functions, and a
# ``shutdown`` before its results were complete; the coroutine version reads
# top to bottom and returns its result.  That is why :mod:`asyncio` code is written with
# coroutines, while callbacks still run underneath (see :doc:`/concepts/routines`).
#
# Take-away: time concurrent work twice over, the batch's total and every task's
# latency; above, four waits finished together in about the longest one, by callbacks
# in threads and by coroutines on one loop alike (the totals printed).
