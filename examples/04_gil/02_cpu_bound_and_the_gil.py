"""
CPU-bound work and the GIL
==========================

In CPython, a thread must hold the :term:`GIL` (Global Interpreter Lock) to run Python
bytecode, and there is one GIL per interpreter.  So two threads computing in pure
Python take turns on one CPU, however many CPUs the machine has, while two *processes*
each have their own interpreter and GIL and can run side by side.  This page measures
that: the same work split over 1, 2 and 4 threads, then over as many processes, against
the machine's own ceiling, and a timeline of who ran when.
"""

# %%
# Which Python is this?
# ---------------------
# Python 3.13 added an optional :term:`free-threaded build` (``python3.13t``) that can run
# without the GIL.  ``sys._is_gil_enabled()`` (3.13+) says whether the GIL is on right
# now; on older versions there is always a GIL.  Every number on this page comes from
# the build printed here, and the caption under each figure says it again.

import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack

from conc_examples.ceiling import CeilingProbe, shares_of_ceiling
from conc_examples.gil import (
    busy_workers,
    cpu_bound_in_chunks,
    cpus_in_use,
    uninterrupted,
)
from conc_examples.machine import caption, gil_enabled, info
from conc_examples.plotting import scaling_chart, show, timeline_chart
from conc_examples.results import record
from conc_examples.timing import measure_interleaved
from conc_examples.workloads import calibrate, cpu_bound

machine = info()
print(f"Python {machine.python_version}, {machine.build}; GIL enabled: {gil_enabled()}")
print(caption())
print(f"switch interval: {sys.getswitchinterval() * 1000:.1f} ms")
record("gil_enabled", gil_enabled())

# %%
# The :term:`switch interval` is how long a thread may keep the GIL while another thread
# waits for it; then the holder is asked to drop it, and the waiting thread gets a
# turn.  Threads doing pure-Python work therefore take turns every few milliseconds.
# A thread that waits for I/O or sleeps drops the GIL at once.
#
# The work
# --------
# ``cpu_bound`` is a loop of arithmetic in pure Python, so
# it holds the GIL the whole time; we size it to about a tenth of a second of CPU on this
# machine, then split the same total over ``w`` workers (each does ``1/w`` of it).
#
# .. literalinclude:: /../conc_examples/workloads.py
#    :pyobject: cpu_bound

WORKERS = [1, 2, 4]


