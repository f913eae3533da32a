"""
Queues between threads
======================

The safest way for threads to share data is not to share it: one thread *puts* work
on a :class:`queue.Queue`, another *gets* it.  The queue does all the locking, so
neither side needs a lock of its own.  On this page you build a producer and two
consumers, stop them with a sentinel, wait for the work with ``task_done``/``join``, see
the order of :class:`~queue.LifoQueue` and :class:`~queue.PriorityQueue`, and end with
``Queue.shutdown()``, the Python 3.13 way of saying "no more work".
"""

# %%
# The pattern: producer, consumers and a sentinel
# -----------------------------------------------
# A consumer cannot know when the producer is done, so the producer tells it: after the
# work it puts a *sentinel*, an object that is not work, once per consumer.  ``get``
# blocks until an item arrives; its ``timeout`` makes a stuck producer an error, not a
# hang.  ``maxsize`` bounds the queue, so a fast producer waits for slow consumers
# instead of filling memory.  The sentinel is compared by identity, which only works
# within one process: a :mod:`multiprocessing` queue pickles every item, and the copy
# of an ``object()`` is another object (use ``None`` there, which unpickles as itself).

import queue
import threading

STOP = object()  # the sentinel: never confused with real work
jobs: queue.Queue = queue.Queue(maxsize=4)
done: queue.Queue = queue.Queue()  # consumers report back here; unbounded


def consumer() -> None:
    while (job := jobs.get(timeout=5)) is not STOP:
        done.put((threading.current_thread().name, job, job * job))


threads = [threading.Thread(target=consumer, name=f"consumer-{i}") for i in range(2)]
for thread in threads:
    thread.start()
for job in [*range(8), *[STOP] * len(threads)]:
    jobs.put(job, timeout=5)
for thread in threads:
    thread.join(timeout=10)

# %%
# Every job came back once, and no consumer is left waiting:

import sys
import time
from collections import Counter

from conc_examples.claims import claim

results = [done.get_nowait() for _ in range(done.qsize())]
print(f"jobs per consumer: {dict(Counter(who for who, _, _ in results))}")
consumers_alive = sum(t.is_alive() for t in threads)
claim(
    "Every job was handled once, and each consumer stopped at its sentinel",
    sorted(job for _, job, _ in results) == list(range(8)) and consumers_alive == 0,
    measured=f"{len(results)} jobs handled; consumers still running: {consumers_alive}",
    expected="jobs 0 to 7, once each; none running",
)

# %%
# One sentinel per consumer matters: a consumer that got none would wait for ever (here
# until its ``get`` timed out).
#
# Waiting for the work, not the workers: ``task_done`` and ``join``
# -----------------------------------------------------------------
# Sometimes the consumers should stay up and the producer only needs to know that
# everything it put has been handled.  Every :meth:`~queue.Queue.get` is then paired
# with a :meth:`~queue.Queue.task_done` (in a ``finally``, so a failing job still
# counts), and :meth:`~queue.Queue.join` returns when every item put has been marked
# done.  ``join`` has no timeout, which is why the ``finally`` is not optional.

work: queue.Queue = queue.Queue()
handled: list[int] = []


def worker() -> None:
    while True:
        item = work.get(timeout=5)
        try:
            if item is STOP:
                return
            time.sleep(0.01)
            handled.append(item)
        finally:
            work.task_done()


helper = threading.Thread(target=worker, name="worker")
helper.start()
after_join = []
for batch in ([1, 2, 3], [4, 5]):
    for item in batch:
        work.put(item)
    work.join()  # returns once each item of the batch is done
    after_join.append((list(handled), helper.is_alive()))
work.put(STOP)
helper.join(timeout=5)
claim(
    "join() returned once each batch was handled, with the worker still up",
    after_join == [([1, 2, 3], True), ([1, 2, 3, 4, 5], True)],
    measured=f"after each join: {after_join}",
    expected="[1, 2, 3], then [1, 2, 3, 4, 5]; alive both times",
)

# %%
# Other orders: LIFO and priority
# -------------------------------
# :class:`~queue.LifoQueue` hands out the newest item first (a stack);
# :class:`~queue.PriorityQueue` the smallest.  Both are as thread-safe as
# :class:`~queue.Queue`.
#
# Priority items are tuples, compared element by element.  Two jobs of equal priority
# are then told apart by their data: a dict cannot be compared, and the queue raises
# :exc:`TypeError`.  Put a counter between priority and data, ``(priority, n, data)``:
# it is never equal, so the data is never compared, and equal priorities come out in
# the order they went in.

