"""
Timeouts on every wait
======================

A child can hang: a server that never answers, a tool waiting for input nobody sends.
Wait for it without a limit and you hang too.  On this page you bound the wait of
:func:`subprocess.run` and of :meth:`~subprocess.Popen.communicate`, and see what each
does to the child when the time is up.
"""

# %%
# ``run(timeout=...)``
# --------------------
# :func:`subprocess.run` with a timeout kills the child when the time is up, waits for
# it, and then raises :exc:`~subprocess.TimeoutExpired`.  The child here would sleep
# for 30 s.

import os
import subprocess
import sys
import time

from conc_examples.claims import LOAD, Need, claim
from conc_examples.work.child_programs import command

run_timed_out, elapsed = None, 0.0
sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
started = time.perf_counter()
try:
    subprocess.run(sleeper, timeout=0.5)
except subprocess.TimeoutExpired as error:
    elapsed = time.perf_counter() - started
    run_timed_out = error
    print(f"{type(error).__name__} after {elapsed:.2f} s; run() killed and collected it")
claim(
    "run() raised TimeoutExpired soon after its timeout, not after the child's sleep",
    isinstance(run_timed_out, subprocess.TimeoutExpired) and elapsed < 5,
    measured=f"{type(run_timed_out).__name__} after {elapsed:.2f} s",
    expected="TimeoutExpired well before 30 s (timeout 0.5 s)",
)

# %%
# ``communicate(timeout=...)`` keeps what arrived
# -----------------------------------------------
# With :class:`~subprocess.Popen`, a timeout in
# :meth:`~subprocess.Popen.communicate` raises but does *not* kill the child: the
# decision is yours.  Kill it, then call ``communicate()`` again to collect it and the
# output read so far.  Do not let the exception leave the ``with``: on the way out it
# waits for the child with no timeout at all.  This child prints a line every
# 0.1 s, 20 lines in all, and gets 0.35 s.

with subprocess.Popen(
    command("ticker", "slow", 20, 0.1), stdout=subprocess.PIPE, text=True
) as slow:
    try:
        output, _ = slow.communicate(timeout=0.35)
    except subprocess.TimeoutExpired:
        slow.kill()
        output, _ = slow.communicate(timeout=30)
lines = output.splitlines()
print(f"killed after the timeout, status {slow.returncode}; it printed {len(lines)} lines:")
print("\n".join(lines))
killed = -9 if os.name == "posix" else 1
claim(
    "The killed child's lines printed before the timeout were kept",
    slow.returncode == killed and len(lines) < 20,
    measured=f"status {slow.returncode}, {len(lines)} of 20 lines",
    expected=f"status {killed} (killed), some of the 20 lines",
    needs=Need("a child that started within 0.35 s", len(lines) > 0, "none came", LOAD),
)

# %%
# The child was killed after the lines it had printed in time, and those lines were not
# lost.  The :doc:`next page <07_stopping_a_child>` stops children more politely, and
# reaches their own children too.
#
# Take-away: put a timeout on every wait.  ``run()`` kills and collects the child for
# you; after a ``communicate()`` timeout, kill the child yourself and call
# ``communicate()`` again, which keeps the lines printed in time.
