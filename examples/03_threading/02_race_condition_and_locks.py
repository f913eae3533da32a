"""
A race condition, a lock, and a deadlock
========================================

Threads share memory, so two of them can change the same value at once.  This page
makes a :term:`race condition` lose updates where you can count them, fixes it with a
:class:`threading.Lock`, shows why :class:`threading.RLock` exists, then builds a
:term:`deadlock` out of two locks, detects it with a timeout, and removes it by taking
the locks in one fixed order.
"""

# %%
# Losing updates
# --------------
# ``counter += 1`` is three steps: read the value, add one, write it back.  If another
# thread writes between our read and our write, our write throws its update away.  The
# window between the steps is tiny, so the race shows up rarely and at random; here
# ``time.sleep(0)`` between the read and the write lets another thread run exactly
# there, so the race happens every time it can, as it would under heavy load.

import threading
import time

from conc_examples.results import record

THREADS = 4
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
        with self.lock:  # nobody else can be between our read and our write
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
record("lost_without_lock", lost)

# %%
# The fix: a :class:`~threading.Lock` around the read-modify-write.  ``with lock:``
# acquires it (waiting while another thread holds it) and releases it on the way out,
# even on an exception.  The sleep is still there, yet no thread can get in between.

safe = Counter()
run_threads(safe.add_one_safely)
print(
    f"with a lock:    {safe.value} of {expected} increments kept,"
    f" {expected - safe.value} lost"
)
record("lost_with_lock", expected - safe.value)

# %%
# Which operations need a lock?  Any read-modify-write of shared data, even one line
# such as ``counter += 1`` or ``d[key] = d.get(key, 0) + 1``: the sleep above only
# made a window that is always there easier to hit.
#
# Taking a lock you already hold: :class:`~threading.RLock`
# ----------------------------------------------------------
# A :class:`~threading.Lock` does not know who holds it, so a thread that acquires it a
# second time waits for itself forever.  That happens when one locked method calls
# another.  We try with a timeout, so the page finishes instead of hanging.


class Account:
    def __init__(self, lock) -> None:
        self.balance = 0
        self.lock = lock

    def deposit(self, amount: int) -> bool:
        if not self.lock.acquire(timeout=0.2):
            return False  # could not get the lock
        try:
            self.balance += amount
            return True
        finally:
            self.lock.release()

    def deposit_twice(self, amount: int) -> bool:
        with self.lock:  # holds the lock while calling deposit(), which takes it again
            return self.deposit(amount) and self.deposit(amount)


for label, lock in (("Lock", threading.Lock()), ("RLock", threading.RLock())):
    account = Account(lock)
    succeeded = account.deposit_twice(10)
    print(f"{label:>5}: nested deposit succeeded: {succeeded}, balance {account.balance}")
    record(f"nested_{label}", succeeded)

# %%
# An :class:`~threading.RLock` (re-entrant lock) counts how many times its owner has
# acquired it and is free again only after as many releases.  Use it when locked code
# calls other locked code of the same object; a plain lock is cheaper everywhere else.
#
# A deadlock between two locks
# ----------------------------
# Two threads each need both locks.  One takes ``a`` then ``b``, the other ``b`` then
# ``a``.  If each gets its first lock before the other gets its second, both wait for
# ever.  A :class:`~threading.Barrier` makes that unlucky timing certain; the timeout on
# the second ``acquire`` turns the hang into a result we can print.

lock_a, lock_b = threading.Lock(), threading.Lock()
names = {id(lock_a): "a", id(lock_b): "b"}


def take_both(first, second, rendezvous, outcome: dict[str, str]) -> None:
    me = threading.current_thread().name
    with first:
        if rendezvous is not None:
            rendezvous.wait(timeout=5)  # both threads now hold their first lock
        if second.acquire(timeout=0.5):
            second.release()
            outcome[me] = "got both locks"
        else:
            outcome[me] = (
                f"holds {names[id(first)]}, timed out waiting for {names[id(second)]}"
            )
        if rendezvous is not None:
            rendezvous.wait(timeout=5)  # keep holding the first lock until both tried


def run_pair(order_1, order_2, rendezvous=None) -> dict[str, str]:
    outcome: dict[str, str] = {}
    threads = [
        threading.Thread(target=take_both, args=(*order, rendezvous, outcome), name=name)
        for name, order in (("thread-1", order_1), ("thread-2", order_2))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return outcome


deadlocked = run_pair((lock_a, lock_b), (lock_b, lock_a), threading.Barrier(2))
for name, what in sorted(deadlocked.items()):
    print(f"opposite order, {name}: {what}")
record("deadlock_timeouts", sum("timed out" in what for what in deadlocked.values()))

# %%
# Both threads timed out: each held the lock the other needed.  Without the timeout
# this program would never end.  A timeout *detects* a deadlock; it does not fix it.
#
# The fix is a rule: every thread takes the locks in one global order (here by name:
# ``a`` before ``b``), whatever order its code mentions them in.  Then whoever gets
# ``a`` first also gets ``b``, and the other waits without holding anything.  (No
# barrier this time: the second thread now waits for ``a``, so it could never reach
# one.)


def in_lock_order(*locks):
    return sorted(locks, key=lambda lock: names[id(lock)])


ordered = run_pair(in_lock_order(lock_a, lock_b), in_lock_order(lock_b, lock_a))
for name, what in sorted(ordered.items()):
    print(f"same order,     {name}: {what}")
record("ordered_timeouts", sum("timed out" in what for what in ordered.values()))
record("ordered_successes", sum(what == "got both locks" for what in ordered.values()))

# %%
# Take-away: shared data that threads modify needs a lock around every
# read-modify-write (the unlocked counter lost updates, the locked one none); and
# code that takes several locks must take them in one fixed order, or two threads
# can wait for each other for ever.
