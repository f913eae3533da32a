"""
Coordinating tasks: queues, semaphores, events and locks
========================================================

Tasks on one :term:`event loop` never run at the same instant, yet they still need
coordinating: handing work on, limiting how many hit a server, waiting for a signal,
and protecting a read-modify-write that spans an ``await``.  :mod:`asyncio` has its
own :class:`~asyncio.Queue`, :class:`~asyncio.Semaphore`, :class:`~asyncio.Event` and
:class:`~asyncio.Lock`: like their :mod:`threading` namesakes, but awaited, so a task
that waits on one lets the others run.
"""

# %%
# A queue between a producer and N workers
# ----------------------------------------
# The producer puts jobs on an :class:`asyncio.Queue`; three workers take them.  A
# worker marks each job done with :meth:`~asyncio.Queue.task_done`, so
# :meth:`~asyncio.Queue.join` returns when every job put has been processed.  The
# workers loop forever, so the owner cancels them once the queue is drained.

import asyncio
import time
from contextlib import nullcontext

WORKERS, JOBS, JOB_SECONDS = 3, 12, 0.05


async def producer(queue: asyncio.Queue[int]) -> None:
    for job in range(JOBS):
        await queue.put(job)


async def worker(
    name: str, queue: asyncio.Queue[int], done_by: dict[str, list[int]]
) -> None:
    while True:
        job = await queue.get()
        try:
            await asyncio.sleep(JOB_SECONDS)  # the work: waiting on something
            done_by.setdefault(name, []).append(job)
        finally:
            queue.task_done()


async def producer_and_workers() -> dict[str, list[int]]:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=WORKERS)
    done_by: dict[str, list[int]] = {}
    workers = [
        asyncio.create_task(worker(f"worker {n}", queue, done_by)) for n in range(WORKERS)
    ]
    await producer(queue)
    await queue.join()
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)  # wait for them to end
    return done_by


start = time.perf_counter()
done_by = asyncio.run(producer_and_workers())
queue_seconds = time.perf_counter() - start
for name, jobs in sorted(done_by.items()):
    print(f"{name} did jobs {jobs}")
print(f"{JOBS} jobs of {JOB_SECONDS} s took {queue_seconds:.2f} s with {WORKERS} workers")

from conc_examples.claims import claim

done = sorted(job for jobs in done_by.values() for job in jobs)
claim(
    "Every job was done once, and the workers' waits overlapped",
    done == list(range(JOBS)) and queue_seconds < 0.75 * JOBS * JOB_SECONDS,
    measured=f"{len(done)} jobs by {len(done_by)} workers in {queue_seconds:.2f} s",
    expected=f"{JOBS} jobs once each, under 3/4 of one worker's {JOBS * JOB_SECONDS:.2f} s",
)

# %%
# ``maxsize`` bounds the queue: when it is full, ``put`` waits, so a fast producer
# cannot pile up unbounded work in memory ahead of slow workers.
#
# A semaphore bounds concurrency
# ------------------------------
# Twenty requests gathered at once all run at once: a server might refuse that.  An
# :class:`asyncio.Semaphore` holds a fixed number of permits; ``async with`` takes one
# and waits while none is left.  Each request counts how many are in flight, and we
# keep the peak.

REQUESTS, BOUND = 20, 4


class InFlight:
    """Count requests in progress and remember the most there ever were."""

    def __init__(self) -> None:
        self.now = self.peak = 0

    def __enter__(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def __exit__(self, *exc_info: object) -> None:
        self.now -= 1


async def request(in_flight: InFlight, limit: asyncio.Semaphore | None) -> None:
    async with limit or nullcontext():  # nullcontext: no limit at all
        with in_flight:
            await asyncio.sleep(JOB_SECONDS)


async def peak_in_flight(limit: asyncio.Semaphore | None) -> int:
    in_flight = InFlight()
    async with asyncio.TaskGroup() as group:
        for _ in range(REQUESTS):
            group.create_task(request(in_flight, limit))
    return in_flight.peak


unbounded = asyncio.run(peak_in_flight(None))
bounded = asyncio.run(peak_in_flight(asyncio.Semaphore(BOUND)))
print(f"{REQUESTS} requests without a semaphore: at most {unbounded} in flight")
print(f"{REQUESTS} requests with Semaphore({BOUND}):   at most {bounded} in flight")
claim(
    "The semaphore capped the requests in flight at its bound",
    (unbounded, bounded) == (REQUESTS, BOUND),
    measured=f"at most {unbounded} without, {bounded} with Semaphore({BOUND})",
    expected=f"{REQUESTS} without, {BOUND} with",
)

# %%
# An event: wait for a signal
# ---------------------------
# An :class:`asyncio.Event` starts unset; every task awaiting
# :meth:`~asyncio.Event.wait` resumes when one task calls
# :meth:`~asyncio.Event.set`.  Here three runners wait for the starting gun.


async def runner(name: str, gun: asyncio.Event, started: list[str]) -> None:
    await gun.wait()
    started.append(name)


async def race() -> tuple[list[str], list[str]]:
    gun = asyncio.Event()
    started: list[str] = []
    async with asyncio.TaskGroup() as group:
        for name in ["ann", "ben", "cat"]:
            group.create_task(runner(name, gun, started))
        await asyncio.sleep(JOB_SECONDS)
        before_the_gun = list(started)
        gun.set()
    return before_the_gun, started


before_the_gun, started = asyncio.run(race())
print(f"before the gun: started = {before_the_gun}\nafter the gun:  started = {started}")
claim(
    "No runner started before the gun, and one set() released them all",
    before_the_gun == [] and started == ["ann", "ben", "cat"],
    measured=f"{before_the_gun} before, {started} after",
    expected="none before, all three after",
)

# %%
# A lock: a race on one thread
# ----------------------------
# One thread does not mean no :term:`race condition`.  A task switch happens only at an
# ``await``, so a read-modify-write with an ``await`` in the middle can interleave
# with another task's: both read the same balance, both write back their own sum,
# and one deposit is lost.  An :class:`asyncio.Lock` around the three steps makes
# them one.

DEPOSITORS, DEPOSITS = 10, 20


class Account:
    def __init__(self) -> None:
        self.balance = 0


async def deposit(account: Account, lock: asyncio.Lock | None) -> None:
    for _ in range(DEPOSITS):
        async with lock or nullcontext():
            balance = account.balance
            await asyncio.sleep(0)  # e.g. a write to a database: the loop switches
            account.balance = balance + 1


async def final_balance(lock: asyncio.Lock | None) -> int:
    account = Account()
    async with asyncio.TaskGroup() as group:
        for _ in range(DEPOSITORS):
            group.create_task(deposit(account, lock))
    return account.balance


expected = DEPOSITORS * DEPOSITS
without_lock = asyncio.run(final_balance(None))
with_lock = asyncio.run(final_balance(asyncio.Lock()))
print(f"expected balance {expected}")
print(f"without a lock:  {without_lock} ({expected - without_lock} deposits lost)")
print(f"with a lock:     {with_lock} ({expected - with_lock} deposits lost)")
claim(
    "Without a lock deposits were lost on one thread; with it none",
    without_lock < expected == with_lock,
    measured=f"{expected - without_lock} lost without, {expected - with_lock} with",
    expected="some lost without, none with",
)

# %%
# Take-away: a queue hands work to a fixed set of workers, a semaphore caps what is in
# flight, an event releases every waiter at once, and a read-modify-write across an
# ``await`` needs a lock even on one thread.
