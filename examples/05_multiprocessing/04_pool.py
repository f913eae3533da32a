"""
Pool: hand out work to a few processes
======================================

Starting a process per task costs a start-up each time (see
:doc:`02_start_methods`).  A :class:`multiprocessing.pool.Pool` starts a few worker
processes once and feeds them tasks: the arguments go to a worker
:term:`pickled <pickling>`, the return value comes back the same way.  You will use
its methods, catch a worker's exception in the parent, meet what cannot be sent at all,
and measure the setting that decides whether a pool helps with many tiny tasks:
``chunksize``.
"""

# %%
# The pattern
# -----------
# A pool of worker processes, the work handed out with ``map``, the wait bounded, and
# the pool ended by the ``with`` (it terminates the workers: collect the results
# inside).  The function must be found by name in the child: in your script, define
# it at the top level; on this page a standard library function stands in.  The
# ``__main__`` guard keeps the children that ``spawn`` and ``forkserver`` start, which
# import your script, from starting pools of their own.

import math
from multiprocessing import Pool

if __name__ == "__main__":
    with Pool(processes=2) as pool:
        numbers = pool.map_async(math.factorial, range(1000, 1006)).get(timeout=30)
    print(f"digits of 1000! to 1005!: {[len(str(n)) for n in numbers]}")

# %%
# ``map``, ``imap_unordered`` and ``starmap``
# -------------------------------------------
# The workers run these small functions (``pow`` is a built-in, importable too):
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: square
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: sleep_and_return
#
# ``map`` returns the results in the order of the inputs.  ``imap_unordered`` yields
# each result as soon as it is ready, so a slow first task does not hold up the rest.

import multiprocessing

from conc_examples.claims import claim
from conc_examples.measure.machine import usable_cpus
from conc_examples.work.mp_workers import reciprocal, sleep_and_return, square

if __name__ == "__main__":
    workers = min(usable_cpus(), 4)
    pool = multiprocessing.Pool(processes=workers)

    squares = pool.map_async(square, range(10)).get(timeout=30)
    print(f"map(square, range(10))           -> {squares}")

    delays = [0.4, 0.05, 0.2]
    finished = pool.imap_unordered(sleep_and_return, delays)
    completion_order = [finished.next(timeout=30) for _ in delays]
    print(f"imap_unordered(sleep, {delays}) -> {completion_order}")

    powers = pool.starmap_async(pow, [(2, 10), (3, 4), (10, 3)]).get(timeout=30)
    print(f"starmap(pow, [(2, 10), (3, 4), (10, 3)]) -> {powers}")
    claim(
        "map kept the inputs' order; imap_unordered gave the short sleep before the long",
        squares == [x * x for x in range(10)]
        and completion_order.index(0.05) < completion_order.index(0.4),
        measured=f"completion order {completion_order}",
        expected="0.05 before 0.4, which was sent first",
    )

# %%
# ``starmap`` unpacks each tuple into arguments.  Plain ``map`` and ``starmap`` wait with
# no time limit, so here each is called as ``map_async(...).get(timeout=30)``: the same
# call, bounded.
#
# ``apply_async`` and a timeout
# -----------------------------
# ``apply_async`` sends one call and returns an
# :class:`~multiprocessing.pool.AsyncResult` at once.  ``get(timeout=...)`` waits at
# most that long: if the result is not there yet it raises
# :exc:`multiprocessing.TimeoutError`, and the task keeps running, so you can wait again.

if __name__ == "__main__":
    pending = pool.apply_async(sleep_and_return, (0.5,))
    try:
        pending.get(timeout=0.1)
    except multiprocessing.TimeoutError as exc:
        first_wait = type(exc).__name__
        print(f"get(timeout=0.1): {first_wait}, ready() is {pending.ready()}")
    result = pending.get(timeout=30)
    print(f"get(timeout=30):  {result}, ready() is {pending.ready()}")
    claim(
        "The first get timed out, and the task ran on: the second got its result",
        first_wait == "TimeoutError" and result == 0.5,
        measured=f"first {first_wait}, then {result}",
    )

# %%
# An exception in a worker is raised in the parent
# ------------------------------------------------
# When a task raises, the pool pickles the exception and raises it again in the parent
# where the result is collected, with the worker's traceback attached as its
# ``__cause__``.
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: reciprocal

if __name__ == "__main__":
    try:
        pool.map_async(reciprocal, [1, 2, 0, 4]).get(timeout=30)
    except ZeroDivisionError as exc:
        caught, remote_traceback = type(exc).__name__, str(exc.__cause__)
        remote = remote_traceback.splitlines()
        at = next(i for i, line in enumerate(remote) if "in reciprocal" in line)
        print(f"the parent caught {caught}: {exc}")
        print("its __cause__ holds the worker's traceback, which ends:")
        print(*remote[at:-1], sep="\n")
    claim(
        "The worker's ZeroDivisionError was raised in the parent, its traceback attached",
        caught == "ZeroDivisionError" and "return 1 / x" in remote_traceback,
        measured=f"caught {caught}",
    )

