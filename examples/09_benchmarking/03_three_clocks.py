"""
Three clocks: wall time, process time, thread time
==================================================

"How long did it take?" has three honest answers, and :mod:`time` has a clock for each:

* :func:`time.perf_counter`: :term:`wall-clock time`, what a user waits for, whatever
  the program was doing meanwhile;
* :func:`time.process_time`: :term:`CPU time` of this process, all its threads together,
  and nothing while it sleeps or waits;
* :func:`time.thread_time`: **CPU time of the calling thread** only.

You read all three around two blocks of the same length: one that sleeps (like waiting for
a disk or a network) and one that computes.  The difference between the clocks is the
lesson: it tells :term:`I/O-bound` work from :term:`CPU-bound` work.
"""

# %%
# Sleeping and computing, read by all three clocks
# ------------------------------------------------
# ``cpu_bound`` is a pure-Python loop, sized by ``calibrate`` to cost about
# as much CPU time as the sleep lasts (it times its probe with :func:`time.thread_time`,
# so a busy machine does not shrink the work).  Each block runs three times; the clocks
# are read together at its start and end.

import threading
import time

from conc_examples.charts.plotting import show
from conc_examples.measure.timing import Timing
from conc_examples.work.workloads import calibrate, cpu_bound

SECONDS = 0.1
CLOCKS = {
    "perf_counter": time.perf_counter,
    "process_time": time.process_time,
    "thread_time": time.thread_time,
}
iterations = calibrate(SECONDS)


def read_clocks() -> dict[str, float]:
    return {name: clock() for name, clock in CLOCKS.items()}


def measure_all_clocks(block, repeat: int = 3) -> dict[str, Timing]:
    """Run ``block`` ``repeat`` times; return each clock's durations."""
    runs: dict[str, list[float]] = {name: [] for name in CLOCKS}
    for _ in range(repeat):
        before = read_clocks()
        block()
        after = read_clocks()
        for name in CLOCKS:
            runs[name].append(after[name] - before[name])
    return {name: Timing.of(durations) for name, durations in runs.items()}


blocks = {
    "sleep": lambda: time.sleep(SECONDS),
    "compute": lambda: cpu_bound(iterations),
}
results = {label: measure_all_clocks(block) for label, block in blocks.items()}
for label, timings in results.items():
    for name, timing in timings.items():
        print(f"{label:<8} {name:<13} median {timing.median:.3f} s")

# %%
# Each claim reads the medians.  On a busy machine the wall clock can run ahead of the
# CPU clocks even while computing, because it also counts the time the process waited
# for a free CPU while other programs ran; it can never fall behind them.

from conc_examples.claims import claim

sleep, compute = (
    {clock: timing.median for clock, timing in results[label].items()}
    for label in ("sleep", "compute")
)
claim(
    "Asleep, the wall clock moved by the sleep and the CPU clocks barely moved",
    sleep["perf_counter"] >= SECONDS
    and max(sleep["process_time"], sleep["thread_time"]) < 0.02,
    measured=f"wall {sleep['perf_counter']:.3f} s, process {sleep['process_time']:.3f} s,"
    f" thread {sleep['thread_time']:.3f} s",
    expected=f"wall at least {SECONDS} s, CPU under 0.02 s",
)
wall, cpu, own = (compute[c] for c in ("perf_counter", "process_time", "thread_time"))
claim(
    "Computing, the CPU clocks moved too, never ahead of the wall clock",
    cpu > max(0.4 * SECONDS, 5 * sleep["process_time"]) and cpu <= wall * 1.05 + 0.005,
    measured=f"wall {wall:.3f} s, process {cpu:.3f} s",
    expected=f"CPU over {0.4 * SECONDS:g} s and 5x the sleep's, at most the wall time",
)
claim(
    "With one thread computing, the process's clock and the thread's clock agreed",
    abs(own - cpu) < 0.2 * cpu + 0.005,
    measured=f"process {cpu:.3f} s, thread {own:.3f} s",
    expected="within 20 %",
)
#
# A thread that waits for another
# -------------------------------
# Now the computing happens in a worker :term:`thread` while the main thread waits for it
# with :meth:`~threading.Thread.join`.  :func:`time.process_time` counts the worker's CPU
# (it is this process's); :func:`time.thread_time` read in the main thread does not,
# because the main thread itself only waited.


def compute_in_a_worker() -> None:
    worker = threading.Thread(target=cpu_bound, args=(iterations,), name="worker")
    worker.start()
    worker.join(timeout=30)


results["main waits for worker"] = measure_all_clocks(compute_in_a_worker)
for name, timing in results["main waits for worker"].items():
    print(f"main waits for worker  {name:<13} median {timing.median:.3f} s")
waiting = {
    clock: timing.median for clock, timing in results["main waits for worker"].items()
}
claim(
    "The process's clock counted the worker's CPU time; the main thread's clock did not",
    0.5 < waiting["process_time"] / compute["process_time"] < 2
    and waiting["thread_time"] < 0.02
    and waiting["process_time"] > 3 * waiting["thread_time"],
    measured=f"process {waiting['process_time']:.3f} s (computing alone:"
    f" {compute['process_time']:.3f} s), main thread {waiting['thread_time']:.3f} s",
    expected="process within 2x of the same work alone; main thread under 0.02 s",
)

# %%
# The picture: the same nine medians (whiskers from the fastest to the slowest run),
# grouped by block, against the length of each block.

from conc_examples.charts.benchmark_charts import clocks_chart

clocks_chart(results, block_seconds=SECONDS, title="Three clocks around the same blocks")
show()

# %%
# Which clock for which question
# ------------------------------
# * How long does a user wait?  :func:`time.perf_counter`.  Every timing on this site
#   uses it, because concurrency is about waiting less.
# * Is my program computing or waiting?  Compare :func:`time.process_time` with the wall
#   time: about equal means CPU-bound, much smaller means it waits (I/O-bound); larger
#   means several CPUs were computing at once (:term:`parallelism`).
# * Which thread is busy?  :func:`time.thread_time` inside that thread.
#
# Take-away: sleeping costs wall time but almost no CPU time; computing costs CPU time
# too; and a main thread that waits on a computing worker shows the CPU time in the
# process's clock but not in its own thread's clock (the claims above, in numbers).
