"""
ThreadPoolExecutor vs ProcessPoolExecutor on CPU-bound work
===========================================================

The two executors of :mod:`concurrent.futures` have the same interface, so one job can
run on either by changing one name.  They do not run it the same way: threads share
one interpreter and, on a :term:`GIL` build, take turns running Python code; processes
each have their own interpreter and run at the same time on different CPUs.  This page
runs one :term:`CPU-bound` job on 1, 2, ... workers of each kind and compares the
:term:`speed-up` with two bounds: the ideal (one CPU per worker) and this machine's
:term:`measured ceiling`.
"""

# %%
# The job
# -------
# Equal tasks of pure-Python arithmetic, as few as divide evenly among 1 to N workers
# (2 tasks for up to 2 workers, 12 for up to 4), so that each worker gets the same
# share; sized so that the whole job takes about 0.2 s in one process:
#
# .. literalinclude:: /../conc_examples/workloads.py
#    :pyobject: cpu_bound

import math
import multiprocessing
import statistics
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack

from conc_examples.ceiling import CeilingProbe, shares_of_ceiling
from conc_examples.machine import caption, gil_enabled, start_method, usable_cpus
from conc_examples.results import record
from conc_examples.timing import Timing, measure_interleaved
from conc_examples.workloads import calibrate, cpu_bound

ROUNDS = 5  # the median of five shrugs off two disturbed rounds
PAIRED_ROUNDS = 9


def run_job(executor: Executor, tasks: int, iterations: int) -> list[int]:
    """Submit ``tasks`` equal tasks and wait for all of them (at most 60 s each)."""
    futures = [executor.submit(cpu_bound, iterations) for _ in range(tasks)]
    return [future.result(timeout=60) for future in futures]


if __name__ == "__main__":
    print(caption())
    cpus = usable_cpus()
    worker_counts = list(range(1, max(2, min(cpus, 4)) + 1))
    tasks = math.lcm(*worker_counts)
    iterations = calibrate(0.2 / tasks)
    print(f"the job: {tasks} tasks of {iterations} iterations each")

# %%
# Both pools, 1 to N workers, and the ceiling
# -------------------------------------------
# All the pools are created first, and a warm-up run starts their workers, so the
# timings measure the work and the hand-offs, not the start-up.
#
# A process pool runs a thread in the parent to feed its workers, and forking a
# process that runs threads can deadlock the child (Python 3.12+ warns about it).
# So where the default start method is ``fork``, the process pools here get a
# ``forkserver`` context, which forks from a clean single-threaded server instead:
# what Python 3.14 does by default on Linux.
#
# Each round times the job once without a pool and once on every pool, starting one
# place further on each round: whatever else the machine is doing then slows all of
# them alike, instead of spoiling one.
#
# The ideal says 2 workers on 2 CPUs go 2x faster.  But two vCPUs may be two threads
# of one physical core, clocks drop when more cores are busy, and other programs run
# too.  A ``conc_examples.ceiling.CeilingProbe`` keeps two independent Python
# processes waiting; each call releases one of them alone on the same work, then both
# side by side, with no pool, pickling or start method involved: no parallel program
# here can beat that.  What the CPUs give changes from one second to the next on a
# shared machine, so the ceiling is measured in short rounds of its own, taking turns
# with the job on the 2-worker process pool.


def serial_job(tasks: int, iterations: int) -> list[int]:
    """The same tasks, one after another in this thread: the baseline."""
    return [cpu_bound(iterations) for _ in range(tasks)]


if __name__ == "__main__":
    context = multiprocessing.get_context(
        "forkserver" if start_method() == "fork" else None
    )
    print(f"process pools start their workers with {context.get_start_method()!r}")
    with ExitStack() as to_close:  # every pool and the probe, closed at the end
        pools = {
            (name, workers): to_close.enter_context(pool)
            for workers in worker_counts
            for name, pool in [
                ("ThreadPoolExecutor", ThreadPoolExecutor(workers)),
                ("ProcessPoolExecutor", ProcessPoolExecutor(workers, mp_context=context)),
            ]
        }
        for pool in pools.values():
            run_job(pool, tasks, iterations)  # warm-up: starts every worker
        jobs = {"serial": lambda: serial_job(tasks, iterations)} | {
            key: lambda p=pool: run_job(p, tasks, iterations) for key, pool in pools.items()
        }
        runs = measure_interleaved(jobs, repeat=ROUNDS, warmup=0)
        probe = to_close.enter_context(CeilingProbe(2, iterations * tasks // 2))
        paired = measure_interleaved(
            {"2 processes": jobs["ProcessPoolExecutor", 2], "ceiling": probe},
            repeat=PAIRED_ROUNDS,
            warmup=0,  # the probe keeps every call: a warm-up call would add a round
        )

    serial = runs.pop("serial")
    print(f"the job in one process, no pool: {serial}")
    timings: dict[str, list[Timing]] = {"ThreadPoolExecutor": [], "ProcessPoolExecutor": []}
    for (name, workers), took in runs.items():
        timings[name].append(took)
        speedup = took.speedup_over(serial)
        print(f"{name:>19}, {workers} workers: {took.median:.3f} s, {speedup:.2f}x")
        record(f"speedup[{name}][{workers}]", speedup)

# %%
# How close the process pool comes
# --------------------------------
# In each round the pool's 2 workers and the probe's 2 independent processes did the
# same halves of the job, one right after the other: the only difference is the pool
# (pickling the tasks, passing them through its queues, waking its workers).  Their
# ratio is the share of the ceiling the pool reached in that round; it equals the
# pool's speed-up over a serial run divided by the ceiling's speed-up over the same
# run.

if __name__ == "__main__":
    ceiling = probe.ceiling()
    print(ceiling)
    shares = shares_of_ceiling(paired["2 processes"], ceiling)
    for number, (pool_run, independent, share) in enumerate(
        zip(paired["2 processes"].runs, ceiling.together.runs, shares, strict=True),
        start=1,
    ):
        print(
            f"round {number}: pool {pool_run:.3f} s,"
            f" independent processes {independent:.3f} s -> {share:.0%}"
        )
    share = statistics.median(shares)
    threads_at_2 = timings["ThreadPoolExecutor"][worker_counts.index(2)].speedup_over(
        serial
    )
    print(
        f"ProcessPoolExecutor at 2 workers: {share:.0%} of the ceiling"
        f" (median of {len(shares)} rounds)"
    )
    print(
        f"ThreadPoolExecutor at 2 workers:  {threads_at_2:.2f}x (GIL on: {gil_enabled()})"
    )
    record("ceiling", ceiling.speedup)
    record("process_share_of_ceiling", share)
    record("gil_enabled", gil_enabled())

    from conc_examples import plotting  # under the guard: spawn children skip matplotlib

    plotting.scaling_chart(
        worker_counts,
        timings,
        baseline=serial,
        title=f"One CPU-bound job ({tasks} tasks) on a thread pool and a process pool",
        ceiling=ceiling.speedup,
    )
    plotting.show()

# %%
# The process pool follows the ceiling: at 2 workers it did the same work about as
# fast as independent processes (the share printed above).  Its plotted points,
# measured seconds away from the ceiling's rounds, sit around the line rather than on
# it: on a shared machine that is the noise the paired rounds remove.  The thread
# pool is no faster than one thread (about 1x or below, however many workers): on a
# GIL build only one thread runs Python code at a time, and threads taking turns at
# the GIL add overhead.  (On a free-threaded build with the GIL off, threads can
# scale too.)
#
# Take-away: for CPU-bound Python code, use processes: they scale up to what the
# machine really offers (its measured ceiling, not its CPU count); threads do not.