# %%
# The whole ``map`` fails: the results of the other three inputs are lost.  To keep
# them, catch the exception inside the task, or send tasks one by one with
# ``apply_async``.
#
# What cannot be sent: lambdas and closures
# -----------------------------------------
# The pool :term:`pickles <pickling>` the function with every task, under every start
# method.  A function pickles as its importable name (module + qualified name), so a
# ``lambda`` (no name) and a closure (a local name) cannot be sent.  Call
# :func:`pickle.dumps` yourself, as the pool would:

import pickle
from functools import partial
from operator import mul


def make_multiplier(factor: int):
    def multiply(x: int) -> int:
        return factor * x

    return multiply


if __name__ == "__main__":
    unpicklable = {}
    for label, func in {
        "a lambda": lambda x: 3 * x,
        "a closure": make_multiplier(3),
    }.items():
        try:
            pickle.dumps(func)
        except (pickle.PicklingError, AttributeError) as exc:
            unpicklable[label] = type(exc).__name__
            print(f"{label}: {type(exc).__name__}: {exc}")
    triple = partial(mul, 3)
    partial_result = pool.apply_async(triple, (14,)).get(timeout=30)
    print(f"partial(mul, 3) pickles, and a worker runs it: {partial_result}")
    claim(
        "A lambda and a closure could not be pickled; a partial could, and ran",
        len(unpicklable) == 2 and partial_result == 42,
        measured=f"refused: {unpicklable}; partial gave {partial_result}",
    )

# %%
# :func:`functools.partial` of an importable function pickles fine: it is sent as the
# function's name plus its arguments.  A top-level ``def`` in your script pickles as
# ``__main__.name``: a worker finds it when the script is a file that it can import
# (:doc:`02_start_methods`), not in the REPL or a notebook.
#
# Why is my pool slower than a loop? ``chunksize`` and many tiny tasks
# --------------------------------------------------------------------
# Every task makes a round trip: pickle, send through a pipe, unpickle, run, and the
# same for the result.  For ``square`` that overhead dwarfs the work.  ``chunksize``
# sends tasks in batches, one round trip per batch.  ``map`` picks
# ``len(inputs) / (4 * workers)`` when not told; ``imap`` and ``imap_unordered``
# default to 1.  One call times ``map`` for each chunksize, in interleaved rounds,
# beside all the squares done in the parent with no pool.  The times span several
# decades, so the axis is logarithmic; each bar is the best of three rounds, with a
# whisker up to the slowest.

if __name__ == "__main__":
    from conc_examples.charts import plotting  # here: spawn children skip matplotlib
    from conc_examples.measure.pool_costs import IN_THE_PARENT, time_pool_map

    tasks = range(2000)
    default_chunk = -(-len(tasks) // (4 * workers))
    timings = time_pool_map(pool, square, tasks, [1, 10, 100, default_chunk])
    pool.close()
    pool.join()
    in_parent = timings.pop(IN_THE_PARENT)
    for chunksize, took in timings.items():
        note = "  (map's default)" if chunksize == str(default_chunk) else ""
        print(f"chunksize {chunksize:>4}: best {took.min:6.1f} ms{note}")
    print(f"all {len(tasks)} squares in the parent: best {in_parent.min:.2f} ms")
    title = f"pool.map(square, range({len(tasks)})) by chunksize, {workers} workers"
    figure = plotting.bar_chart(
        timings,
        title=title,
        ideal=in_parent.min,
        ideal_label=f"{IN_THE_PARENT} (best)",
        ylabel="milliseconds",
        log=True,
    )
    figure.axes[0].set_xlabel("chunksize (tasks per round trip)")
    plotting.show()

# %%
# With ``chunksize=1`` the pool spends its time on round trips; batching cuts their
# number and the time with it.  But when the work per task is this small, no pool
# helps, and the answer is bigger tasks.  Both sides of each comparison ran in the same
# rounds, and the gaps are many times what load moves a round.

if __name__ == "__main__":
    chunksize_speedup = timings["1"].min / timings[str(default_chunk)].min
    best_over_parent = min(t.min for t in timings.values()) / in_parent.min
    claim(
        "The default chunksize ran the map several times faster than chunksize one",
        chunksize_speedup > 2,
        measured=f"{chunksize_speedup:.0f}x, best round over best round",
        expected="over 2x",
    )
    claim(
        "Even the best chunksize lost to doing the squares in the parent",
        best_over_parent > 1,
        measured=f"{best_over_parent:.0f}x the parent's time, best rounds",
        expected="over 1x",
    )

# %%
# Take-away: a pool pays a round trip per task (or per chunk), so keep tasks big or
# batch them with ``chunksize``; send only what pickles; collect results with a
# timeout, and expect a worker's exception to be raised again where you collect it.
