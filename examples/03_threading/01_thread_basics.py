"""
Starting, naming and joining threads
====================================

A :class:`threading.Thread` runs a function alongside the rest of the program, inside
the same :term:`process`.  On this page you start a few, see what each thread knows
about itself, wait for them with :meth:`~threading.Thread.join`, and then watch the one
choice that decides what happens to a thread when the program ends: *daemon* or not.
"""

# %%
# Start, then join
# ----------------
# ``Thread(target=..., args=..., name=...)`` only describes the thread;
# :meth:`~threading.Thread.start` makes it run.  Each thread here sleeps a little (as
# if waiting for a server) and writes what it sees into a list.  The list is shared:
# threads live in one process, so they need no queue or :term:`pickling` to hand data
# back.  :meth:`~threading.Thread.join` waits for a thread to finish; the timeout
# bounds the wait, and ``is_alive()`` afterwards says whether it really ended.

import subprocess
import sys
import threading
import time

from conc_examples.claims import claim

seen: list[dict[str, object]] = []


def greet(delay: float) -> None:
    time.sleep(delay)
    me = threading.current_thread()
    seen.append({"name": me.name, "ident": me.ident, "native_id": me.native_id})


workers = [
    threading.Thread(target=greet, args=(0.05 * (i + 1),), name=f"greeter-{i}")
    for i in range(3)
]
for worker in workers:
    worker.start()

running = [t.name for t in threading.enumerate()]
print(f"threads while the greeters sleep: {running}")
claim(
    "While the greeters slept, the process ran four threads: the main one and three more",
    len(running) == 4,
    measured=f"{len(running)} threads",
    expected="4",
)

for worker in workers:
    worker.join(timeout=10)
stuck = [worker.name for worker in workers if worker.is_alive()]

for entry in seen:
    print(f"{entry['name']}: ident {entry['ident']}, OS thread id {entry['native_id']}")
after_join = [t.name for t in threading.enumerate()]
print(f"threads after join: {after_join}; still running: {stuck}")
print(f"this code runs in: {threading.current_thread().name}")

# %%
# ``ident`` is Python's number for the thread; ``native_id`` is the operating system's:
# every thread is a real OS thread, scheduled by the OS like a process is.

native_ids = {entry["native_id"] for entry in seen}
claim(
    "Each greeter was an OS thread of its own; once they were joined, only main was left",
    len(native_ids) == 3 and after_join == ["MainThread"],
    measured=f"{len(native_ids)} OS thread ids; after join: {after_join}",
    expected="3 ids, then ['MainThread']",
)

# %%
# ``join(timeout)`` tells you whether a thread ended; it cannot end it.  Python has no
# way to kill a thread, and at exit it waits for every non-daemon thread with no
# timeout, so ``join(10)`` followed by ``raise SystemExit`` would still hang on a stuck
# one.  These greeters only sleep; a thread that might not end needs a way to be asked
# to stop (an :class:`~threading.Event`, :doc:`05_events_and_barriers`), or must be a
# daemon, the choice below.
#
# Daemon or not: what happens at exit
# -----------------------------------
# When the main thread reaches the end of the program, Python *waits* for every
# non-daemon thread to finish before it exits.  A :term:`daemon thread` is not waited
# for: it is stopped wherever it is, without running its ``finally`` blocks or
# flushing what it meant to write.  To watch that, you need a program that really
# exits, so a child Python process runs the code below, and this page prints what it
# wrote.

CHILD = """
import threading, time

def work(label, seconds):
    time.sleep(seconds)
    print(f"{label}: finished after {seconds} s", flush=True)

threading.Thread(target=work, args=("non-daemon", 0.3)).start()
threading.Thread(target=work, args=("daemon", 5.0), daemon=True).start()
print("main thread: reached the end of the program", flush=True)
"""

start = time.perf_counter()
child = subprocess.run(
    [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=30
)
elapsed = time.perf_counter() - start
print(child.stdout, end="")
print(f"the child exited with status {child.returncode} after {elapsed:.2f} s")
lines = child.stdout.splitlines()
claim(
    "At exit, Python waited for the non-daemon thread and cut the daemon one off",
    lines[0] == "main thread: reached the end of the program"
    and "non-daemon: finished after 0.3 s" in lines
    and not any(line.startswith("daemon") for line in lines)
    and 0.3 <= elapsed < 4,
    measured=f"{len(lines)} lines, none from the daemon; exited after {elapsed:.2f} s",
    expected="the main thread's line first, the non-daemon's, none from the daemon;"
    " exit after 0.3 s, long before 5 s",
)

# %%
# The main thread's last line came first, yet the program went on until the non-daemon
# thread finished.  The daemon thread's line never came: the program ended long before
# it would have printed it.  Use a daemon thread only for work that
# may be cut off at any point (a heartbeat, a cache refresher); anything that writes
# files or talks to a server needs a non-daemon thread and a way to ask it to stop
# (see the :class:`~threading.Event` on the :doc:`events page <05_events_and_barriers>`).
#
# Take-away: ``start()`` runs a thread, ``join(timeout)`` waits for it (but cannot stop
# it); at exit Python waits for non-daemon threads and silently cuts daemon ones off.
