"""
Many children at once
=====================

Each child is a separate :term:`process`, so children run at the same time as each
other and as their parent.  Start all your children first and wait for them afterwards,
and you finish in about the time of the slowest child, not the sum of all of them.  This
page starts ten children that each sleep 0.05 s, one by one and then all at once.
"""

# %%
# The children
# ------------
# Each child runs ``sleep 0.05``: it does nothing for 0.05 s and exits, so any time
# beyond 0.05 s is the cost of starting and collecting processes.  Where there is no
# ``sleep`` program (Windows), a Python child sleeps instead; it costs more to start.

import shutil
import subprocess
import sys

CHILDREN = 10
SLEEP = 0.05

if shutil.which("sleep"):
    sleeper = ["sleep", str(SLEEP)]
else:
    sleeper = [sys.executable, "-c", f"import time; time.sleep({SLEEP})"]
print(f"{CHILDREN} children, each running: {' '.join(sleeper)}")

# %%
# One by one, then all at once
# ----------------------------
# One by one: :func:`subprocess.run` starts a child and waits for it before the next.
# All at once: start every child with :class:`~subprocess.Popen` (which returns at
# once), then wait for each.  Waiting for the first child does not hold up the others:
# they are already running.
#
# If one wait fails (a timeout, a child that fails), do not just raise: the other
# children would keep running, unwaited for.  The ``finally`` kills whatever is still
# running and collects every child.


def one_by_one() -> None:
    for _ in range(CHILDREN):
        subprocess.run(sleeper, check=True, timeout=30)


def all_at_once() -> None:
    children = []
    try:
        for _ in range(CHILDREN):
            children.append(subprocess.Popen(sleeper))
        for child in children:
            if child.wait(timeout=30) != 0:
                raise RuntimeError(f"child {child.pid} failed: status {child.returncode}")
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()


# %%
# Each way runs three times, taking turns, so that a burst of load on the machine hits
# both alike.  The bars are the best of the three runs (load only adds time), the
# whiskers reach the slowest; the dashed line is the ideal: if starting a process cost
# nothing, ten children sleeping at the same time would take exactly one sleep.

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.claims import claim
from conc_examples.measure.timing import measure_interleaved

times = measure_interleaved(
    {"one by one": one_by_one, "all at once": all_at_once}, repeat=3, warmup=0
)
bar_chart(
    times,
    title=f"{CHILDREN} children that each sleep {SLEEP} s",
    ideal=SLEEP,
    ideal_label="ideal: one sleep",
)
show()

at_once = times["all at once"].min
speedup = times["one by one"].min / at_once
print(f"one by one:  {times['one by one']}")
print(f"all at once: {times['all at once']}, {speedup:.1f}x faster (best rounds)")
claim(
    "All at once, the children took under half the time of their sleeps added up",
    at_once < CHILDREN * SLEEP / 2,
    measured=f"{at_once:.3f} s, best of 3; the sleeps add up to {CHILDREN * SLEEP:.2f} s",
    expected=f"under {CHILDREN * SLEEP / 2:.2f} s",
    why="starting each child took longer than usual on this busy machine",
)
claim(
    "All at once finished in under half the one-by-one time",
    speedup > 2,
    measured=f"{speedup:.1f}x faster, best rounds",
    expected="over 2x",
    why="starting each child took longer than usual on this busy machine",
)

# %%
# Why not exactly 0.05 s?
# -----------------------
# First, starting a process is not free: the OS creates it and loads the program, and
# afterwards the child exits and the parent collects it.  One by one, each child took
# this much beyond its sleep (starting it, and noticing its end: see the second reason):

start_cost = times["one by one"].min / CHILDREN - SLEEP
print(f"one child, beyond its sleep: about {start_cost * 1000:.1f} ms")
claim(
    "Starting and collecting a child cost less than its sleep",
    0 < start_cost < SLEEP,
    measured=f"{start_cost * 1000:.1f} ms per child, best round",
    expected=f"between 0 and {SLEEP * 1000:.0f} ms",
)

# %%
# The parent starts the children one after another, so the last one begins its sleep
# only after the others were started.
#
# Second, a wait *with a timeout* polls.  Through Python 3.14, on POSIX,
# ``wait(timeout=...)`` checks for the child, sleeps 1 ms, checks again, and doubles the
# nap each time up to 50 ms, so it sees an exit up to 50 ms late: on a quiet machine, a
# child that ends just after 0.05 s is seen at the check at 0.063 s.  A wait without a
# timeout sleeps in the kernel and wakes the moment the child exits.  (Python 3.15 waits
# for an event from the kernel instead, a pidfd on Linux, and wakes at once, timeout or
# not.)  Watch five children each way:

import os
import statistics
import time


def one_child(timeout: float | None) -> float:
    started = time.perf_counter()
    with subprocess.Popen(sleeper) as child:
        child.wait(timeout=timeout)
    return time.perf_counter() - started


polled = statistics.median(one_child(30) for _ in range(5))
blocking = statistics.median(one_child(None) for _ in range(5))
print(f"one sleeping child, wait(timeout=30): median of 5 {polled * 1000:.1f} ms")
print(f"one sleeping child, wait():           median of 5 {blocking * 1000:.1f} ms")
if os.name == "posix" and sys.version_info < (3, 15):
    claim(
        "The wait with a timeout saw the child's end later than the blocking wait",
        polled - blocking > 0.003,
        measured=f"{(polled - blocking) * 1000:.1f} ms later, medians of 5",
        expected="over 3 ms later (up to 50 ms)",
        why="load delayed the blocking wait's wake-up as much as the polling",
    )
elif os.name == "posix":
    claim(
        "On 3.15+ the wait with a timeout saw the child's end as soon as the blocking wait",
        polled - blocking < 0.003,
        measured=f"{(polled - blocking) * 1000:.1f} ms later, medians of 5",
        expected="under 3 ms later (the pidfd wakes it at once)",
        why="load delayed one wait's wake-up more than the other's",
    )

# %%
# The wait without a timeout is safe here only because ``sleep`` is sure to end; a
# child that might hang needs the timeout, and the few milliseconds are its price.
#
# The post this chapter is based on ran ten children of 0.1 s in 0.177 s, 1.77x its
# ideal; this page sleeps 0.05 s to keep the build short, and the chart above is this
# machine's.  A program whose children start slowly (a Python
# interpreter costs tens of milliseconds, ``sleep`` about one) or that starts hundreds of
# them pays this cost in full, which is why pools keep worker processes alive and reuse
# them.
#
# Take-away: start all the children first, then wait for them: above, ten sleeps of
# 0.05 s took a fraction of the one-by-one time.
