"""
Stopping a child for good
=========================

A child that overran must be stopped, and then collected.  On this page you stop
children first politely (:meth:`~subprocess.Popen.terminate`, ``SIGTERM``) and then for
sure (:meth:`~subprocess.Popen.kill`, ``SIGKILL``), reach the grandchildren too, and
check that nothing is left behind, not even a :term:`zombie process`.
:term:`Signals <signal>` are POSIX (Linux, macOS); on Windows both calls end the child
at once.
"""

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
# .. literalinclude:: /../conc_examples/work/child_programs.py
#    :pyobject: stubborn
#
# Wait (at most 10 s, with :func:`select.select`, POSIX-only on a pipe) for the child's
# ``ready`` line before you signal, so that the handler is in place.

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from conc_examples.claims import claim
from conc_examples.work.child_programs import command

sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
started_pids = []


def stop(child: subprocess.Popen, grace: float = 0.5) -> int:
    """Ask the child to stop; if it is still running after ``grace`` s, kill it."""
    child.terminate()
    try:
        return child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        print(f"  pid {child.pid} ignored SIGTERM for {grace} s: kill()")
        child.kill()
        return child.wait(timeout=30)


stop_status = {}
for label, program in {"obedient": sleeper, "stubborn": command("stubborn")}.items():
    with subprocess.Popen(program, stdout=subprocess.PIPE, text=True) as child:
        started_pids.append(child.pid)
        ready = label == "stubborn" and os.name == "posix"
        if ready and select.select([child.stdout], [], [], 10)[0]:
            print(f"  pid {child.pid} says: {child.stdout.readline().strip()}")
        stop_status[label] = status = stop(child)
    name = signal.Signals(-status).name if status < 0 else "no signal"
    print(f"{label} child: exit status {status} ({name})")
if os.name == "posix":
    claim(
        "SIGTERM ended the obedient child; only SIGKILL ended the stubborn one",
        stop_status == {"obedient": -signal.SIGTERM, "stubborn": -signal.SIGKILL},
        measured=f"statuses {stop_status}",
        expected=f"{-signal.SIGTERM} and {-signal.SIGKILL}",
    )

# %%
# Grandchildren: kill the whole group
# -----------------------------------
# :meth:`~subprocess.Popen.kill` signals one process: the child.  If the child started
# children of its own (a shell script, a build tool), they live on, and they hold the
# child's copy of your pipe open, so ``communicate()`` waits for them.  This child starts
# one grandchild on its stdout:
#
# .. literalinclude:: /../conc_examples/work/child_programs.py
#    :pyobject: parent_of_sleeper
#
# The fix is on POSIX: start the child as the leader of a new process group
# (``process_group=0``, Python 3.11+; ``start_new_session=True`` also works, and
# detaches it from your terminal too), then signal the whole group with
# :func:`os.killpg`.  Both are shown on one child: ``kill()`` first, then the group.
#
# A group of its own is out of your terminal's foreground group: Ctrl-C no longer
# reaches it.  And if Ctrl-C interrupts *you*, ``Popen``'s ``with`` waits only 0.25 s
# before it lets the :exc:`KeyboardInterrupt` go, leaving the group running.  So a
# ``finally`` kills the group, before the child is collected: until then its pid, the
# group's id, cannot go to a stranger.

if os.name == "posix":
    pipe_open_after_kill = False
    with subprocess.Popen(
        command("parent_of_sleeper"), stdout=subprocess.PIPE, text=True, process_group=0
    ) as family:
        try:
            started_pids.append(family.pid)
            if select.select([family.stdout], [], [], 10)[0]:
                print(f"  pid {family.pid} says: {family.stdout.readline().strip()}")
            family.kill()
            try:
                family.communicate(timeout=0.5)
            except subprocess.TimeoutExpired:
                pipe_open_after_kill = True
                print("kill(): the child is dead, but communicate() timed out: pipe open")
            started = time.perf_counter()
            os.killpg(family.pid, signal.SIGKILL)  # the group's id is the leader's pid
            family.communicate(timeout=30)
            killpg_seconds = time.perf_counter() - started
        finally:
            if family.returncode is None:  # not collected yet: the group id is ours
                os.killpg(family.pid, signal.SIGKILL)
    print(f"os.killpg(): the pipe closed; communicate() returned in {killpg_seconds:.3f} s")
    claim(
        "kill() left the grandchild holding the pipe open; killing the group closed it",
        pipe_open_after_kill and killpg_seconds < 0.4,
        measured=f"open after kill(): {pipe_open_after_kill};"
        f" closed {killpg_seconds:.3f} s after os.killpg()",
        expected="open after kill(), then closed well within the 0.5 s it had waited",
    )

# %%
# The grandchild is not your child, so you need not wait for it: once orphaned, it is
# adopted and collected by the system's init process (or a "subreaper").  On Windows,
# use a job object, or ``taskkill /T`` (not shown).
#
# No zombie
# ---------
# A child that has died but has not been collected by its parent is a *zombie*: it runs
# nothing, but keeps its process ID and exit status in the OS's table until the parent
# waits for it.  :meth:`~subprocess.Popen.wait` collects it.  To see the zombie,
# ``os.waitid(..., WNOWAIT)`` waits for the death without collecting (it exists on
# Linux, and on macOS from Python 3.13); Linux's ``/proc`` shows its state.


def state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return "not shown (no /proc here)"
    code = stat.read_text().rpartition(")")[2].split()[0]
    return {"Z": "a zombie", "S": "sleeping", "R": "running"}.get(code, code)


with subprocess.Popen(sleeper) as doomed:
    started_pids.append(doomed.pid)
    doomed.kill()
    if hasattr(os, "waitid"):
        os.waitid(os.P_PID, doomed.pid, os.WEXITED | os.WNOWAIT)
        before_wait = state(doomed.pid)
        print(f"killed, not yet waited for: pid {doomed.pid} is {before_wait}")
    status = doomed.wait(timeout=30)
print(f"after wait(): status {status}; the pid is free for the OS to give to another")
if sys.platform == "linux":
    claim(
        "Killed but not yet waited for, the child was a zombie",
        before_wait == "a zombie",
        measured=f"/proc said: {before_wait}",
        expected="a zombie",
    )

# %%
# Once a child is collected, its pid means nothing: the OS may give it to any new
# process.  So do not probe an old pid with ``os.kill(pid, 0)``: you could find, or
# signal, a stranger.  Ask instead whether it is still *your* child: ``os.waitid`` with
# ``WNOWAIT`` looks without collecting, and raises :exc:`ChildProcessError` for a pid
# that is not your child (any more).


def still_my_child(pid: int) -> bool:
    try:
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return False
    return True


if hasattr(os, "waitid"):
    left = [pid for pid in started_pids if still_my_child(pid)]
    print(f"children started on this page: {len(started_pids)}; still mine: {left}")
    claim(
        "Once waited for, no child of this page was left, not even a zombie",
        len(started_pids) == 4 and left == [],
        measured=f"{len(started_pids)} started, {len(left)} still children of this process",
        expected="4 started, none left",
    )

# %%
# Take-away: put a timeout on every wait, and when it expires, ``terminate()``, give a
# grace period, ``kill()`` (the group, if the child has children, in a ``finally``),
# and *wait*: then no child is left, not even a zombie.
