"""
Exceptions in threads and pools
===============================

A function that raises in a thread does not raise in the thread that started it: you
will see a program whose thread failed exit with status 0, and ``join()`` return as if
all went well.  Then the fixes: a future's ``result()`` raises the task's exception in
the caller, and you will see what ``Executor.map`` does with the results after one.
"""

# %%
# A failed thread, and a program that exits with status 0
# --------------------------------------------------------
# An uncaught exception ends only the thread it was raised in.  Python hands it to
# :func:`threading.excepthook`, whose default prints the traceback to stderr, and the
# rest of the program carries on.  Here a small program runs such a thread in a child
# interpreter, so that you can read its stderr and its exit status.

import subprocess
import sys

PROGRAM = """
import threading
def divide():
    return 1 / 0
thread = threading.Thread(target=divide)
thread.start()
thread.join()
print("join() returned; the program goes on")
"""

child = subprocess.run(
    [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=30
)
stderr_lines = child.stderr.strip().splitlines() or ["(nothing)"]
print(f"stdout: {child.stdout.strip()}")
print(f"stderr: {stderr_lines[0]} ... {stderr_lines[-1]}")
print(f"exit status: {child.returncode}")

# %%
# A script that runs its work in threads can therefore fail in every thread and still
# report success to the shell, to cron, or to CI.

from conc_examples.claims import claim

claim(
    "A program whose thread raised exited with status 0",
    child.returncode == 0 and "ZeroDivisionError" in child.stderr,
    measured=f"exit status {child.returncode}, stderr ends {stderr_lines[-1]!r}",
    expected="status 0, the traceback only on stderr",
)

# %%
# ``join()`` does not raise it either
# -----------------------------------
# In your own process, you can replace :func:`threading.excepthook` to see what it is
# given: the exception and the thread it ended.  ``join()`` only waits for the thread
# to end; it has no way to say how it ended.

import threading


def divide(x: float) -> float:
    return 1 / x


hooked = []
default_hook, threading.excepthook = threading.excepthook, hooked.append
try:
    thread = threading.Thread(target=divide, args=(0,), name="divider")
    thread.start()
    joined = thread.join(timeout=30)
finally:
    threading.excepthook = default_hook
seen = [(args.thread.name, type(args.exc_value).__name__) for args in hooked]
print(f"join() returned {joined!r}; the excepthook was given {seen}")
claim(
    "join() returned normally; only threading.excepthook saw the exception",
    joined is None and seen == [("divider", "ZeroDivisionError")],
    measured=f"join() returned {joined!r}, excepthook got {seen}",
    expected="None, and one ZeroDivisionError from 'divider'",
)

# %%
# The fix: a future carries the exception back
# --------------------------------------------
# Run the function in a pool instead.  The pool's worker catches the exception and
# stores it in the task's :class:`~concurrent.futures.Future`; ``result()`` raises it
# in the thread that asks, with the worker's frames in its traceback.  That is what you
# want: the caller decides what a failure means.

import traceback
from concurrent.futures import ThreadPoolExecutor

raised, frames = None, []
with ThreadPoolExecutor(max_workers=2) as pool:
    try:
        pool.submit(divide, 0).result(timeout=30)
    except ZeroDivisionError as error:
        raised, frames = error, [f.name for f in traceback.extract_tb(error.__traceback__)]
print(f"result() raised {raised!r}; traceback through {frames}")
claim(
    "result() raised the task's exception in the caller",
    isinstance(raised, ZeroDivisionError) and "divide" in frames,
    measured=f"{raised!r}, raised through {' > '.join(frames)}",
    expected="ZeroDivisionError, with the task's frame 'divide' in its traceback",
)

# %%
# If you must use a bare :class:`threading.Thread`, do the same by hand: catch the
# exception in the thread, keep it, and raise it again in ``join()``.  (A future does
# exactly this, and also hands back the return value.)


class ReportingThread(threading.Thread):
    error: BaseException | None = None

    def run(self) -> None:
        try:
            super().run()
        except BaseException as error:  # kept for join(), not lost to the excepthook
            self.error = error

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.error is not None:
            raise self.error


thread = ReportingThread(target=divide, args=(0,))
thread.start()
rejoined = None
try:
    thread.join(timeout=30)
except ZeroDivisionError as error:
    rejoined = error
print(f"ReportingThread.join() raised {rejoined!r}")
claim(
    "A thread that keeps its exception can raise it again in join()",
    isinstance(rejoined, ZeroDivisionError),
    measured=f"join() raised {rejoined!r}",
    expected="ZeroDivisionError",
)

# %%
# ``Executor.map``: the first exception ends the iteration
# --------------------------------------------------------
# :meth:`~concurrent.futures.Executor.map` submits every task at once and yields their
# results in order.  When it reaches a task that raised, it raises that exception, and
# on its way out it cancels every task that has not started yet; one that is running
# runs to its end.  Here one worker runs six tasks of 0.1 s; the second fails at once.

import time

ran = []


def slow_square(x: int) -> int:
    ran.append(x)
    if x == 1:
        raise ValueError(f"bad input {x}")
    time.sleep(0.1)
    return x * x


received, map_error = [], None
with ThreadPoolExecutor(max_workers=1) as pool:
    try:
        for result in pool.map(slow_square, range(6), timeout=30):
            received.append(result)
    except ValueError as error:
        map_error = error
print(f"map gave {received}, then raised {map_error!r}")
print(f"tasks that ran: {ran} of {list(range(6))}")
claim(
    "map gave the results before the failing task, then raised its exception",
    received == [0] and str(map_error) == "bad input 1",
    measured=f"results {received}, then {map_error!r}",
    expected="[0], then ValueError('bad input 1')",
)
claim(
    "The tasks still queued when map raised never ran",
    len(ran) < 6,
    measured=f"{len(ran)} of 6 tasks ran ({ran}); the rest were cancelled",
    expected="fewer than 6",
    why="the worker started every task before the caller reached the failure",
)

# %%
# The fix: when one failure must not cost you the other results, submit each task and
# ask each future for its own outcome.  Every task runs, and you get every result and
# every exception, each in its place.

ran.clear()
with ThreadPoolExecutor(max_workers=3) as pool:
    futures = [pool.submit(slow_square, x) for x in range(6)]
    outcomes = [f.exception(timeout=30) or f.result() for f in futures]
print(f"each future's outcome: {outcomes}")
errors = sum(isinstance(outcome, Exception) for outcome in outcomes)
claim(
    "Asking each future kept every other result",
    len(ran) == 6 and errors == 1,
    measured=f"{len(ran)} tasks ran; {6 - errors} results and {errors} exception",
    expected="6 ran; 5 results and 1 exception",
)

# %%
# Take-away: a thread's exception never reaches ``join()`` (the program above still
# exited with status 0); run the work through a future, whose ``result()`` raises it
# where you can handle it, and remember that ``map`` stops at the first failure.
