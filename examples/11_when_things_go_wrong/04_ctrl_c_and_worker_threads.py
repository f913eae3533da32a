"""
Ctrl-C reaches only the main thread
===================================

You will send ``SIGINT`` to a program whose worker threads wait on a queue: only the
main thread hears it, and the workers would keep the program alive for ever.  Then
the main thread stops them, with ``Queue.shutdown()`` on Python 3.13+ or one sentinel
per worker on 3.11 and 3.12.
"""

# %%
# Only the main thread may handle signals
# ---------------------------------------
# Python runs every signal handler in the main thread, between two bytecodes.  So
# only the main thread may install one: :func:`signal.signal` called from any other
# thread raises :exc:`ValueError`.

import signal
import threading

refusals: list[str] = []


def install_a_handler() -> None:
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError as error:
        refusals.append(str(error))


thread = threading.Thread(target=install_a_handler)
thread.start()
thread.join(timeout=5)
print("signal.signal in a thread:", refusals[0])

from conc_examples.claims import claim

claim(
    "A thread other than the main one may not install a signal handler",
    len(refusals) == 1 and "main thread" in refusals[0],
    measured=f"ValueError: {refusals[0]}" if refusals else "accepted",
    expected="a ValueError naming the main thread",
)

# %%
# The failure: workers that never hear Ctrl-C
# -------------------------------------------
# Three workers take jobs from a :class:`queue.Queue`.  The queue is empty, so they
# wait in :meth:`~queue.Queue.get`.  Then the signal comes: a timer thread sends the
# process a real ``SIGINT`` with :func:`os.kill`, as Ctrl-C in a terminal would.
# Python's default handler raises :exc:`KeyboardInterrupt`, in the main thread only.
# (POSIX only: on Windows ``os.kill`` with ``SIGINT`` ends the process; Ctrl-C at a
# console still raises :exc:`KeyboardInterrupt` in the main thread.)

import os
import queue
import sys
import time

STOP = object()  # the sentinel, for Pythons before 3.13
ShutDown = getattr(queue, "ShutDown", ())  # Python 3.13+; () catches nothing


def worker(jobs: queue.Queue) -> None:
    while True:
        try:
            job = jobs.get(timeout=10)
        except (ShutDown, queue.Empty):  # shut down (3.13+), or idle for 10 s
            return
        if job is STOP:
            return


signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's own, made sure
jobs: queue.Queue = queue.Queue()
workers = [threading.Thread(target=worker, args=(jobs,)) for _ in range(3)]
for each in workers:
    each.start()
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()  # "Ctrl-C"
interrupted = "no thread"
try:
    time.sleep(5)  # the main thread waits for the workers' results
except KeyboardInterrupt:
    interrupted = threading.current_thread().name
for each in workers:
    each.join(timeout=0.3)
still_waiting = sum(each.is_alive() for each in workers)
print(f"KeyboardInterrupt raised in: {interrupted}")
print(f"workers still waiting 0.3 s later: {still_waiting} of {len(workers)}")
claim(
    "Ctrl-C raised KeyboardInterrupt in the main thread only; every worker kept waiting",
    interrupted == "MainThread" and still_waiting == len(workers),
    measured=f"raised in {interrupted}; {still_waiting} of {len(workers)} still waiting",
    expected="MainThread; all 3 waiting",
)

# %%
# The workers never knew.  They are not daemon threads, so at exit Python would wait
# for them: Ctrl-C would seem to do nothing.  Making them daemons only trades the
# hang for work cut off mid-way.
#
# The fix: the main thread stops the workers
# ------------------------------------------
# Catch :exc:`KeyboardInterrupt` in the main thread and tell the workers.  Python 3.13 added
# :meth:`Queue.shutdown() <queue.Queue.shutdown>`: every ``get()`` waiting on an empty queue
# raises :exc:`queue.ShutDown`.  Before 3.13, put one sentinel per worker.

if sys.version_info >= (3, 13):
    how = "jobs.shutdown()"
    jobs.shutdown()
else:
    how = f"{len(workers)} sentinels"
    for _ in workers:
        jobs.put(STOP)
start = time.perf_counter()
for each in workers:
    each.join(timeout=5)
stopped_in = time.perf_counter() - start
workers_left = sum(each.is_alive() for each in workers)
print(f"Python {sys.version_info.major}.{sys.version_info.minor}: stopped with {how}")
print(f"workers left: {workers_left}, all stopped in {stopped_in * 1000:.1f} ms")
claim(
    "The main thread's stop ended every worker",
    workers_left == 0,
    measured=f"{workers_left} left after {how}, in {stopped_in * 1000:.1f} ms",
    expected="none left",
)

# %%
# Take-away: a signal is handled in the main thread only (a thread cannot even
# install a handler), so the main thread must turn Ctrl-C into a stop for the others:
# here all three workers stopped, as claimed above.
