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
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack

from conc_examples.ceiling import Ceiling, measure_ceiling
from conc_examples.machine import caption, gil_enabled, start_method, usable_cpus
from conc_examples.results import record
from conc_examples.timing import Timing, measure_interleaved
from conc_examples.workloads import calibrate, cpu_bound

ROUNDS = 5  # the median of five shrugs off two disturbed rounds


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
# The ideal says 2 workers on 2 CPUs go 2x faster.  But two vCPUs may be two threads
# of one physical core, clocks drop when more cores are busy, and other programs run
# too.  ``conc_examples.ceiling.measure_ceiling`` times independent Python processes
# doing the same work side by side, with no pool, pickling or start method involved:
# no parallel program here can beat it.
#
# Each round times the job once without a pool, once on every pool (starting one place
# further on each round), and the ceiling once: whatever else the machine is doing
# then slows all of them alike, instead of spoiling one.


def serial_job(tasks: int, iterations: int) -> list[int]:
    """The same tasks, one after another in this thread: the baseline."""
    return [cpu_bound(iterations) for _ in range(tasks)]


if __name__ == "__main__":
    context = multiprocessing.get_context(
        "forkserver" if start_method() == "fork" else None
    )
    print(f"process pools start their workers with {context.get_start_method()!r}")
    with ExitStack() as pools_to_close:
        pools = {
            (name, workers): pools_to_close.enter_context(pool)
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
        # The ceiling takes its turn in the same rounds; its own runs are in `ceilings`.
        ceilings = []
        jobs["ceiling"] = lambda: ceilings.append(
            measure_ceiling(2, iterations * tasks // 2, repeat=1)
        )
        runs = measure_interleaved(jobs, repeat=ROUNDS, warmup=0)
        del runs["ceiling"]

    serial = runs.pop("serial")
    print(f"the job in one process, no pool: {serial}")
    timings: dict[str, list[Timing]] = {"ThreadPoolExecutor": [], "ProcessPoolExecutor": []}
    for (name, workers), took in runs.items():
        timings[name].append(took)
        speedup = took.speedup_over(serial)
        print(f"{name:>19}, {workers} workers: {took.median:.3f} s, {speedup:.2f}x")
        record(f"speedup[{name}][{workers}]", speedup)
    ceiling = Ceiling(
        2,
        alone=Timing.of([run for c in ceilings for run in c.alone.runs]),
        together=Timing.of([run for c in ceilings for run in c.together.runs]),
    )
    print(ceiling)

# %%
# How close each pool comes
# -------------------------
# The speed-ups of the medians, as plotted below, against the ceiling:

if __name__ == "__main__":
    two = worker_counts.index(2)
    processes_at_2 = timings["ProcessPoolExecutor"][two].speedup_over(serial)
    threads_at_2 = timings["ThreadPoolExecutor"][two].speedup_over(serial)
    share = processes_at_2 / ceiling.speedup
    print(f"ProcessPoolExecutor at 2 workers: {processes_at_2:.2f}x,", end=" ")
    print(f"{share:.0%} of the ceiling")
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
# The process pool follows the ceiling: at 2 workers it reaches the share of the
# machine's real capacity printed above.  The thread pool is no faster than one
# thread (about 1x or below, however many workers): on a GIL build only one thread
# runs Python code at a time, and threads taking turns at the GIL add overhead.  (On a
# free-threaded build with the GIL off, threads can scale too.)
#
# Take-away: for CPU-bound Python code, use processes: they scale up to what the
# machine really offers (its measured ceiling, not its CPU count); threads do not.
