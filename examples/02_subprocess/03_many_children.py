"""
Many children at once
=====================

Each child is a separate :term:`process`, so children run at the same time as each
other and as their parent.  A parent that starts all its children first and waits
for them afterwards finishes in about the time of the slowest child, not the sum of
all of them.  This page starts ten children that each sleep 0.1 s, first one by one,
then all at once, and measures how close "all at once" comes to the ideal of 0.1 s.
"""

# %%
# The children
# ------------
# Each child runs ``sleep 0.1``: it does nothing for 0.1 s and exits, so any time
# beyond 0.1 s is the cost of starting and collecting processes.  Where there is no
# ``sleep`` program (Windows), a Python child sleeps instead; it costs more to start.

import shutil
import subprocess
import sys
import time

from conc_examples.plotting import bar_chart, show
from conc_examples.results import record
from conc_examples.timing import Timing, measure

CHILDREN = 10
SLEEP = 0.1

if shutil.which("sleep"):
    sleeper, idler = ["sleep", str(SLEEP)], ["sleep", "0"]
else:
    sleeper = [sys.executable, "-c", f"import time; time.sleep({SLEEP})"]
    idler = [sys.executable, "-c", "pass"]
print(f"{CHILDREN} children, each running: {' '.join(sleeper)}")

# %%
# One by one, then all at once
# ----------------------------
# One by one: :func:`subprocess.run` starts a child and waits for it before the next.
# All at once: start every child with :class:`~subprocess.Popen` (which returns
# immediately), then wait for each.  Waiting for the first child does not hold up the
# others: they are already running.  The launch loop is timed on its own too.


def one_by_one() -> None:
    for _ in range(CHILDREN):
        subprocess.run(sleeper, check=True, timeout=30)


launch_seconds: list[float] = []


def all_at_once() -> None:
    started = time.perf_counter()
    children = [subprocess.Popen(sleeper) for _ in range(CHILDREN)]
    launch_seconds.append(time.perf_counter() - started)
    for child in children:
        if child.wait(timeout=30) != 0:
            raise RuntimeError(f"child {child.pid} failed with status {child.returncode}")


sequential = measure(one_by_one, repeat=3, warmup=0)
concurrent = measure(all_at_once, repeat=5, warmup=1)
launches = Timing.of(launch_seconds[1:])  # the warm-up's launch is not measured
print(f"one by one:  {sequential}")
print(f"all at once: {concurrent}")
print(f"  of which starting the {CHILDREN} children: {launches}")

# %%
# The plot shows both against the ideal: if starting a process cost nothing, ten
# children sleeping at the same time would take exactly one sleep, 0.1 s.

bar_chart(
    {"one by one": sequential, "all at once": concurrent},
    title=f"{CHILDREN} children that each sleep {SLEEP} s",
    ideal=SLEEP,
    ideal_label="ideal: one sleep",
)
show()

ratio = concurrent.median / SLEEP
print(f"all at once is {sequential.median / concurrent.median:.1f}x faster than one by one")
print(f"all at once took {ratio:.2f}x the ideal of {SLEEP} s")
record("children", CHILDREN)
record("sleep_seconds", SLEEP)
record("one_by_one_median", sequential.median)
record("all_at_once_median", concurrent.median)
record("ratio_to_ideal", ratio)

# %%
# Why not exactly 0.1 s?
# ----------------------
# First, because starting a process is not free: the OS creates the process and loads
# the program, and afterwards the child exits and the parent collects it.  Measure
# that alone, with a child that sleeps for zero seconds.

start_cost = measure(lambda: subprocess.run(idler, check=True, timeout=30), repeat=10)
print(
    f"a child that does nothing: median {start_cost.median * 1000:.1f} ms"
    f" (min {start_cost.min * 1000:.1f}, max {start_cost.max * 1000:.1f})"
)
record("start_cost_median", start_cost.median)
record("launch_median", launches.median)

# %%
# Second, because a wait *with a timeout* polls: in Python 3.11 to 3.13, on POSIX,
# ``wait(timeout=...)`` checks for the child at growing intervals, up to 50 ms
# apart, so it may notice an exit some milliseconds late.  A wait without a timeout
# sleeps in the kernel and wakes the moment the child exits.  That is safe here only
# because ``sleep`` is sure to end; a child that might hang needs the timeout.


def one_child(timeout: float | None) -> None:
    with subprocess.Popen(sleeper) as child:
        child.wait(timeout=timeout)


polled = measure(lambda: one_child(30), repeat=5)
blocking = measure(lambda: one_child(None), repeat=5)
print(f"one sleeping child, wait(timeout=30): {polled}")
print(f"one sleeping child, wait():           {blocking}")
print(
    f"all at once ~ one polled child {polled.median:.3f} s"
    f" + starting the other children {launches.median:.3f} s;"
    f" measured {concurrent.median:.3f} s"
)
record("one_child_polled_median", polled.median)
record("one_child_blocking_median", blocking.median)

# %%
# The parent starts the children one after another, so the last child begins its
# sleep only after the others were started: the total is about one child's time (its
# sleep, its start cost and the polling delay) plus the time to start the rest.  The
# post this chapter is based on reported ten children in 0.177 s, 1.77x the ideal;
# the ratio printed above is this machine's.  A program whose
# children start slowly (a Python interpreter costs tens of milliseconds, ``sleep``
# about one) or that starts hundreds of them pays this cost in full, which is why
# pools keep worker processes alive and reuse them.
#
# Take-away: start all the children first, then wait for them: above, ten sleeps
# took about one sleeping child plus the time to start the others, not ten sleeps.