from itertools import count

arrivals = [
    (3, {"job": "rebuild index"}),
    (1, {"job": "serve request"}),
    (2, {"job": "send e-mail"}),
    (1, {"job": "log in"}),
]
arrival_number = count()
orders = {}
for kind in (queue.Queue, queue.LifoQueue, queue.PriorityQueue):
    q = kind()
    for priority, job in arrivals:
        q.put((priority, next(arrival_number), job))
    orders[kind.__name__] = [q.get_nowait()[2]["job"] for _ in arrivals]
    print(f"{kind.__name__:>13}: {orders[kind.__name__]}")

try:
    bare = queue.PriorityQueue()
    bare.put(arrivals[1])
    bare.put(arrivals[3])  # same priority: Python compares the two dicts
    bare.get_nowait()
except TypeError as error:
    bare_tuple_error = error
    print(f"without the counter: {type(error).__name__}: {error}")
claim(
    "With the counter, equal priorities came out in arrival order; without, TypeError",
    orders["PriorityQueue"][:2] == ["serve request", "log in"]
    and isinstance(bare_tuple_error, TypeError),
    measured=f"{orders['PriorityQueue'][:2]}; without: {type(bare_tuple_error).__name__}",
    expected="'serve request' before 'log in'; TypeError",
)

# %%
# Stopping consumers: ``shutdown()`` (Python 3.13+) and sentinels (3.11, 3.12)
# ----------------------------------------------------------------------------
# Python 3.13 added :meth:`Queue.shutdown() <queue.Queue.shutdown>`: after it, ``put``
# raises :exc:`queue.ShutDown` at once, and ``get`` raises it once the queue is empty, so
# every consumer (however many) stops after the last item without a sentinel.
# ``shutdown(immediate=True)`` drops what is left instead.  On older Pythons the sentinel
# above is the way; this code picks whichever this Python has.
#
# A consumer whose ``get`` times out should say so and return.  Do not ``raise
# SystemExit`` in a thread: it ends only that thread, and :func:`threading.excepthook`
# swallows it without a word.

pending: queue.Queue = queue.Queue()
eaten: list[int] = []
gave_up: list[str] = []
STOPPERS = 3


def eater() -> None:
    while True:
        try:
            item = pending.get(timeout=5)
        except queue.Empty:
            gave_up.append(threading.current_thread().name)  # no work, no stop signal
            return
        except getattr(queue, "ShutDown", ()):  # queue.ShutDown exists from 3.13
            return
        if item is STOP:
            return
        eaten.append(item)


eaters = [threading.Thread(target=eater, name=f"eater-{i}") for i in range(STOPPERS)]
for thread in eaters:
    thread.start()
for item in range(6):
    pending.put(item)
if sys.version_info >= (3, 13):
    how = "pending.shutdown()"
    pending.shutdown()  # consumers finish the 6 items, then their get() raises ShutDown
else:
    how = f"{STOPPERS} sentinels"
    for _ in eaters:
        pending.put(STOP)
asked_to_stop = time.perf_counter()
for thread in eaters:
    thread.join(timeout=10)
stopped_within = time.perf_counter() - asked_to_stop
eaters_alive = sum(t.is_alive() for t in eaters)
print(f"Python {sys.version_info.major}.{sys.version_info.minor}: stopped with {how}")
print(f"items eaten: {sorted(eaten)}; consumers still running: {eaters_alive}")
print(f"all stopped {stopped_within * 1000:.1f} ms after the signal; gave up: {gave_up}")
claim(
    "Every consumer ate its share and stopped after the last item, not at its timeout",
    sorted(eaten) == list(range(6)) and eaters_alive == 0 and gave_up == [],
    measured=f"{len(eaten)} items eaten; stopped {stopped_within * 1000:.1f} ms after",
    expected="6 items, all stopped, none gave up at its 5 s timeout",
)

# %%
# Take-away: a queue is the lock-free way (for you) to pass work between threads; tell
# consumers when to stop (a sentinel each, or ``shutdown()`` on 3.13+) and wait for the
# work with ``task_done``/``join``.
