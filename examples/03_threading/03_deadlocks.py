"""
Deadlocks: a lock you already hold, and two locks in opposite order
===================================================================

A thread that waits for a lock nobody will release waits for ever: a :term:`deadlock`.
On this page you make two, each bounded by a timeout so that the page ends: a thread
waiting for a lock it holds itself (fixed by :class:`threading.RLock`), and two threads
that take two locks in opposite orders (fixed by one order for everybody).
"""

# %%
# Taking a lock you already hold: :class:`~threading.RLock`
# ----------------------------------------------------------
# A :class:`~threading.Lock` does not know who holds it, so a thread that acquires it a
# second time waits for itself forever.  That happens when one locked method calls
# another.  Try it with a timeout, so the page finishes instead of hanging.

import threading

from conc_examples.claims import claim


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


nested_deposit = {}
for label, lock in (("Lock", threading.Lock()), ("RLock", threading.RLock())):
    account = Account(lock)
    nested_deposit[label] = account.deposit_twice(10)
    print(
        f"{label:>5}: nested deposit succeeded: {nested_deposit[label]},"
        f" balance {account.balance}"
    )
claim(
    "The plain Lock timed out waiting for itself; the RLock let the nested call in",
    nested_deposit == {"Lock": False, "RLock": True},
    measured=f"nested deposit succeeded: {nested_deposit}",
    expected="Lock False, RLock True",
)

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
# the second ``acquire`` turns the hang into a result you can print.

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
timed_out = [name for name, what in deadlocked.items() if "timed out" in what]
claim(
    "In opposite orders, both threads timed out, each holding the lock the other needed",
    len(timed_out) == 2,
    measured=f"{len(timed_out)} of 2 timed out",
    expected="both",
)

# %%
# Without the timeout this program would never end.  A timeout *detects* a deadlock;
# it does not fix it.
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
claim(
    "In one order, both threads got both locks",
    ordered == {"thread-1": "got both locks", "thread-2": "got both locks"},
    measured=f"{sum(what == 'got both locks' for what in ordered.values())} of 2 got both",
    expected="both",
)

# %%
# Take-away: locked code that calls locked code of the same object needs an
# :class:`~threading.RLock`, and code that takes several locks must take them in one
# fixed order.
