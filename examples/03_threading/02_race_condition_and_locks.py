"""
A race condition, and the lock that fixes it
============================================

Threads share memory, so two of them can change the same value at once.  On this page
a :term:`race condition` loses updates where you can count them, and a
:class:`threading.Lock` around the read-modify-write loses none.
"""

# %%
# Losing updates
# --------------
# ``counter += 1`` is three steps: read the value, add one, write it back.  If another
# thread writes between your read and your write, your write throws its update away.
#
# Try it bare first: four threads, each adding one 100,000 times.

import threading
import time

from conc_examples.claims import claim, needs_free_threading, needs_gil

THREADS = 4
bare_counter = 0


def add_bare(times: int) -> None:
    global bare_counter
    for _ in range(times):
        bare_counter += 1


bare = [threading.Thread(target=add_bare, args=(100_000,)) for _ in range(THREADS)]
for thread in bare:
    thread.start()
for thread in bare:
    thread.join(timeout=30)
lost_bare = THREADS * 100_000 - bare_counter
print(
    f"bare counter += 1: {bare_counter:,} of {THREADS * 100_000:,} kept, {lost_bare} lost"
)

# %%
# On a CPython with the :term:`GIL` that loses nothing, and it proves nothing.  Since
# Python 3.10 a thread hands the GIL over only where the interpreter checks for a
# request: at a call, or a jump back to the top of a loop.  This ``+=`` on an int has
# no such point between its read and its write.  Put a call in between (a method, a
# property, an ``__add__`` written in Python) or run a free-threaded build (3.13t and
# later), and the same loop loses updates for real.

claim(
    "With the GIL, the bare loop lost no update",
    lost_bare == 0,
    measured=f"{lost_bare} of {THREADS * 100_000:,} lost",
    expected="none",
    needs=needs_gil(),
)
claim(
    "Without the GIL, the bare loop lost updates",
    lost_bare > 0,
    measured=f"{lost_bare} of {THREADS * 100_000:,} lost",
    expected="some",
    needs=needs_free_threading(),
)

# %%
# So make the window certain instead: ``time.sleep(0)`` between the read and the write
# lets another thread run exactly there, as heavy load or a free-threaded build would.

INCREMENTS = 500


class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def add_one_unsafely(self) -> None:
        current = self.value  # read
        time.sleep(0)  # let another thread run between the read and the write
        self.value = current + 1  # write: overwrites whatever happened meanwhile

    def add_one_safely(self) -> None:
        with self.lock:  # nobody else can get between this read and write
            current = self.value
            time.sleep(0)
            self.value = current + 1


def hammer(increment) -> None:
    for _ in range(INCREMENTS):
        increment()


def run_threads(increment) -> None:
    threads = [threading.Thread(target=hammer, args=(increment,)) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        if thread.is_alive():
            raise SystemExit("a counting thread did not finish within 30 s")


expected = THREADS * INCREMENTS
unsafe = Counter()
run_threads(unsafe.add_one_unsafely)
lost = expected - unsafe.value
print(f"without a lock: {unsafe.value} of {expected} increments kept, {lost} lost")
claim(
    "With a thread let in between the read and the write, updates were lost",
    lost > 0,
    measured=f"{lost} of {expected} lost",
    expected="some",
)

# %%
# The fix: a :class:`~threading.Lock` around the read-modify-write.  ``with lock:``
# acquires it (waiting while another thread holds it) and releases it on the way out,
# even on an exception.  The sleep is still there, yet no thread can get in between.

safe = Counter()
run_threads(safe.add_one_safely)
lost_with_lock = expected - safe.value
print(f"with a lock:    {safe.value} of {expected} increments kept, {lost_with_lock} lost")
claim(
    "With the lock, no update was lost",
    lost_with_lock == 0,
    measured=f"{lost_with_lock} of {expected} lost",
    expected="none",
)

# %%
# Which operations need a lock?  Any read-modify-write of shared data, even one line
# such as ``counter += 1`` or ``d[key] = d.get(key, 0) + 1``: the sleep above only
# made a window that is always there easier to hit.
#
# Take-away: put a lock around every read-modify-write of shared data; the bare loop's
# luck on a GIL build is not a guarantee.
