"""
Timeouts, and stopping a child for good
=======================================

A child can hang: a server that never answers, a tool waiting for input nobody
sends.  A parent that waits for it without a limit hangs too.  This page bounds every
wait with a timeout, stops children that overrun, first politely
(:meth:`~subprocess.Popen.terminate`, ``SIGTERM``) and then for sure
(:meth:`~subprocess.Popen.kill`, ``SIGKILL``), and checks that nothing is left behind,
not even a :term:`zombie process`.  :term:`Signals <signal>` are POSIX (Linux,
macOS); on Windows both calls end the child at once.
"""

# %%
# ``run(timeout=...)``
# --------------------
# :func:`subprocess.run` with a timeout kills the child when the time is up, waits for
# it, and then raises :exc:`~subprocess.TimeoutExpired`.  The child here would sleep
# for 30 s.

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from conc_examples.child_programs import command
from conc_examples.results import record

sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
started = time.perf_counter()
try:
    subprocess.run(sleeper, timeout=0.5)
except subprocess.TimeoutExpired as error:
    elapsed = time.perf_counter() - started
    print(f"{type(error).__name__} after {elapsed:.2f} s; run() killed and collected it")
    record("run_timed_out", True)

# %%
# ``communicate(timeout=...)`` keeps what arrived
# -----------------------------------------------
# With :class:`~subprocess.Popen`, a timeout in
# :meth:`~subprocess.Popen.communicate` raises but does *not* kill the child: the
# parent decides.  The documented pattern is to kill it, then call ``communicate()``
# again to collect it and the output read so far.  This child prints a line every
# 0.1 s, 20 lines in all, and gets 0.35 s.

started_pids = []
with subprocess.Popen(
    command("ticker", "slow", 20, 0.1), stdout=subprocess.PIPE, text=True
) as slow:
    started_pids.append(slow.pid)
    try:
        output, _ = slow.communicate(timeout=0.35)
    except subprocess.TimeoutExpired:
        slow.kill()
        output, _ = slow.communicate(timeout=30)
lines = output.splitlines()
print(f"killed after the timeout, status {slow.returncode}; it printed {len(lines)} lines:")
print("\n".join(lines))
record("partial_lines", len(lines))

# %%
# Terminate, then kill
# --------------------
# :meth:`~subprocess.Popen.terminate` sends ``SIGTERM``, which asks the child to
# stop: it may clean up first, or ignore the request.  A child that obeys ends with
# status ``-15`` (minus the signal's number).  One that ignores ``SIGTERM``, like this
# one, is still running after a grace period, and gets
# :meth:`~subprocess.Popen.kill`: ``SIGKILL`` cannot be caught or ignored, status
# ``-9``.
#
# .. literalinclude:: /../conc_examples/child_programs.py
#    :pyobject: stubborn
#
# The parent waits (at most 10 s) for the child's ``ready`` line before signalling, so
# that the handler is in place.


def stop(child: subprocess.Popen, grace: float = 0.5) -> int:
    """Ask the child to stop; if it is still running after ``grace`` s, kill it."""
    child.terminate()
    try:
        return child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        print(f"  pid {child.pid} ignored SIGTERM for {grace} s: kill()")
        child.kill()
        return child.wait(timeout=30)


children = {"obedient": sleeper, "stubborn": command("stubborn")}
for label, program in children.items():
    with subprocess.Popen(program, stdout=subprocess.PIPE, text=True) as child:
        started_pids.append(child.pid)
        # select() bounds the wait for the ready line (on a pipe, it is POSIX-only).
        ready = label == "stubborn" and os.name == "posix"
        if ready and select.select([child.stdout], [], [], 10)[0]:
            print(f"  pid {child.pid} says: {child.stdout.readline().strip()}")
        status = stop(child)
    name = signal.Signals(-status).name if status < 0 else "no signal"
    print(f"{label} child: exit status {status} ({name})")
    record(f"stop_status[{label}]", status)

# %%
# No zombie
# ---------
# A child that has died but has not been collected by its parent is a *zombie*: it
# runs nothing, but keeps its process ID and exit status in the OS's table until the
# parent waits for it.  :meth:`~subprocess.Popen.wait` collects it.  To see the
# zombie, ``os.waitid(..., WNOWAIT)`` waits for the death without collecting (it
# exists on Linux, and on macOS from Python 3.13); Linux's ``/proc`` shows its
# state.


def describe(pid: int) -> str:
    if os.name != "posix":
        return "not checked (this check is POSIX-only)"
    try:
        os.kill(pid, 0)  # signal 0: is there such a process? (POSIX)
    except ProcessLookupError:
        return "gone"
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        state = stat.read_text().rpartition(")")[2].split()[0]
        return {"Z": "a zombie", "S": "sleeping", "R": "running"}.get(state, state)
    return "still in the process table"


with subprocess.Popen(sleeper) as doomed:
    started_pids.append(doomed.pid)
    doomed.kill()
    if hasattr(os, "waitid"):
        os.waitid(os.P_PID, doomed.pid, os.WEXITED | os.WNOWAIT)
        print(f"killed, not yet waited for: pid {doomed.pid} is {describe(doomed.pid)}")
        record("before_wait", describe(doomed.pid))
    status = doomed.wait(timeout=30)
print(f"after wait(): status {status}, pid {doomed.pid} is {describe(doomed.pid)}")

left = [pid for pid in started_pids if describe(pid) != "gone"]
print(
    f"children started on this page: {len(started_pids)}; still in the OS's table: {left}"
)
record("children_started", len(started_pids))
record("left_running", left)

# %%
# Take-away: put a timeout on every wait, and when it expires, ``terminate()``, give
# a grace period, ``kill()``, and *wait*: above, the obedient child ended with -15,
# the stubborn one with -9, and once waited for, no child was left, not even a zombie.
