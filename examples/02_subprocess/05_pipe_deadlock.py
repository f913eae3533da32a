"""
The full pipe: a deadlock, and the call that avoids it
======================================================

A :term:`pipe` holds only so many bytes.  Wait for a child before you read what it
writes, and the two of you can wait for each other for ever.  On this page a child
writes 1 MiB: :meth:`~subprocess.Popen.wait` hangs (until its timeout), and
:meth:`~subprocess.Popen.communicate` takes all of it.
"""

# %%
# The classic deadlock: ``wait()`` with a full pipe
# -------------------------------------------------
# A pipe holds a limited number of bytes (64 KiB by default on Linux).  A child that
# writes more blocks until someone reads.  Call :meth:`~subprocess.Popen.wait` before
# you read, and you wait for the child to exit while the child waits for you to read: a
# :term:`deadlock`, for ever.  Here the child writes 1 MiB, and the wait is bounded so
# that the page does not hang:
#
# .. literalinclude:: /../conc_examples/work/child_programs.py
#    :pyobject: flood
#
# After the timeout the child is killed and collected, and only then is the pipe read:
# what it holds is what the child had managed to write when it got stuck.

import subprocess

from conc_examples.claims import claim
from conc_examples.work.child_programs import command

FLOOD = 2**20
with subprocess.Popen(command("flood", FLOOD), stdout=subprocess.PIPE) as child:
    try:
        child.wait(timeout=0.5)
        deadlocked = False
    except subprocess.TimeoutExpired:
        deadlocked = True
        print("wait() timed out: the child is stuck writing into a full pipe")
        child.kill()
        child.wait(timeout=30)  # dead before you read: it cannot write any more
    stuck_in_pipe, _ = child.communicate(timeout=30)
print(f"the pipe held {len(stuck_in_pipe):,} of {FLOOD:,} bytes; status {child.returncode}")
claim(
    "wait() before reading got stuck with only part of the output written",
    deadlocked and 0 < len(stuck_in_pipe) < FLOOD,
    measured=f"timed out: {deadlocked}; {len(stuck_in_pipe):,} of {FLOOD:,} bytes written",
    expected="a timeout, with some but not all bytes in the pipe",
    why="the child had not started writing within the 0.5 s (a very busy machine)",
)

# %%
# The fix is to read while waiting: :meth:`~subprocess.Popen.communicate` (and
# :func:`subprocess.run`, which uses it) reads stdout and stderr and writes stdin
# together until the child exits, so no pipe ever stays full.
#
# Give it a timeout too, and mind the ``with``: on the way out it waits for the child
# without one.  A :exc:`~subprocess.TimeoutExpired` that escaped the block would hang
# right there, so kill the child first, then ``communicate()`` again to collect it.

with subprocess.Popen(command("flood", FLOOD), stdout=subprocess.PIPE) as child:
    try:
        received, _ = child.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        received, _ = child.communicate()
communicate_status = child.returncode
print(f"communicate() received {len(received):,} bytes; child status {communicate_status}")
claim(
    "communicate() received every byte, and the child ended normally",
    len(received) == FLOOD and communicate_status == 0,
    measured=f"{len(received):,} of {FLOOD:,} bytes, status {communicate_status}",
    expected=f"all {FLOOD:,} bytes, status 0",
)

# %%
# Take-away: read while you wait.  Above, ``wait()`` on a child with unread output hung
# until its timeout with only the pipe's worth of bytes written, and ``communicate()``
# took all of it.
