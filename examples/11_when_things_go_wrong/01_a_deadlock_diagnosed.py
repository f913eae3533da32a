"""
A hang, diagnosed: where is each thread waiting?
================================================

Two threads take two locks in opposite order: a :term:`deadlock`.  You will ask the
program where each thread waits, first from inside (:mod:`faulthandler`), then from
outside (``py-spy dump``, and on Python 3.15 the standard library's own sampling
profiler), read the lines they name, and fix the lock order.
"""

# %%
# The hang
# --------
# Each thread holds one lock and waits for the other's.  A
# :class:`~threading.Barrier` makes that timing certain.  The second
# :meth:`~threading.Lock.acquire` waits 1.5 s instead of for ever, so that this page
# ends; for that second and a half the program is as stuck as a real deadlock.

import threading

lock_a, lock_b = threading.Lock(), threading.Lock()
both_hold_one = threading.Barrier(3)  # the two threads, and the main thread
STUCK_FOR = 1.5


def a_then_b() -> None:
    with lock_a:
        both_hold_one.wait(timeout=5)
        if lock_b.acquire(timeout=STUCK_FOR):  # waits here: thread 2 holds b
            lock_b.release()


def b_then_a() -> None:
    with lock_b:
        both_hold_one.wait(timeout=5)
        if lock_a.acquire(timeout=STUCK_FOR):  # waits here: thread 1 holds a
            lock_a.release()


# %%
# Asking from inside: faulthandler
# --------------------------------
# :func:`faulthandler.dump_traceback_later` starts a watchdog: if the program is
# still running after the delay, it writes every thread's stack to a file.  It writes
# to a file descriptor, straight from C, so it works even when no Python code can
# run.  Set it where a program may hang; cancel it when the risky part is over.

import faulthandler
import tempfile
import time

from conc_examples.trouble.hangs import frames_in, py_spy_dump, sampling_dump, trimmed

here = a_then_b.__code__.co_filename  # this script: its frames are the ones to read
threads = [threading.Thread(target=f, name=f.__name__) for f in (a_then_b, b_then_a)]
with tempfile.TemporaryFile("w+") as report:
    faulthandler.dump_traceback_later(0.1, file=report)
    for thread in threads:
        thread.start()
    both_hold_one.wait(timeout=5)  # from here on both threads are stuck
    time.sleep(0.2)  # the watchdog has written by now
    faulthandler.cancel_dump_traceback_later()
    report.seek(0)
    dump_inside = report.read()

print(trimmed(dump_inside, here))

# %%
# That is the dump, cut to the frames in this file (the full one also lists
# :mod:`threading`'s frames and the main thread).  It names each thread by its id and
# shows each stack from the innermost call out.  The lines it names are these, numbered
# as in the downloaded script:
#
# .. literalinclude:: /../examples/11_when_things_go_wrong/01_a_deadlock_diagnosed.py
#    :pyobject: a_then_b
#    :lineno-match:
#
# .. literalinclude:: /../examples/11_when_things_go_wrong/01_a_deadlock_diagnosed.py
#    :pyobject: b_then_a
#    :lineno-match:

import linecache

from conc_examples.claims import Need, claim


def at_acquire(frames) -> bool:
    """One frame per thread, each on the `acquire` line of its own function."""
    lines = {f.function: linecache.getline(here, f.line) for f in frames}
    return sorted(lines) == ["a_then_b", "b_then_a"] and all(
        ".acquire(timeout=STUCK_FOR)" in line for line in lines.values()
    )


inside = frames_in(dump_inside, here)
claim(
    "faulthandler showed each thread waiting on its second acquire",
    at_acquire(inside) and len(inside) == 2,
    measured="; ".join(map(str, inside)),
    expected="a_then_b and b_then_a, each at its `.acquire(timeout=STUCK_FOR)` line",
)

