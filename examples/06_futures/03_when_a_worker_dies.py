"""
When a worker dies: BrokenProcessPool and recovery
===================================================

A worker process can die in the middle of a task: a crash in C code, ``os._exit``, the
kernel's out-of-memory killer.  The pool cannot know which of the tasks in flight
finished, so it marks itself *broken*: every pending future fails with
:class:`~concurrent.futures.process.BrokenProcessPool`, and the pool takes no more
work.  You will break a pool on purpose, then recover without losing or repeating work.
"""

# %%
# The work, and a ledger that shows double work
# ---------------------------------------------
# Each item is squared, and written down in a ledger: a file per item, one line each
# time the item is done.  An item done twice would show two lines.  Before working,
# an item looks itself up: if it is in the ledger already, its result was written but
# lost with a broken pool, and the ledger's copy is returned instead of doing the work
# again.  That check is what makes a retry safe.  On the first attempt the items named
# in ``doomed`` kill their worker: with ``os._exit`` (a crash), or with a kill signal
# (what the out-of-memory killer sends).
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: process_item
#
# First a pool with one worker, whose only task kills it.  The pools get a
# ``forkserver`` context where the default is ``fork``: each pool runs a thread in
# this process to feed its workers, and a process with threads alive must not fork.

import multiprocessing
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from conc_examples.claims import claim
from conc_examples.measure.machine import start_method
from conc_examples.work.mp_workers import process_item

ITEMS = list(range(20))
DOOMED = {7: "exit"}


if __name__ == "__main__":
    context = multiprocessing.get_context(
        "forkserver" if start_method() == "fork" else None
    )
    ledger_folder = tempfile.TemporaryDirectory()
    ledger = ledger_folder.name
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        killed = pool.submit(process_item, 0, 1, {0: "kill"}, ledger)
        error = killed.exception(timeout=60)
        print(f"the task's future: {type(error).__name__}: {error}")
        try:
            pool.submit(process_item, 1, 1, {}, ledger)
            refused = False
        except BrokenProcessPool:
            refused = True
            print("submitting more work: BrokenProcessPool, the pool takes no more")
    claim(
        "The task whose worker was killed failed with BrokenProcessPool",
        isinstance(error, BrokenProcessPool),
        measured=f"its future held {type(error).__name__}",
    )
    claim(
        "The broken pool refused any further submit",
        refused,
        measured=f"submit raised BrokenProcessPool: {refused}",
    )

# %%
# Now twenty items on a pool of two workers, where item 7 crashes its worker with
# ``os._exit``; the function below runs them on a fresh pool and sorts the futures
# into results and failures.
#
# A worker can also hang instead of dying.  Then the ``timeout`` of ``as_completed``
# raises :exc:`TimeoutError`, but a ``with`` block would call ``shutdown(wait=True)``
# on the way out, and wait for the hung worker for ever.  So this pool is shut down by
# hand: after an error without waiting, and with the queued work cancelled.  The hung
# worker itself ends only when it is killed: ``kill_workers()`` does it, from Python
# 3.14; before 3.14, the program cannot exit while the worker hangs, so something
# outside it must end the worker.


def run_attempt(
    items: list[int],
    attempt: int,
    ledger: str,
    context: multiprocessing.context.BaseContext,
) -> tuple[dict, list[int]]:
    """Run ``items`` on a fresh pool; return {item: result} and the items that failed."""
    results, failed = {}, []
    pool = ProcessPoolExecutor(max_workers=2, mp_context=context)
    try:
        futures = {pool.submit(process_item, i, attempt, DOOMED, ledger): i for i in items}
        for future in as_completed(futures, timeout=60):
            item = futures[future]
            try:
                results[item] = future.result()
            except BrokenProcessPool:
                failed.append(item)
    except BaseException:  # a timeout, or Ctrl-C: do not wait for a hung worker
        if sys.version_info >= (3, 14):
            pool.kill_workers()  # new in Python 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()  # every future is done: nothing left to wait for
    return results, sorted(failed)


if __name__ == "__main__":
    done, failed = run_attempt(ITEMS, attempt=1, ledger=ledger, context=context)
    print(f"attempt 1: {len(done)} items done, {len(failed)} failed: {failed}")

# %%
# Not only the item whose worker died failed: everything still pending or running
# when the pool broke failed with it, and every other item returned its result.  A
# broken pool cannot be repaired, but it was shut down cleanly, and a new pool can
# take the failed items.

if __name__ == "__main__":
    each_item_once = sorted([*done, *failed]) == ITEMS
    claim(
        "The crash failed the doomed item and the items pending with it",
        each_item_once and set(DOOMED) <= set(failed) and len(failed) > len(DOOMED),
        measured=f"{len(failed)} failed, {len(done)} returned;"
        f" each item in exactly one of them: {each_item_once}",
        expected="item 7 and others failed; none lost, none in both",
    )

# %%
# Recovery: a new pool, each failed item retried once
# ---------------------------------------------------
# The second attempt runs only the failed items (the doomed ones die on the first
# attempt only, as a transient fault would).  Then the ledger is the proof: one line
# per item, and every result right.

if __name__ == "__main__":
    retried, still_failed = run_attempt(failed, attempt=2, ledger=ledger, context=context)
    print(f"attempt 2: {len(retried)} items done, {len(still_failed)} failed")
    done.update(retried)

    ledger_lines = {
        int(path.name.removeprefix("item-")): path.read_text().splitlines()
        for path in Path(ledger).glob("item-*")
    }
    times_done = {item: len(lines) for item, lines in ledger_lines.items()}
    # Retried items whose only line says "attempt 1" had finished before the pool broke.
    recovered = [i for i in failed if "on attempt 1" in ledger_lines[i][0]]
    print(f"retried items already done before the break (from the ledger): {recovered}")
    done_once = sum(1 for i in ITEMS if times_done.get(i) == 1)
    correct = sum(1 for i in ITEMS if done.get(i) == i * i)
    ledger_folder.cleanup()
    claim(
        "The retry on a new pool finished every failed item",
        not still_failed and sorted(retried) == failed,
        measured=f"{len(retried)} of {len(failed)} done, {len(still_failed)} failed again",
    )
    lines = sum(times_done.values())
    claim(
        "Every item was done exactly once, with the right result",
        correct == done_once == lines == len(ITEMS),
        measured=f"{correct} right, {done_once} done once, {lines} ledger lines",
        expected=f"all {len(ITEMS)}, one per item",
    )

# %%
# No failed item was lost (it was retried), and no finished item was redone (only
# failed ones were retried, and each looked itself up in the ledger first).  The list
# printed above names the retried items that had in fact finished before the break:
# often none, but a pool that breaks cannot say which tasks in flight had finished, so
# work with side effects needs such a check before it is retried.
#
# The other emergency is the user pressing Ctrl-C.  A real Ctrl-C sends SIGINT to every
# process in the terminal's foreground group, the pool's workers too, so a shutdown
# that works has to plan for both sides: see it done with a real signal in
# :ref:`sphx_glr_chapters_11_when_things_go_wrong_02_ctrl_c_stops_a_pool.py`.
#
# Take-away: a dead worker breaks the whole pool and fails every task in flight;
# recover with a new pool that retries only the failed items, and make each retry safe
# to repeat.
