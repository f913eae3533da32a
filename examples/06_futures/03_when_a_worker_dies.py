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
# this process to feed its workers, and a process that runs threads must not fork.

import multiprocessing
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

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

# %%
# The task's future holds a :class:`~concurrent.futures.process.BrokenProcessPool`
# instead of a result, and the pool refuses any further ``submit``.
#
# Now twenty items on a pool of two workers, where item 7 crashes its worker with
# ``os._exit``; the function below runs them on a fresh pool and sorts the futures
# into results and failures.


def run_attempt(
    items: list[int],
    attempt: int,
    ledger: str,
    context: multiprocessing.context.BaseContext,
) -> tuple[dict, list[int]]:
    """Run ``items`` on a fresh pool; return {item: result} and the items that failed."""
    results, failed = {}, []
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {pool.submit(process_item, i, attempt, DOOMED, ledger): i for i in items}
        for future in as_completed(futures, timeout=60):
            item = futures[future]
            try:
                results[item] = future.result()
            except BrokenProcessPool:
                failed.append(item)
    return results, sorted(failed)


if __name__ == "__main__":
    done, failed = run_attempt(ITEMS, attempt=1, ledger=ledger, context=context)
    print(f"attempt 1: {len(done)} items done, {len(failed)} failed: {failed}")

# %%
# Not only the item whose worker died failed: everything still pending or running
# when the pool broke failed with it.  A broken pool cannot be repaired, but it was
# shut down cleanly by its ``with`` block, and a new pool can take the failed items.
#
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
    print(f"{len(ITEMS)} items: {correct} with the right result,")
    print(f"{done_once} done exactly once, {sum(times_done.values())} ledger lines in all")
    ledger_folder.cleanup()

# %%
# Every item was done exactly once: no failed item was lost (it was retried), and no
# finished item was redone (only failed ones were retried, and each looked itself up
# in the ledger first).  The list printed above names the retried items that had in
# fact finished before the break: often none, but a pool that breaks cannot say which
# tasks in flight had finished, so work with side effects needs such a check before
# it is retried.
#
# The other emergency is the user pressing Ctrl-C.  A real Ctrl-C sends SIGINT to every
# process in the terminal's foreground group, the pool's workers too, so a shutdown
# that works has to plan for both sides: see it done with a real signal in
# :ref:`sphx_glr_chapters_11_when_things_go_wrong_02_ctrl_c_stops_a_pool.py`.
#
# Take-away: a dead worker breaks the whole pool and fails every task in flight (attempt
# 1 above failed every item it printed); recover with a new pool that retries
# only the failed items, and make each retry safe to repeat.
