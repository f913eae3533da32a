"""
Coordinating threads: Condition, Semaphore, Event, Barrier
==========================================================

A lock stops threads from changing data at the same time.  Threads also need to *wait
for each other*: for room in a buffer, for a free slot, for a signal, for everybody to
finish a phase.  Each of these has its tool in :mod:`threading`, and each wait below has
a timeout, so a mistake ends the page with an error instead of hanging it.
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

from conc_examples.plotting import show, timeline_chart
from conc_examples.results import record
from conc_examples.timeline import Recorder


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
record("buffer_received", received)
record("buffer_largest", buffer.largest)
record("buffer_producer_waits", buffer.producer_waits)

# %%
# The producer ran ahead, filled the buffer and then waited, so it could never get more
# than three items ahead.  (:class:`queue.Queue` with ``maxsize`` is this buffer,
# ready-made: see the next page.)
#
# Semaphore: at most K at a time
# ------------------------------
# Eight workers want a resource that can serve only three at once (a database that
# allows three connections, an API with a concurrency limit).  A
# :class:`~threading.BoundedSemaphore` holds three permits: ``acquire`` takes one, or
# waits until someone releases one.  Each worker counts how many are inside at the same
# time, and we keep the peak; for comparison, the same workers without the semaphore.

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
            time.sleep(0.03)  # using the resource
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
record("semaphore_peak", with_limit)
record("unlimited_peak", without_limit)

# %%
# A :class:`~threading.BoundedSemaphore` also raises :exc:`ValueError` if it is
# released more often than acquired, which catches a bug a plain
# :class:`~threading.Semaphore` would hide.
#
# Event: a start signal and a stop signal
# ---------------------------------------
# An :class:`~threading.Event` is a flag that threads can wait for.  As a *start*
# signal, it lets workers get ready and then begin together.  As a *stop* signal, it
# replaces ``time.sleep`` in a worker's loop: ``stop.wait(interval)`` sleeps for the
# interval, but returns at once (``True``) when the flag is set, so the worker stops
# promptly instead of at the end of its nap.

go, stop = threading.Event(), threading.Event()
started_at: list[float] = []
polls: dict[str, int] = {}  # each poller writes only its own key: no race


def poller() -> None:
    me = threading.current_thread().name
    go.wait(timeout=5)
    started_at.append(time.perf_counter())
    polls[me] = 0
    while not stop.wait(timeout=0.05):  # one "poll" every 50 ms until told to stop
        polls[me] += 1


pollers = [threading.Thread(target=poller, name=f"poller-{i}") for i in range(3)]
for thread in pollers:
    thread.start()
time.sleep(0.05)  # the pollers are all waiting for the start signal now
go.set()
time.sleep(0.3)
stop.set()
asked_to_stop = time.perf_counter()
for thread in pollers:
    thread.join(timeout=5)
stopped_within = time.perf_counter() - asked_to_stop
start_spread = max(started_at) - min(started_at)
print(f"the three pollers started within {start_spread * 1000:.2f} ms of each other")
print(f"polls in 0.3 s: {dict(sorted(polls.items()))}")
print(f"all three stopped {stopped_within * 1000:.1f} ms after the stop signal")
record("event_stop_seconds", stopped_within)
record("event_polls", list(polls.values()))

# %%
# Barrier: phases
# ---------------
# Some work runs in phases where nobody may start phase 2 before everyone has finished
# phase 1 (each phase reads what the previous one wrote).  A
# :class:`~threading.Barrier` for three threads releases them only when all three have
# called :meth:`~threading.Barrier.wait`.  The workers take different times, and the
# timeline shows the fast ones waiting at the end of each phase.

PHASES = 3
barrier = threading.Barrier(3)
timeline = Recorder()


def phased_worker(speed: float) -> None:
    for phase in range(1, PHASES + 1):
        with timeline.span(f"phase {phase}"):
            time.sleep(0.02 * speed * phase)
        barrier.wait(timeout=5)


workers = [
    threading.Thread(target=phased_worker, args=(speed,), name=f"worker-{speed}")
    for speed in (1, 2, 3)
]
for thread in workers:
    thread.start()
for thread in workers:
    thread.join(timeout=10)

spans = timeline.spans
in_order = all(
    min(s.start for s in spans if s.task == f"phase {p + 1}")
    >= max(s.end for s in spans if s.task == f"phase {p}")
    for p in range(1, PHASES)
)
print(f"every phase started after all threads finished the previous one: {in_order}")
record("barrier_phases_in_order", in_order)
timeline_chart(spans, title="Barrier: nobody starts a phase before all finished the last")
show()

# %%
# The bars of each phase start together, after the slowest worker's bar of the phase
# before; the gaps are the fast workers waiting at the barrier.
#
# Take-away: wait for a condition with :class:`~threading.Condition`, limit
# concurrency with a semaphore (the peak stayed at three), signal with an
# :class:`~threading.Event` (the pollers stopped within milliseconds), and line up
# phases with a :class:`~threading.Barrier`; give every wait a timeout.
