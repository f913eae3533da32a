"""
Check, then act: a cache and a generator shared by threads
==========================================================

Checking a shared object and then acting on what you saw takes two steps, and another
thread can act in between.  You will see a cache fetch the same key several times and a
shared generator raise ``ValueError: generator already executing``, each followed by its
fix.
"""

# %%
# Four threads at once
# --------------------
# As on :ref:`sphx_glr_chapters_03_threading_08_atomic_operations_of_builtins.py`,
# ``run_threads`` starts four threads on the same function, released together by a
# :class:`threading.Barrier`.  It also asks the interpreter to switch threads every
# microsecond instead of every 5 ms (:func:`sys.setswitchinterval`): the windows you
# will see are there at 5 ms too, they are just hit less often.

import threading

# %%
# Check, then act: a cache that fetches twice
# -------------------------------------------
# ``if key not in cache: cache[key] = fetch(key)`` checks, then acts.  While one
# thread fetches (1 ms of I/O, the GIL released), the others check, find nothing yet,
# and fetch the same key.  The fix uses one atomic operation: ``setdefault`` puts a
# :class:`~concurrent.futures.Future` in the cache, and only the thread whose future
# got in fetches; the others wait for its result.
import time
from concurrent.futures import Future

from conc_examples.claims import claim
from conc_examples.work.threads import run_threads

KEYS = 20
fetched: list[int] = []


def fetch(key: int) -> int:
    fetched.append(key)
    time.sleep(0.001)  # stands for a request to a server
    return key * key


cache: dict[int, int] = {}


def fill_cache() -> None:
    for key in range(KEYS):
        if key not in cache:  # check...
            cache[key] = fetch(key)  # ...then act, 1 ms later


run_threads(fill_cache)
fetches_check_then_act = len(fetched)

futures: dict[int, Future] = {}


def get(key: int) -> int:
    mine = Future()
    future = futures.setdefault(key, mine)  # atomic: one thread's future gets in
    if future is mine:
        mine.set_result(fetch(key))
    return future.result(timeout=5)


fetched.clear()
run_threads(lambda: [get(k) for k in range(KEYS)])
print(f"fetches for {KEYS} keys: check then act {fetches_check_then_act}")
print(f"fetches for {KEYS} keys: setdefault and a future {len(fetched)}")
claim(
    "Check, then act: four threads filling one cache fetched keys more than once",
    fetches_check_then_act > KEYS,
    measured=f"{fetches_check_then_act} fetches for {KEYS} keys",
    expected=f"more than {KEYS}",
)
claim(
    "With setdefault and a future, each key was fetched once",
    sorted(fetched) == list(range(KEYS)),
    measured=f"{len(fetched)} fetches for {KEYS} keys",
    expected=f"{KEYS}",
)

# %%
# One generator, several threads
# ------------------------------
# A generator runs in whichever thread calls ``next()``.  If a second thread calls it
# while the first is still inside, Python refuses: ``ValueError: generator already
# executing``.  The fix: a lock around ``next()`` (or a :class:`queue.Queue` that one
# thread fills).


def parsed_records():
    for i in range(20_000):
        yield sum(range(i % 50))  # stands for parsing one record


def consume(records, got: list[int], errors: list[str], guard=None) -> None:
    while True:
        try:
            if guard is None:
                got.append(next(records))
            else:
                with guard:  # the fix: one thread inside the generator at a time
                    got.append(next(records))
        except ValueError as error:
            errors.append(str(error))
        except StopIteration:
            return


def read_all(guard=None) -> tuple[int, list[str]]:
    records, got, errors = parsed_records(), [], []
    run_threads(lambda: consume(records, got, errors, guard))
    return len(got), errors


shared_got, shared_errors = read_all()
locked_got, locked_errors = read_all(guard=threading.Lock())
print(f"shared: {shared_got:,} records read, {len(shared_errors):,} ValueErrors")
print(f"with a lock: {locked_got:,} records read, {len(locked_errors):,} ValueErrors")
claim(
    "Threads sharing one generator got ValueError: generator already executing",
    "generator already executing" in set(shared_errors),
    measured=f"{len(shared_errors):,} ValueErrors while reading {shared_got:,} records",
    expected="at least one",
    why="no thread switch fell inside the generator on this run",
)
claim(
    "With a lock around next(), no error, and every record read once",
    not locked_errors and locked_got == 20_000,
    measured=f"{len(locked_errors)} errors, {locked_got:,} records",
    expected="0 errors, 20,000 records",
)

# %%
# Take-away: trust one operation on a built-in type, never two in a row: above, the
# get-then-set count lost the updates printed and the cache fetched its keys several
# times, until a lock or a single atomic ``setdefault`` made the pair one step.
