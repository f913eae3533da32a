"""
Pool: hand out work to a few processes
======================================

Starting a process per task costs a start-up each time (see
:doc:`02_start_methods`).  A :class:`multiprocessing.pool.Pool` starts a few worker
processes once and feeds them tasks: the arguments go to a worker
:term:`pickled <pickling>`, the return value comes back the same way.  This page tours
its methods, shows how an exception in a worker reaches the parent, and measures the
one setting that decides whether a pool helps with many tiny tasks: ``chunksize``.
"""

# %%
# ``map``, ``imap_unordered`` and ``starmap``
# -------------------------------------------
# The workers run these small functions (``pow`` is a built-in, importable too):
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: square
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: sleep_and_return
#
# ``map`` returns the results in the order of the inputs.  ``imap_unordered`` yields
# each result as soon as it is ready, so a slow first task does not hold up the rest.

import multiprocessing

from conc_examples.machine import start_method, usable_cpus
from conc_examples.mp_workers import reciprocal, sleep_and_return, square
from conc_examples.results import record
from conc_examples.timing import measure

if __name__ == "__main__":
    workers = min(usable_cpus(), 4)
    print(f"a pool of {workers} workers, start method {start_method()}")
    pool = multiprocessing.Pool(processes=workers)

    squares = pool.map(square, range(10))
    print(f"map(square, range(10))           -> {squares}")
    record("map", squares)

    delays = [0.4, 0.05, 0.2]
    finished = pool.imap_unordered(sleep_and_return, delays)
    completion_order = [finished.next(timeout=30) for _ in delays]
    print(f"imap_unordered(sleep, {delays}) -> {completion_order}")
    record("imap_unordered", completion_order)

    powers = pool.starmap(pow, [(2, 10), (3, 4), (10, 3)])
    print(f"starmap(pow, [(2, 10), (3, 4), (10, 3)]) -> {powers}")
    record("starmap", powers)

# %%
# The 0.05 s task came back first and the 0.4 s one last, although it was sent first.
# ``starmap`` unpacks each tuple into arguments.
#
# ``apply_async`` and a timeout
# -----------------------------
# ``apply_async`` sends one call and returns an
# :class:`~multiprocessing.pool.AsyncResult` at once.  ``get(timeout=...)`` waits at
# most that long: if the result is not there yet it raises
# :exc:`multiprocessing.TimeoutError`, and the task keeps running, so we can wait again.

if __name__ == "__main__":
    pending = pool.apply_async(sleep_and_return, (0.5,))
    try:
        pending.get(timeout=0.1)
    except multiprocessing.TimeoutError:
        print(f"get(timeout=0.1): TimeoutError, ready() is {pending.ready()}")
        record("timed_out", True)
    result = pending.get(timeout=30)
    print(f"get(timeout=30):  {result}, ready() is {pending.ready()}")
    record("apply_async", result)

# %%
# An exception in a worker is raised in the parent
# ------------------------------------------------
# When a task raises, the pool pickles the exception and raises it again in the parent
# where the result is collected, with the worker's traceback attached as its
# ``__cause__``.
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: reciprocal

if __name__ == "__main__":
    try:
        pool.map(reciprocal, [1, 2, 0, 4])
    except ZeroDivisionError as exc:
        remote = str(exc.__cause__).splitlines()
        at = next(i for i, line in enumerate(remote) if "in reciprocal" in line)
        print(f"the parent caught {type(exc).__name__}: {exc}")
        print("its __cause__ holds the worker's traceback, which ends:")
        print(*remote[at:-1], sep="\n")
        record("worker_exception", type(exc).__name__)
        record("remote_traceback", "return 1 / x" in str(exc.__cause__))

# %%
# The whole ``map`` fails: the results of the other three inputs are lost.  To keep
# them, catch the exception inside the task, or send tasks one by one with
# ``apply_async``.
#
# ``chunksize``: the cost of many tiny tasks
# ------------------------------------------
# Every task makes a round trip: pickle, send through a pipe, unpickle, run, and the
# same for the result.  For ``square`` that overhead dwarfs the work (compare the
# time with ``chunksize`` 1 below with the time of all the squares in the parent).
# ``chunksize`` sends tasks in batches, one round trip per batch.  ``map`` picks
# ``len(inputs) / (4 * workers)`` when not told; ``imap`` and ``imap_unordered``
# default to 1.

if __name__ == "__main__":
    from conc_examples import plotting  # under the guard: spawn children skip matplotlib

    tasks = range(2000)
    in_parent = measure(lambda: list(map(square, tasks)), repeat=3).scaled(1000)
    default_chunk = -(-len(tasks) // (4 * workers))
    timings = {}
    for chunksize in [1, 10, 100, default_chunk]:
        label = f"{chunksize} (default)" if chunksize == default_chunk else str(chunksize)
        timings[label] = measure(
            lambda c=chunksize: pool.map(square, tasks, chunksize=c), repeat=3
        ).scaled(1000)
        took = timings[label]
        print(
            f"chunksize {label:>13}: median {took.median:6.1f} ms"
            f" (min {took.min:.1f}, max {took.max:.1f})"
        )
    pool.close()
    pool.join()

    ratio = timings["1"].median / timings[f"{default_chunk} (default)"].median
    best = min(timings.values(), key=lambda t: t.median)
    print(f"the default chunksize is {ratio:.0f}x faster than chunksize=1")
    print(f"all {len(tasks)} squares in the parent: {in_parent.median:.2f} ms")
    record("chunksize_speedup", ratio)
    record("best_chunk_over_parent", best.median / in_parent.median)
    plotting.bar_chart(
        timings,
        title=f"pool.map(square, range({len(tasks)})) by chunksize, {workers} workers",
        ideal=in_parent.median,
        ideal_label="all in the parent",
        ylabel="milliseconds",
    )
    plotting.show()

# %%
# With ``chunksize=1`` the pool spends its time on round trips; batching cuts their
# number and the time with it (the ratio printed above).  Even the best chunksize
# loses to doing the squares in the parent: when the work per task is this small, no
# pool helps, and the answer is bigger tasks.
#
# Take-away: a pool pays a round trip per task (or per chunk), so keep tasks big or
# batch them with ``chunksize``; collect results with a timeout, and expect a worker's
# exception to be raised again where you collect the result.
