"""
Waiting for room: Condition and Semaphore
=========================================

A lock stops threads from changing data at the same time.  Threads also need to *wait*:
for room in a buffer, for a free slot.  On this page a :class:`threading.Condition`
keeps a fast producer at most three items ahead, and a
:class:`threading.BoundedSemaphore` lets at most three of eight workers in at once.
Every wait has a timeout, so a mistake ends the page with an error, not a hang.
"""

# %%
# Condition: a bounded buffer
# ---------------------------
# A producer hands items to a slower consumer through a buffer that holds at most three.
# When the buffer is full the producer must wait until the consumer takes one; when it
# is empty the consumer must wait for the producer.  A :class:`~threading.Condition` is a
# lock plus a waiting room: :meth:`~threading.Condition.wait_for` releases the lock,
# sleeps until another thread calls :meth:`~threading.Condition.notify_all`, then
# re-acquires the lock and checks the predicate again.

import threading
import time
from collections import deque

from conc_examples.claims import claim


class BoundedBuffer:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.items: deque[int] = deque()
        self.changed = threading.Condition()
        self.largest = 0  # the most items ever held at once
        self.producer_waits = 0

    def put(self, item: int, timeout: float = 5) -> None:
        with self.changed:
            if len(self.items) >= self.capacity:
                self.producer_waits += 1
            if not self.changed.wait_for(lambda: len(self.items) < self.capacity, timeout):
                raise TimeoutError("the buffer stayed full")
            self.items.append(item)
            self.largest = max(self.largest, len(self.items))
            self.changed.notify_all()

    def get(self, timeout: float = 5) -> int:
        with self.changed:
            if not self.changed.wait_for(lambda: self.items, timeout):
                raise TimeoutError("the buffer stayed empty")
            item = self.items.popleft()
            self.changed.notify_all()
            return item


buffer = BoundedBuffer(capacity=3)
received: list[int] = []


def consume(count: int) -> None:
    for _ in range(count):
        received.append(buffer.get())
        time.sleep(0.01)  # the consumer is the slow one


consumer = threading.Thread(target=consume, args=(10,), name="consumer")
consumer.start()
for item in range(10):
    buffer.put(item)
consumer.join(timeout=10)

print(f"received in order: {received}")
print(f"most items in the buffer at once: {buffer.largest} (capacity {buffer.capacity})")
print(f"times the producer found the buffer full and waited: {buffer.producer_waits}")
claim(
    "The consumer received every item in order",
    received == list(range(10)),
    measured=f"{len(received)} items, in order: {received == sorted(received)}",
    expected="items 0 to 9, in order",
)
claim(
    "The producer ran ahead, filled the buffer to its capacity, then waited",
    buffer.largest == buffer.capacity and buffer.producer_waits > 0,
    measured=f"at most {buffer.largest} items held; waited {buffer.producer_waits} times",
    expected=f"{buffer.capacity} at most, at least one wait",
)

# %%
# So the producer could never get more than three items ahead.  (:class:`queue.Queue`
# with ``maxsize`` is this buffer, ready-made: see the :doc:`queues page <06_queues>`.)
#
# Semaphore: at most K at a time
# ------------------------------
# Eight workers want a resource that can serve only three at once (a database that
# allows three connections, an API with a concurrency limit).  A
# :class:`~threading.BoundedSemaphore` holds three permits: ``acquire`` takes one, or
# waits until someone releases one.  Each worker counts how many are inside at the same
# time, and you keep the peak; for comparison, the same workers without the semaphore.

WORKERS, PERMITS = 8, 3


def peak_concurrency(limit: threading.BoundedSemaphore | None) -> int:
    inside, peak = 0, 0
    count_lock = threading.Lock()

    def use_resource() -> None:
        nonlocal inside, peak
        if limit is not None and not limit.acquire(timeout=5):
            raise TimeoutError("no permit within 5 s")
        try:
            with count_lock:
                inside += 1
                peak = max(peak, inside)
            time.sleep(0.05)  # using the resource
            with count_lock:
                inside -= 1
        finally:
            if limit is not None:
                limit.release()

    threads = [threading.Thread(target=use_resource) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return peak


with_limit = peak_concurrency(threading.BoundedSemaphore(PERMITS))
without_limit = peak_concurrency(None)
print(f"peak users with a semaphore of {PERMITS}: {with_limit}")
print(f"peak users without it:         {without_limit} of {WORKERS} workers")
claim(
    "The semaphore held the peak at its permits; without it, more workers got in",
    with_limit == PERMITS and without_limit > PERMITS,
    measured=f"peak {with_limit} with it, {without_limit} without",
    expected=f"exactly {PERMITS} with it, more without",
)

# %%
# A :class:`~threading.BoundedSemaphore` also raises :exc:`ValueError` if it is
# released more often than acquired, which catches a bug a plain
# :class:`~threading.Semaphore` would hide: an extra release quietly adds a fourth
# permit.
#
# Take-away: wait for a condition with :class:`~threading.Condition`, limit concurrency
# with a semaphore, and give every wait a timeout.
