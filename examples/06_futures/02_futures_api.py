"""
Futures: submit, wait, cancel, time out, fail
=============================================

``executor.submit(fn, *args)`` returns a :class:`~concurrent.futures.Future` at once:
a placeholder whose result arrives later.  This page tours what a future offers:
collecting results as they complete, waiting for the first one, cancelling,
timeouts, and exceptions; then ``max_tasks_per_child``, which recycles worker
processes.  The waiting and cancelling part uses a thread pool (the API is the same
for both executors) with tasks that sleep a chosen time:
``sleep_and_return``.

.. literalinclude:: /../conc_examples/work/mp_workers.py
   :pyobject: sleep_and_return
"""

# %%
# The pattern
# -----------
# Submit every call, then take the results as they come:
# :func:`~concurrent.futures.as_completed` yields the futures in the order they finish,
# whatever the order they were submitted in, and its ``timeout`` bounds the whole wait.

import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def slow_call(seconds: float) -> float:  # stands for any call that waits
    time.sleep(seconds)
    return seconds


if __name__ == "__main__":  # the process pool below imports this page again (spawn)
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(slow_call, seconds) for seconds in (0.3, 0.1, 0.2)]
        order = [future.result() for future in as_completed(futures, timeout=30)]
    print(f"submitted 0.3, 0.1, 0.2; completed {order}")

# %%
# The rest of the page takes the future apart.  First, what the pattern showed:

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from conc_examples.claims import claim
from conc_examples.measure.machine import start_method
from conc_examples.work.mp_workers import reciprocal, sleep_and_return
from conc_examples.work.workloads import whoami

if __name__ == "__main__":
    claim(
        "as_completed gave the futures back shortest first",
        order == [0.1, 0.2, 0.3],
        measured=f"submitted [0.3, 0.1, 0.2], completed {order}",
    )

# %%
# A future says its state (``pending``, ``running``, ``finished``) and, once finished,
# what it returned:

if __name__ == "__main__":
    with ThreadPoolExecutor() as pool:
        future = pool.submit(sleep_and_return, 0.1)
        print(f"just submitted: {future}")
        future.result(timeout=30)
        print(f"finished:       {future}")

# %%
# ``wait(FIRST_COMPLETED)``
# -------------------------
# :func:`~concurrent.futures.wait` returns two sets, ``done`` and ``not_done``, when the
# condition holds: the first completion, the first exception, or all completed.
# Waiting for the first is how to react to whichever task finishes first (a race
# between mirrors, a first answer), then decide about the others.

if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(sleep_and_return, d) for d in (0.5, 0.05, 0.5)]
        started = time.perf_counter()
        first_done, first_not_done = wait(futures, timeout=30, return_when=FIRST_COMPLETED)
        waited = time.perf_counter() - started
        first = [f.result() for f in first_done]
        still_waiting = len(first_not_done)
        print(f"after {waited:.2f} s: done {first}, {still_waiting} not done")
        done, not_done = wait(futures, timeout=30)  # the default: ALL_COMPLETED
        print(f"then, all completed: {len(done)} done, {len(not_done)} not done")
    claim(
        "wait(FIRST_COMPLETED) returned with the short task done and the two long pending",
        first == [0.05] and still_waiting == 2,
        measured=f"after {waited:.2f} s: done {first}, {still_waiting} not done",
    )

# %%
# Cancelling and timeouts
# -----------------------
# A future can be cancelled while it waits in the queue, not once it runs: Python
# cannot stop a running thread.  With one worker busy, the second task waits, and can
# be cancelled.  ``result(timeout=...)`` raises :exc:`TimeoutError` (from Python 3.11,
# :exc:`concurrent.futures.TimeoutError` is the built-in one) if the result is late;
# the task goes on running.

if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(sleep_and_return, 0.3)
        queued = pool.submit(sleep_and_return, 0.3)
        picked = time.monotonic()
        while not running.running() and time.monotonic() - picked < 30:
            time.sleep(0.01)  # let the worker pick up the first task
        cancelled_running = running.cancel()
        cancelled_queued = queued.cancel()
        print(f"cancel the running task: {cancelled_running}")
        print(f"cancel the queued task:  {cancelled_queued} -> {queued}")
        try:
            running.result(timeout=0.05)
            timed_out = False
        except TimeoutError:
            timed_out = True
            print(f"result(timeout=0.05): TimeoutError while {running}")
        print(f"result(timeout=30):   {running.result(timeout=30)}")
    claim(
        "The queued task was cancelled; the running one could not be",
        cancelled_queued and not cancelled_running,
        measured=f"cancel() gave {cancelled_queued} queued, {cancelled_running} running",
    )
    claim(
        "A late result raised TimeoutError, and the task ran on to its result",
        timed_out and running.done() and not running.cancelled(),
        measured=f"TimeoutError: {timed_out}; then {running}",
    )

# %%
# Exceptions come back through the future
# ---------------------------------------
# An exception raised in a task is stored in its future: ``exception()`` returns it,
# ``result()`` raises it.  From a process pool it arrives pickled, with the worker's
# traceback attached as its ``__cause__``.  The task here divides by its argument:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: reciprocal

if __name__ == "__main__":
    # A process pool runs a thread in this process to feed its workers, and a worker
    # forked while other threads are alive can deadlock (Python 3.12+ warns with a
    # DeprecationWarning, shown with -X dev).  This pool may start workers while its
    # thread runs, so where ``fork`` is the default, a ``forkserver`` context forks them
    # from a clean server instead.
    context = multiprocessing.get_context(
        "forkserver" if start_method() == "fork" else None
    )
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = {x: pool.submit(reciprocal, x) for x in (4, 0)}
        for x, future in futures.items():
            error = future.exception(timeout=30)
            if error is None:
                print(f"reciprocal({x}) returned {future.result()}")
            else:
                error_name = type(error).__name__
                print(f"reciprocal({x}) raised {error_name}: {error}")
        try:
            futures[0].result()
        except ZeroDivisionError as exc:
            has_remote = "return 1 / x" in str(exc.__cause__)
            print(
                f"result() raised it again; the worker's traceback attached: {has_remote}"
            )
    claim(
        "The worker's ZeroDivisionError came back through the future, with its traceback",
        error_name == "ZeroDivisionError" and has_remote,
        measured=f"exception() gave {error_name}; traceback attached: {has_remote}",
    )

# %%
# ``max_tasks_per_child``: recycle worker processes
# -------------------------------------------------
# A worker that leaks memory, or keeps state between tasks, can be replaced after a
# number of tasks with ``max_tasks_per_child`` (Python 3.11+).  Each task here returns
# the pid of the process that ran it:
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: whoami
#
# ``fork`` is refused here (a replacement worker would be forked while the pool's own
# thread is alive); without an ``mp_context`` such a pool uses ``spawn``.

if __name__ == "__main__":
    with ProcessPoolExecutor(1, mp_context=context, max_tasks_per_child=2) as pool:
        pids = [pool.submit(whoami).result(timeout=60)["pid"] for _ in range(6)]
    print(f"six tasks, two per worker, ran in pids {pids}")
    print(f"{len(set(pids))} different worker processes")
    claim(
        "One worker, replaced every two tasks, ran the six tasks in three processes",
        len(set(pids)) == 3 and pids[::2] == pids[1::2],
        measured=f"{len(set(pids))} different pids, in pairs: {pids[::2] == pids[1::2]}",
    )

# %%
# Each replacement costs a process start, so recycle only when a worker needs it.
#
# Take-away: a future is a handle on work in progress: collect results as they
# complete, wait with a timeout, cancel what has not started, and expect a task's
# exception to come back through its future.
