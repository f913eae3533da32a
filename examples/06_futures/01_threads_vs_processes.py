"""
ThreadPoolExecutor vs ProcessPoolExecutor on CPU-bound work
===========================================================

The two executors of :mod:`concurrent.futures` have the same interface, so you can run
one job on either by changing one name.  You will see the process pool finish a
:term:`CPU-bound` job sooner with more workers, and the thread pool not at all.
"""

# %%
# The job
# -------
# The job is pure-Python arithmetic, split into equal tasks, one per worker:
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: cpu_bound
#
# ``run_job`` submits the tasks to a pool and waits for every result.  It does not care
# which kind of pool it gets.

import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from conc_examples.work.workloads import calibrate, cpu_bound


def run_job(pool: Executor, workers: int, total: int) -> list[int]:
    futures = [pool.submit(cpu_bound, total // workers) for _ in range(workers)]
    return [future.result(timeout=60) for future in futures]


# %%
# One name changes
# ----------------
# The same job, about 50 ms of CPU on this machine, on two workers of each kind.  Two
# sleeps start both workers first, so the clock times only the work.  The process
# pool goes first: a process pool forks its workers (where ``fork`` is the start
# method), and a process that runs threads must not fork.  The ``__main__`` guard lets
# a ``spawn`` child import this script without running it.

if __name__ == "__main__":
    TOTAL = calibrate(0.05)
    for executor in (ProcessPoolExecutor, ThreadPoolExecutor):
        with executor(max_workers=2) as pool:
            list(pool.map(time.sleep, [0.1, 0.1], timeout=60))  # starts both workers
            start = time.perf_counter()
            run_job(pool, 2, TOTAL)
            print(f"{executor.__name__:>19}: {time.perf_counter() - start:.3f} s")

# %%
# One run on a shared machine says little.  So you measure both pools with 1, 2 and 4
# workers, in interleaved rounds, with ``measure_scaling``.  It reports each pool's best
# round against the best round of one worker.  It also measures the :term:`measured
# ceiling`: two independent processes doing the same halves with no pool at all, in the
# same rounds.  :ref:`sphx_glr_chapters_09_benchmarking_05_how_this_site_measures.py`
# explains why the site measures this way.

from conc_examples.charts.plotting import scaling_panels, show
from conc_examples.measure.ceiling import measure_scaling

if __name__ == "__main__":
    pools = {
        "ThreadPoolExecutor": ThreadPoolExecutor,
        "ProcessPoolExecutor": ProcessPoolExecutor,
    }
    scaling = measure_scaling(cpu_bound, TOTAL, workers=[1, 2, 4], pools=pools)
    print(scaling)
    scaling_panels(scaling, title="One CPU-bound job on a thread pool and a process pool")
    show()

# %%
# On the left, each point is the best round of one worker (in either pool) over the
# pool's best round, with a whisker down to its slowest round.  The process pool follows the
# ceiling (the dotted line), up to what this machine's CPUs give; the last line of the
# table says how much of the ceiling its two workers reached.  The thread pool stays at
# about 1x, however many workers: on a :term:`GIL` build only one thread runs Python
# code at a time.  On the right, the CPUs in use (CPU time of the tasks per second on
# the clock, which load can only lower) say the same: the threads never kept more than
# one CPU busy.  (On a free-threaded build with the GIL off, threads can scale too.)
#
# Take-away: for CPU-bound Python code, use processes: two workers of the process pool
# gave the first speed-up printed here, two threads the second.

if __name__ == "__main__":
    speedup_2_processes = scaling.speedup("ProcessPoolExecutor", 2)
    speedup_2_threads = scaling.speedup("ThreadPoolExecutor", 2)
    print(f"2 processes: {speedup_2_processes:.2f}x; 2 threads: {speedup_2_threads:.2f}x")
