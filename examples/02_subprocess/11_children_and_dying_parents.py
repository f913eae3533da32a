"""
Children and dying parents
==========================

When a parent is killed (``kill -9``, the out-of-memory killer, a crash), nothing stops
its children: you will see a child outlive its parent, then two Linux answers.  The
child asks the kernel for a signal when its parent dies (``PR_SET_PDEATHSIG``), and a
*pidfd* names one process for good, where a process ID can come back as a stranger.
"""

# %%
# The failure: a child that outlives its parent
# ---------------------------------------------
# The parent below starts a child, says ``ready`` with the child's pid, and sleeps; you
# kill the parent as the out-of-memory killer would.  The child is not told.  It is
# adopted by the init process (or a "subreaper") and runs on.
#
# .. literalinclude:: /../conc_examples/work/family.py
#    :pyobject: parent
#
# The page keeps a handle on the child: :func:`os.pidfd_open` (Linux 5.3, Python 3.9)
# returns a file descriptor that refers to that one process, and becomes readable
# when it ends, so ``select`` on it waits for a process that is not your child.

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from conc_examples.claims import Need, claim
from conc_examples.trouble.shutdown_programs import wait_until_ready

LINUX = sys.platform == "linux" and hasattr(os, "pidfd_open")
linux = Need("Linux 5.3+ (PR_SET_PDEATHSIG, pidfds)", LINUX, f"this is {sys.platform}")


def start_family(*options: str) -> tuple[subprocess.Popen, int]:
    family = [sys.executable, "-m", "conc_examples.work.family", "parent", *options]
    parent = subprocess.Popen(
        family, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    child_pid = int(wait_until_ready(parent).rpartition(" ")[2])
    return parent, child_pid


def parent_of(pid: int) -> str:
    ppid = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1]
    return f"pid {ppid} ({Path(f'/proc/{ppid}/comm').read_text().strip()})"


if LINUX:
    parent, orphan = start_family()
    handle = os.pidfd_open(orphan)  # taken while the pid surely is the child's
    print(f"child {orphan}'s parent: {parent_of(orphan)}")
    parent.kill()
    parent.communicate(timeout=10)
    orphan_ended = bool(select.select([handle], [], [], 0.2)[0])
    print(f"parent killed; 0.2 s later the child has ended: {orphan_ended}")
    print(f"child {orphan}'s parent now: {parent_of(orphan)}")
claim(
    "The child outlived its killed parent",
    LINUX and not orphan_ended,
    measured=f"still running 0.2 s after, adopted by {parent_of(orphan)}" if LINUX else "",
    expected="still running",
    needs=linux,
)

# %%
# Nobody will stop it now but you.  The pidfd ends it without a race: the signal goes to
# the process the descriptor names, or nowhere.

if LINUX:
    signal.pidfd_send_signal(handle, signal.SIGTERM)
    cleaned = bool(select.select([handle], [], [], 10)[0])
    os.close(handle)
    print(f"SIGTERM through the pidfd: ended {cleaned}")

# %%
# The fix: the child asks to die with its parent
# ----------------------------------------------
# On Linux a process can ask for a signal when its parent dies: ``prctl`` with
# ``PR_SET_PDEATHSIG``, through :mod:`ctypes`.  The child asks first thing, then checks
# that its parent is still the one that started it: a parent that died before the
# request sends nothing.  (Strictly, the signal comes when the parent *thread* that
# started the child ends: start children from a thread that lives as long as they should.)
#
# .. literalinclude:: /../conc_examples/work/family.py
#    :pyobject: die_with_parent
#
# Why not set it from the parent, with ``Popen(preexec_fn=...)``?  That function runs in
# the child between ``fork`` and ``exec``; the docs warn it is not safe when your
# program has threads (the child can deadlock on a lock another thread held at the
# fork).  The child's own first lines are safe.

if LINUX:
    parent, child = start_family("pdeathsig")
    handle = os.pidfd_open(child)
    parent.kill()
    killed_at = time.perf_counter()
    parent.communicate(timeout=10)
    child_ended = bool(select.select([handle], [], [], 10)[0])
    ended_after = time.perf_counter() - killed_at
    os.close(handle)
    print(f"parent killed; the child ended {ended_after:.3f} s later: {child_ended}")
claim(
    "With PR_SET_PDEATHSIG, the child ended when its parent was killed",
    LINUX and child_ended,
    measured=f"ended {ended_after:.3f} s after the parent was killed" if LINUX else "",
    expected="ended within the 10 s waited",
    needs=linux,
)

# %%
# A pid is a number; a pidfd is the process
# ------------------------------------------
# Once a process has ended and been collected, the OS may give its pid to any new
# process.  Code that keeps pids (a pid file, a list of workers) and later calls
# ``os.kill(pid, ...)`` can signal a stranger.  Your own child's pid is safe until you
# wait for it (a zombie keeps it), and :meth:`~subprocess.Popen.send_signal` does
# nothing once it has.  Any other process needs a pidfd: after the end, it refuses.

if LINUX:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(10)"])
    handle = os.pidfd_open(sleeper.pid)
    sleeper.kill()
    sleeper.wait(timeout=10)  # collected: the number is free for another process
    try:
        signal.pidfd_send_signal(handle, signal.SIGTERM)
        refused = "delivered"
    except ProcessLookupError as error:
        refused = f"ProcessLookupError ({error.strerror})"
    os.close(handle)
    print(f"pidfd_send_signal after the end: {refused}")
claim(
    "After the process ended and was collected, its pidfd refused the signal",
    LINUX and refused.startswith("ProcessLookupError"),
    measured=refused if LINUX else "",
    expected="ProcessLookupError, never a signal to whoever has the pid now",
    needs=linux,
)

# %%
# On macOS and Windows
# --------------------
# macOS has no parent-death signal and no pidfd: a :func:`select.kqueue` filter
# ``KQ_FILTER_PROC`` with ``KQ_NOTE_EXIT`` tells a child its parent ended (watch the
# parent's pid from the child), and a pipe the parent never writes to works everywhere:
# the child reads it, and end-of-file means the parent is gone.  On Windows, a process
# *handle* keeps its pid from being reused while it is open, and a job object with
# ``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`` ends every process in the job when the last
# handle to it closes, as it does when the parent dies.
#
# Take-away: a killed parent takes no child with it (above, the child was still running
# and adopted); have the child ask for ``PR_SET_PDEATHSIG`` (it ended in the time
# printed), and signal any process that is not your child through a pidfd.
