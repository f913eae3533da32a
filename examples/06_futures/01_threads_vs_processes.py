"""
ThreadPoolExecutor vs ProcessPoolExecutor on CPU-bound work
===========================================================

The two executors of :mod:`concurrent.futures` have the same interface, so one job can
run on either by changing one name.  They do not run it the same way: threads share
one interpreter and, on a :term:`GIL` build, take turns running Python code; processes
each have their own interpreter and run at the same time on different CPUs.  This page
runs one :term:`CPU-bound` job on 1, 2, ... workers of each kind and compares the
speed-up with two bounds: the ideal (one CPU per worker) and this machine's measured
ceiling.
"""

# %%
# The job
# -------
# Twelve equal tasks of pure-Python arithmetic (twelve divides evenly among 1, 2, 3 or
# 4 workers), sized so that the whole job takes about 0.3 s in one process:
#
# .. literalinclude:: /../conc_examples/workloads.py
#    :pyobject: cpu_bound

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from conc_examples.ceiling import measure_ceiling
from conc_examples.machine import caption, gil_enabled, start_method, usable_cpus
from conc_examples.results import record
from conc_examples.timing import measure
from conc_examples.workloads import calibrate, cpu_bound

TASKS = 12


def run_job(executor: Executor, iterations: int) -> list[int]:
    """Submit the twelve tasks and wait for all of them (at most 60 s each)."""
    futures = [executor.submit(cpu_bound, iterations) for _ in range(TASKS)]
    return [future.result(timeout=60) for future in futures]


if __name__ == "__main__":
    print(caption())
    cpus = usable_cpus()
    worker_counts = list(range(1, max(2, min(cpus, 4)) + 1))
    iterations = calibrate(0.3 / TASKS)
    # calibrate() has run the code already: no warm-up needed without a pool.
    serial = measure(
        lambda: [cpu_bound(iterations) for _ in range(TASKS)], repeat=3, warmup=0
    )
    print(f"the job in one process, no pool: {serial}")

# %%
# Both pools, 1 to N workers
# --------------------------
# Each pool is created once per worker count, and a warm-up run starts its workers,
# so the timings measure the work and the hand-offs, not the start-up.
#
# A process pool runs a thread in the parent to feed its workers, and forking a
# process that runs threads can deadlock the child (Python 3.12+ warns about it).
# So where the default start method is ``fork``, the process pools here get a
# ``forkserver`` context, which forks from a clean single-threaded server instead:
# what Python 3.14 does by default on Linux.

if __name__ == "__main__":
    context = multiprocessing.get_context(
        "forkserver" if start_method() == "fork" else None
    )
    print(f"process pools start their workers with {context.get_start_method()!r}")
    make_pool = {
        "ThreadPoolExecutor": lambda n: ThreadPoolExecutor(max_workers=n),
        "ProcessPoolExecutor": lambda n: ProcessPoolExecutor(n, mp_context=context),
    }
    timings: dict[str, list] = {name: [] for name in make_pool}
    for workers in worker_counts:
        for name, pool_of in make_pool.items():
            with pool_of(workers) as pool:
                took = measure(lambda p=pool: run_job(p, iterations), repeat=3)
            timings[name].append(took)
            speedup = took.speedup_over(serial)
            print(f"{name:>19}, {workers} workers: {took.median:.3f} s, {speedup:.2f}x")
            record(f"speedup[{name}][{workers}]", speedup)

# %%
# The ceiling: what this machine can do at all
# --------------------------------------------
# The ideal says 2 workers on 2 CPUs go 2x faster.  But two vCPUs may be two threads
# of one physical core, clocks drop when more cores are busy, and other programs run
# too.  ``conc_examples.ceiling.measure_ceiling`` times independent Python
# processes doing the same work side by side, with no pool, pickling or start method
# involved: no parallel program here can beat it.

if __name__ == "__main__":
    two = worker_counts.index(2)
    ceiling = measure_ceiling(2, iterations * TASKS // 2)
    print(ceiling)
    processes_at_2 = timings["ProcessPoolExecutor"][two].speedup_over(serial)
    threads_at_2 = timings["ThreadPoolExecutor"][two].speedup_over(serial)
    share = processes_at_2 / ceiling.speedup
    print(f"ProcessPoolExecutor at 2 workers: {processes_at_2:.2f}x = {share:.0%} of it")
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
        title=f"One CPU-bound job ({TASKS} tasks) on a thread pool and a process pool",
        ceiling=ceiling.speedup,
    )
    plotting.show()

# %%
# The process pool follows the ceiling: at 2 workers it reaches the share of the
# machine's real capacity printed above.  The thread pool stays near 1x however many
# workers it has, because on a GIL build only one thread runs Python code at a time;
# more threads only add switching.  (On a free-threaded build with the GIL off,
# threads can scale too.)
#
# Take-away: for CPU-bound Python code, use processes: they scale up to what the
# machine really offers (its measured ceiling, not its CPU count); threads do not.
