"""
Start a child, keep working, collect it later
=============================================

:func:`subprocess.run` waits for the child before it returns.  :class:`subprocess.Popen`
does not: it starts the child and returns at once, so the parent can do other work
while the child runs.  The parent then asks whether the child has finished
(:meth:`~subprocess.Popen.poll`), or waits for it and reads its output
(:meth:`~subprocess.Popen.communicate`).
"""

# %%
# Start, then communicate
# -----------------------
# ``stdout=subprocess.PIPE`` connects the child's standard output to a :term:`pipe`
# that the parent reads.  :meth:`~subprocess.Popen.communicate` reads everything the
# child writes until it exits, then collects its exit status.  Use ``Popen`` as a
# context manager: on the way out it closes the pipes and waits for the child, with no
# timeout.  So a child that outlives ``communicate``'s timeout is killed, and a second
# ``communicate()`` reaps it; otherwise the ``with`` block would wait for ever.

import subprocess
import sys
import time

from conc_examples.claims import claim
from conc_examples.work.child_programs import command

with subprocess.Popen(
    command("ticker", "child", 2, 0.05), stdout=subprocess.PIPE, text=True
) as child:
    running_at_start = child.poll() is None
    print(f"started child pid {child.pid}; still running: {running_at_start}")
    try:
        out, _ = child.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        out, _ = child.communicate()
print(f"child wrote {out!r}")
print(f"exit status {child.returncode}")
claim(
    "Popen returned while the child still ran, and communicate() read all it wrote",
    running_at_start and out == "child: line 1 of 2\nchild: line 2 of 2\n",
    measured=f"running at first: {running_at_start}, {len(out.splitlines())} lines read,"
    f" status {child.returncode}",
    expected="running, 2 lines, status 0",
)

# %%
# The child is one of the small programs this chapter runs, started with the same
# interpreter as this script (``sys.executable``) so that it works on every OS:
#
# .. literalinclude:: /../conc_examples/work/child_programs.py
#    :pyobject: ticker
#
# Poll while doing other work
# ---------------------------
# :meth:`~subprocess.Popen.poll` never blocks: it returns ``None`` while the child is
# running, and its exit status once it has ended.  Meanwhile the parent is free.
# Here its "other work" is counting loop turns of 20 ms each while a child sleeps for
# 0.3 s.  The loop gives up after 30 s: never poll for ever.

SLEEP = 0.3
started = time.perf_counter()
with subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({SLEEP})"]) as child:
    turns = 0
    while child.poll() is None:
        turns += 1  # the parent's own work would go here
        time.sleep(0.02)
        if time.perf_counter() - started > 30:
            child.kill()
    elapsed = time.perf_counter() - started
print(f"the parent did {turns} turns of work while the child ran")
poll_status = child.poll()
print(f"poll() then returned exit status {poll_status} after {elapsed:.2f} s")
claim(
    "poll() answered None while the child ran, then its exit status",
    turns >= 1 and poll_status == 0,
    measured=f"None {turns} times, then {poll_status}",
    expected="None at least once, then 0",
)

# %%
# The loop above is *busy*: it wakes up every 20 ms to ask.  That is right when the
# parent has its own work to do between questions.  When it has nothing else to do,
# :meth:`~subprocess.Popen.wait` (with a timeout) sleeps until the child ends, and
# the :doc:`next page <03_many_children>` starts many children before waiting for any.
#
# Take-away: ``Popen`` starts a child and returns at once; ``poll()`` tells without
# blocking whether it has finished (``None`` while it ran, then its status),
# and ``communicate()`` reads all its output and collects it.  Always collect every
# child you start (``with`` does it for you).