def split_over(pool, workers: int, total: int):
    def run() -> list[int]:
        return list(pool.map(cpu_bound, [total // workers] * workers, timeout=60))

    return run


# %%
# Sequential, threads, processes
# ------------------------------
# The pools are created, and their workers started, before the clock starts: this
# measures the work, not the start-up.  Each contender runs once per
# round, so a burst of load on this shared machine hits them all alike
# (``measure_interleaved``).  The ``__main__`` guard lets
# ``spawn`` children import this script without running it.

if __name__ == "__main__":
    TOTAL = calibrate(0.1)
    KINDS = {"processes": ProcessPoolExecutor, "threads": ThreadPoolExecutor}
    contenders = {"sequential": lambda: cpu_bound(TOTAL)}
    pool_of = {}
    with ExitStack() as pools:  # shuts both pools down at the end of the block
        for kind, executor in KINDS.items():
            # One pool of 4 per kind: ``w`` tasks keep ``w`` of its workers busy.
            pool = pool_of[kind] = pools.enter_context(executor(max_workers=max(WORKERS)))
            # Sleeping tasks keep each worker busy, so the pool starts all of them now;
            # processes first, as forking a process that runs threads is unsafe.
            list(pool.map(time.sleep, [0.05] * max(WORKERS), timeout=60))
            for workers in WORKERS:
                contenders[f"{workers} {kind}"] = split_over(pool, workers, TOTAL)
        timings = measure_interleaved(contenders, repeat=5, warmup=0)
        # The ceiling (explained below), in short rounds with the processes it judges.
        probe = pools.enter_context(CeilingProbe(2, TOTAL // 2))
        paired = measure_interleaved(
            {"2 processes": contenders["2 processes"], "ceiling": probe},
            repeat=9,
            warmup=0,  # the probe keeps every call: a warm-up call would add a round
        )
        # One more run per thread count, counting CPU seconds per wall-clock second.
        cpus = {w: cpus_in_use(split_over(pool_of["threads"], w, TOTAL)) for w in WORKERS}
    sequential = timings["sequential"]
    results = {kind: [timings[f"{w} {kind}"] for w in WORKERS] for kind in KINDS}
    for name, timing in timings.items():
        print(f"{name:<11}: {timing} -> {timing.speedup_over(sequential):.2f}x")
    print(
        "CPU seconds per second used by 1, 2, 4 threads:",
        [round(c, 2) for c in cpus.values()],
    )
    record("threads_cpus_in_use", list(cpus.values()))

# %%
# A plot needs its ideal: ``min(workers, CPUs)``, and what this machine can really
# reach, the :term:`measured ceiling`: two independent Python processes, each running
# half the work with nothing to share.  Two vCPUs may be two halves of one core, and a
# busy machine gives less, so the measured ceiling is the fair bar for processes.
# What the CPUs give changes from one second to the next, so the ceiling took its turn
# in short rounds of its own, beside the 2 processes of the pool doing the same
# halves: the ratio of their times in each round is the share of the ceiling the
# pool reached, and their median is the figure to read.

if __name__ == "__main__":
    ceiling = probe.ceiling()
    print(ceiling)
    threads_2 = results["threads"][1].speedup_over(sequential)
    processes_2 = results["processes"][1].speedup_over(sequential)
    shares = shares_of_ceiling(paired["2 processes"], ceiling)
    share = statistics.median(shares)
    print(f"2 threads:   {threads_2:.2f}x")
    print(
        f"2 processes: {processes_2:.2f}x; {share:.0%} of the ceiling in the paired"
        f" rounds (median of {len(shares)}, {min(shares):.0%} to {max(shares):.0%})"
    )
    record("thread_speedup_2", threads_2)
    record("thread_speedup_4", results["threads"][2].speedup_over(sequential))
    record("process_speedup_2", processes_2)
    record("ceiling_2", ceiling.speedup)
    record("process_share_of_ceiling_2", share)
    # Best run against best run: noise only ever slows a run down, so these are the
    # steadiest figures on a busy machine (the tests use them).
    record("thread_speedup_2_best", sequential.min / results["threads"][1].min)
    record("process_speedup_2_best", sequential.min / results["processes"][1].min)
    scaling_chart(
        WORKERS,
        results,
        baseline=sequential,
        title="Pure-Python work: threads vs processes",
        ceiling=ceiling.speedup,
        ceiling_label="2 independent processes",
    )
    show()

# %%
# On a GIL build the threads line stays at about 1x, whatever the number of threads:
# only one of them runs at a time.  The CPU seconds per second printed above say the
# same from the inside: with 1, 2 or 4 threads the process used at most about one CPU.
# The processes line climbs towards the measured ceiling.  (On a free-threaded build
# with the GIL off, threads would climb too, and use more than one CPU.)
#
# Who ran when: a timeline
# ------------------------
# Totals say *how much*; a timeline says *why*.  Two threads, then two processes, each
# run the work in small chunks (a quarter of a switch interval each) and note when each
# chunk started and ended.  A chunk that took several times longer than the others was
# paused part-way, so only the uninterrupted ones are drawn: they are the moments each
# worker was really running.
#
# .. literalinclude:: /../conc_examples/gil.py
#    :pyobject: cpu_bound_in_chunks

if __name__ == "__main__":
    CHUNK, CHUNKS = calibrate(sys.getswitchinterval() / 4), 80
    overlap = {}
    for kind, executor in KINDS.items():
        with executor(max_workers=2) as pool:
            list(pool.map(time.sleep, [0.05] * 2, timeout=60))  # start both workers
            futures = [
                pool.submit(cpu_bound_in_chunks, f"{kind}", CHUNKS, CHUNK) for _ in range(2)
            ]
            spans = [span for f in futures for span in f.result(timeout=60)]
        running = uninterrupted(spans)
        overlap[kind] = busy_workers(running)
        print(
            f"2 {kind}: on average {overlap[kind]:.2f} workers running at once"
            f" ({len(running)} of {len(spans)} chunks ran uninterrupted)"
        )
        timeline_chart(running, title=f"Two {kind} running pure-Python chunks")
    record("busy_threads", overlap["threads"])
    record("busy_processes", overlap["processes"])
    show()

# %%
# The threads' bars alternate: one thread runs a burst of chunks while the other's row
# is empty, then they swap, every switch interval or so.  The processes' bars run side
# by side.
#
# Take-away: on a GIL build, threads give pure-Python work no speed-up (the 2-thread
# figure above is about 1x, and the timeline shows them taking turns); processes do,
# up to what the machine's CPUs can give.
