"""
What the built-in types guarantee when threads share them
=========================================================

One operation on a ``list``, ``dict`` or ``deque`` is atomic: you will see four threads
append to one list and take from one deque without losing an item.  A read and a write
in a row are not: you will see a counter lose updates, then the lock that fixes it.
"""

# %%
# Four threads at once
# --------------------
# ``run_threads`` starts four threads on the same function, released together by a
# :class:`threading.Barrier`.  It also asks the interpreter to switch threads every
# microsecond instead of every 5 ms (:func:`sys.setswitchinterval`): the windows you
# will see are there at 5 ms too, they are just hit less often.
#
# .. literalinclude:: /../conc_examples/work/threads.py
#    :pyobject: run_threads

import functools
import threading
import time

# %%
# One operation: atomic
# ---------------------
# The Python docs' *Thread Safety Guarantees* page lists ``lst.append(x)`` and
# ``lst.pop()`` as atomic, and ``d[key] = value`` and ``d.setdefault(key, v)`` as safe
# from several threads: others see each done or not done, never half done.  A
# :class:`collections.deque` promises thread-safe appends and pops at either end.
# Four threads append to one list, then four take from one deque.
from collections import deque
from itertools import pairwise

from conc_examples.claims import LOAD, Need, claim, needs_free_threading, needs_gil
from conc_examples.work.threads import run_threads

N = 10_000
appended: list[int] = []
run_threads(lambda: [appended.append(i) for i in range(N)])

work_items, taken = deque(range(4 * N)), []


def take_all() -> None:
    while True:
        try:
            taken.append(work_items.popleft())  # ask, don't check first: atomic
        except IndexError:
            return


run_threads(take_all)
duplicates = len(taken) - len(set(taken))
print(f"list: {len(appended):,} of {4 * N:,} appends kept")
print(f"deque: {len(taken):,} of {4 * N:,} items taken, {duplicates} twice")
claim(
    "Four threads appending to one list kept every item",
    len(appended) == 4 * N,
    measured=f"{len(appended):,} of {4 * N:,}",
    expected="all",
)
claim(
    "Four threads taking from one deque took each item exactly once",
    sorted(taken) == list(range(4 * N)),
    measured=f"{len(taken):,} taken, {duplicates} twice",
    expected=f"{4 * N:,} taken, none twice",
)

# %%
# Read, then write: not atomic
# ----------------------------
# ``counts[key] = counts.get(key, 0) + 1`` is a read, an addition and a write.  A
# thread switched out after the read writes back a stale count, and every update made
# meanwhile is lost.  Written ``counts[key] += 1``, the same update has no call between
# its read and its write, and a GIL build switches threads only at a call or a loop's
# jump back.  Whatever that saves you is luck, not a promise: the docs list ``+=`` as
# not atomic, and without the GIL nothing stops another thread between the two steps.
# Each thread updates for 30 ms and notes each 100 updates it made: the losses are the
# updates made less the count.

SECONDS = 0.03  # each thread keeps updating for this long
counts = {"get then set": 0, "+=": 0, "with a lock": 0}
batches: dict[str, list[int]] = {how: [] for how in counts}  # who did each 100
lock = threading.Lock()


def get_then_set() -> None:
    for _ in range(100):
        counts["get then set"] = counts.get("get then set", 0) + 1


def plus_equals() -> None:
    for _ in range(100):
        counts["+="] += 1


def with_a_lock() -> None:
    for _ in range(100):
        with lock:  # the fix: nobody else between the read and the write
            counts["with a lock"] = counts.get("with a lock", 0) + 1


def keep_updating(how: str, update) -> None:
    me, deadline = threading.get_ident(), time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        update()
        batches[how].append(me)  # one atomic append per 100 updates: the tally


updaters = {"get then set": get_then_set, "+=": plus_equals, "with a lock": with_a_lock}
for how, update in updaters.items():
    run_threads(functools.partial(keep_updating, how, update))
made = {how: 100 * len(batches[how]) for how in counts}
lost = {how: made[how] - counts[how] for how in counts}
turns = {how: sum(a != b for a, b in pairwise(ids)) for how, ids in batches.items()}
for how in counts:
    print(f"{how:>12}: {made[how]:,} made, {lost[how]:,} lost, {turns[how]} turns taken")

# %%
# A loss needs a thread switched out mid-update, so the claims need threads that took
# turns: on a busy machine a waiting thread rarely gets a CPU to ask for the GIL, and
# the four run one after another.

took_turns = Need(
    "four threads that took turns while counting",
    min(turns["get then set"], turns["+="]) >= 10,
    f"they took turns {turns['get then set']} and {turns['+=']} times (10 or more)",
    LOAD,
)
claim(
    "Get, then set: four threads counting in one dict lost updates",
    lost["get then set"] > 0,
    measured=f"{lost['get then set']:,} of {made['get then set']:,} lost",
    expected="more than 0",
    needs=took_turns,
    why="no thread switch fell between a read and its write on this run",
)
claim(
    "With the GIL, the same count written += lost nothing here",
    lost["+="] == 0,
    measured=f"{lost['+=']:,} of {made['+=']:,} lost",
    expected="0 (where this build switches threads, not a guarantee)",
    needs=(needs_gil(), took_turns),
)
claim(
    "Without the GIL, even += lost updates",
    lost["+="] > 0,
    measured=f"{lost['+=']:,} of {made['+=']:,} lost",
    expected="more than 0",
    needs=(needs_free_threading(), took_turns),
    why="the threads rarely ran at the same moment (a busy machine)",
)
claim(
    "A lock around the read and the write lost nothing",
    lost["with a lock"] == 0,
    measured=f"{lost['with a lock']:,} of {made['with a lock']:,} lost",
    expected="0",
)

# %%
# Take-away: trust one operation on a built-in type, never two in a row: above, the
# get-then-set count lost the updates printed, and the lock made the pair one step.
# :ref:`sphx_glr_chapters_03_threading_08_check_then_act.py` shows two more pairs.
