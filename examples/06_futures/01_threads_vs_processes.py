"""
ThreadPoolExecutor vs ProcessPoolExecutor on CPU-bound work
===========================================================

The two executors of :mod:`concurrent.futures` have the same interface, so you can run
one job on either by changing one name.  You will see the process pool finish a
:term:`CPU-bound` job sooner where the CPUs are free, and the thread pool never use
more than one CPU.
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
# Which pool finishes sooner? Change one name
# -------------------------------------------
# The same job, about 50 ms of CPU on this machine, on two workers of each kind.  Two
# sleeps start both workers first, so the clock times only the work.  The process
# pool goes first: a process pool forks its workers (where ``fork`` is the start
# method), and a process with other threads alive must not fork.  The ``__main__``
# guard lets a ``spawn`` child import this script without running it.

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
# pool's best round, with a whisker down to its slowest round; the dotted line is the
# ceiling.  On the right, the CPUs in use: the CPU time of the tasks per second on the
# clock, the median of the rounds.  Load on the machine can only lower that figure, so
# the thread pool's claim holds on a busy machine too.  The process pool's figure is
# no claim: its tasks are short (a few hundredths of a second), so handing them over
# and back is a large part of each round, and a busy machine lowers it further.  (On a
# free-threaded build with the GIL off, threads can scale too.)

from conc_examples.claims import claim, needs_cpus, needs_gil

if __name__ == "__main__":
    ceiling = scaling.ceiling.speedup
    # These figures come from every round, so they need a second CPU free in every
    # round: judged by every round's ceiling.
    free_cpu = needs_cpus(scaling.ceiling.speedups)
    threads_cpus = max(scaling.cpus["ThreadPoolExecutor"])
    claim(
        "However many workers, the thread pool kept at most one CPU busy",
        threads_cpus < 1.15,
        measured=f"at most {threads_cpus:.2f} CPUs with 1, 2 or 4 threads",
        expected="under 1.15 CPUs",
        needs=needs_gil(),
    )

# %%
# Whether the process pool finishes the job sooner depends on a second CPU being free
# right then, so the speed-up claims need the ceiling measured in the same rounds.  The
# threads are compared with themselves round by round (one thread, then two, at the
# same moment), so a burst of load hits both alike.

import statistics

if __name__ == "__main__":
    one, two = (scaling.timings["ThreadPoolExecutor"][i].runs for i in (0, 1))
    threads_paired = statistics.median(a / b for a, b in zip(one, two, strict=True))
    claim(
        "Two threads finished the job no sooner than one",
        threads_paired < 1.25,
        measured=f"{threads_paired:.2f}x, median of the rounds' ratios",
        expected="under 1.25x (two threads in parallel would follow the ceiling)",
        needs=(needs_gil(), free_cpu),
    )
    claim(
        "The pool of two processes came close to two independent processes",
        0.65 < scaling.share < 1.15,
        measured=f"{scaling.share:.0%} of the ceiling ({ceiling:.2f}x), median of rounds",
        expected="65 % to 115 % (a pool only adds overhead; more is noise)",
        needs=free_cpu,
        why="load changed between the pool's turn and the ceiling's in the same round",
    )

# %%
# Take-away: for CPU-bound Python code, use processes, as far as the machine has CPUs
# free; threads keep one CPU busy however many you start.

if __name__ == "__main__":
    speedup_2_processes = scaling.speedup("ProcessPoolExecutor", 2)
    speedup_2_threads = scaling.speedup("ThreadPoolExecutor", 2)
    claim(
        "Two processes finished the job sooner than two threads",
        speedup_2_processes > 1.2 * speedup_2_threads,
        measured=f"processes {speedup_2_processes:.2f}x, threads {speedup_2_threads:.2f}x",
        expected="processes over 1.2 times the threads' speed-up",
        needs=(needs_gil(), free_cpu),
    )