# %%
# Asking from outside: py-spy
# ---------------------------
# Often you cannot change the program: it is already hung.  `py-spy
# <https://github.com/benfred/py-spy>`_ (``pip install py-spy``) reads a running
# Python process's stacks without stopping it for more than a moment:
# ``py-spy dump --pid PID``.  It needs permission to read another process's memory:
# on Linux, root, or ``CAP_SYS_PTRACE``, or ``kernel.yama.ptrace_scope`` set to 0; on
# macOS, ``sudo``.  Here this page dumps its own process, as you would from a shell.

import os

dump, why_not = py_spy_dump(os.getpid())
print(trimmed(dump, here) if dump else why_not)
outside = frames_in(dump, here)

# %%
# Python 3.15 reads another process without py-spy: ``python -m profiling.sampling
# dump -a PID`` (``-a`` for every thread, not only the main one), with the same
# permission.  It prints each stack the way a traceback does, the innermost call last,
# and names each thread by the system's id.

standard_dump, standard_why_not = sampling_dump(os.getpid())
print(trimmed(standard_dump, here) if standard_dump else standard_why_not)
standard = frames_in(standard_dump, here)

for thread in threads:
    thread.join(timeout=STUCK_FOR + 5)
threads_left = sum(thread.is_alive() for thread in threads)

# %%
# py-spy names the threads too (``a_then_b`` and ``b_then_a``).  Two threads, each
# waiting on an ``acquire``, each holding the lock the other waits for: that is the
# deadlock, found without guessing.

claim(
    "py-spy, from outside, named both threads at the same lines",
    at_acquire(outside) and {f.thread for f in outside} == {"a_then_b", "b_then_a"},
    measured="; ".join(map(str, outside)) or "no frame",
    expected="the same two lines, each under its thread's name",
    needs=Need("py-spy, allowed to read another process", why_not is None, str(why_not)),
)
claim(
    "Python's own sampling profiler, from outside, found the same two lines",
    at_acquire(standard) and len(standard) == 2,
    measured="; ".join(map(str, standard)) or "no frame",
    expected="a_then_b and b_then_a, each at its `.acquire(timeout=STUCK_FOR)` line",
    needs=Need(
        "Python 3.15+ (profiling.sampling), allowed to read another process",
        standard_why_not is None,
        str(standard_why_not),
    ),
)
#
# The fix: one lock order
# -----------------------
# Give the locks one order and make every thread follow it: ``a`` before ``b``.
# Whoever takes ``a`` first also gets ``b``; the other waits for ``a`` holding
# nothing.  Both threads now take both locks 20,000 times, with no barrier and no
# timeout, and finish.  (``acquire(timeout=...)`` alone only turns the hang into an
# error you can log and retry.)

ROUNDS = 20_000


def a_then_b_many_times() -> None:
    for _ in range(ROUNDS):
        with lock_a, lock_b:  # one order, in every thread
            pass


start = time.perf_counter()
fixed = [threading.Thread(target=a_then_b_many_times) for _ in range(2)]
for thread in fixed:
    thread.start()
for thread in fixed:
    thread.join(timeout=10)
fixed_left = sum(thread.is_alive() for thread in fixed)
fixed_seconds = time.perf_counter() - start
print(f"one lock order: {2 * ROUNDS} rounds done in {fixed_seconds * 1000:.0f} ms")
claim(
    "With one lock order every thread finished, without a timeout",
    fixed_left == 0 and threads_left == 0,
    measured=f"{2 * ROUNDS} rounds in {fixed_seconds * 1000:.0f} ms,"
    f" {fixed_left + threads_left} threads left",
    expected="no thread left",
)

# %%
# Take-away: when a program hangs, dump its threads (from inside with faulthandler, from
# outside with ``py-spy dump`` or, on 3.15, ``python -m profiling.sampling dump -a``) and
# read the lines where they wait: here the tools pointed at the two ``acquire`` calls, and
# one lock order then ran 40,000 rounds without a hang.
