"""
CPU-bound work and the GIL
==========================

Two threads computing in pure Python finish no sooner than one: on a build of CPython
with a :term:`GIL`, only one of them runs Python code at a time.  You will see it three
ways: the speed-up of threads against processes, the CPU time the threads used, and a
timeline of which worker ran when.
"""

# %%
# Which Python is this?
# ---------------------
# A thread must hold the GIL (Global Interpreter Lock) to run Python bytecode.  Each
# interpreter has one; a program usually runs one interpreter per process (since Python
# 3.12, :pep:`684`, a process can run several, each with its own GIL).  Python 3.13 added
# an optional :term:`free-threaded build` that can run without it, and
# :func:`sys._is_gil_enabled` (3.13+) says whether the GIL is on right now.

import sys

if __name__ == "__main__":
    gil_on = sys._is_gil_enabled() if sys.version_info >= (3, 13) else True
    print(f"Python {sys.version.split()[0]}; GIL enabled: {gil_on}")
    print(f"switch interval: {sys.getswitchinterval() * 1000:.1f} ms")

# %%
# A thread that wants the GIL waits for it.  Once it has waited one :term:`switch
# interval`, the interpreter asks the holder to drop the GIL, and the waiting thread
# gets its turn.  So two threads doing pure-Python work take turns; neither runs while
# the other holds the lock.  A thread that waits for I/O or sleeps drops the GIL at once.
#
# One run, two threads
# --------------------
# ``cpu_bound`` is a loop of arithmetic in pure Python, so it holds the GIL all the time.
# You size the job to about 60 ms of CPU on this machine and give each of two threads
# half.  Then you compare the wall-clock time with the CPU time the process used.
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: cpu_bound
#
# The ``__main__`` guard lets a ``spawn`` child import this script without running it.

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from conc_examples.work.workloads import calibrate, cpu_bound

if __name__ == "__main__":
    TOTAL = calibrate(0.06)
    with ThreadPoolExecutor(max_workers=2) as pool:
        cpu, wall = time.process_time(), time.perf_counter()
        list(pool.map(cpu_bound, [TOTAL // 2] * 2, timeout=60))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"2 threads: {wall:.3f} s on the clock, {cpu:.3f} s of CPU")

# %%
# :func:`time.process_time` counts the CPU time of every thread of this process, so
# ``cpu / wall`` is how many CPUs it kept busy.  A busy machine can only lower that
# figure, never raise it, so the claim below holds on a loaded machine too.

from conc_examples.claims import claim, needs_cpus, needs_free_threading, needs_gil

if __name__ == "__main__":
    cpus_2_threads = cpu / wall
    claim(
        "Two threads running pure Python kept at most one CPU busy, not two",
        cpus_2_threads < 1.15,
        measured=f"{cpus_2_threads:.2f} CPUs in use",
        expected="under 1.15 CPUs",
        needs=needs_gil(),
    )
#
# Threads against processes
# -------------------------
# Now the same split over 1, 2 and 4 workers, in a thread pool and in a process pool.
# ``measure_scaling`` runs every case in interleaved rounds and reports the best round
# of each, against the best round of one worker.  It also measures this machine's
# :term:`measured ceiling`: two independent processes doing the same halves with no pool
# at all.  :ref:`sphx_glr_chapters_09_benchmarking_05_how_this_site_measures.py` explains
# how.

from conc_examples.charts.plotting import cpus_chart
from conc_examples.measure.ceiling import measure_scaling

if __name__ == "__main__":
    pools = {"threads": ThreadPoolExecutor, "processes": ProcessPoolExecutor}
    scaling = measure_scaling(cpu_bound, TOTAL, workers=[1, 2, 4], pools=pools)
    print(scaling)

# %%
# The table's speed-ups compare best rounds, and a busy machine can still push them
# either way.  So the chart shows the figure that load can only lower: the CPUs in use,
# the CPU time the tasks spent (each timed in its own thread, in whichever process ran
# it) per second on the clock, the median of the rounds.  The dashed line is the ideal.

if __name__ == "__main__":
    cpus_chart(scaling, title="Pure-Python work: CPUs kept busy by threads and processes")

# %%
# Each process has its own interpreter and its own GIL, so processes can keep several
# CPUs busy; threads of one interpreter take turns.  Whether processes also finish
# sooner depends on a second CPU being free right then, so that claim needs the
# ceiling, measured in the same rounds.  A free-threaded build with the GIL off has no
# lock to take turns on: there the threads' line climbs too (the last claim; the
# caption names the build).

if __name__ == "__main__":
    threads_cpus, processes_cpus = (
        max(scaling.cpus["threads"]),
        max(scaling.cpus["processes"]),
    )
    free_cpu = needs_cpus(scaling.ceiling.speedups)  # every round's figure needs one
    claim(
        "However many threads, pure-Python work kept at most one CPU busy",
        threads_cpus < 1.15,
        measured=f"at most {threads_cpus:.2f} CPUs with 1, 2 or 4 threads",
        expected="under 1.15 CPUs",
        needs=needs_gil(),
    )
    claim(
        "Processes kept more than one CPU busy",
        processes_cpus > 1.3,
        measured=f"up to {processes_cpus:.2f} CPUs",
        expected="over 1.3 CPUs",
        needs=free_cpu,
    )
    claim(
        "The pool of two processes came close to two independent processes",
        0.65 < scaling.share < 1.15,
        measured=f"{scaling.share:.0%} of the ceiling, median of the rounds",
        expected="65 % to 115 %: a pool only adds overhead, more is noise",
        needs=free_cpu,
        why="load changed between the pool's turn and the ceiling's in the same round",
    )
    claim(
        "Without the GIL, threads kept more than one CPU busy too",
        threads_cpus > 1.3,
        measured=f"up to {threads_cpus:.2f} CPUs with 1, 2 or 4 threads",
        expected="over 1.3 CPUs",
        needs=(needs_free_threading(), free_cpu),
    )
#
# Who ran when: a timeline
# ------------------------
# A timeline says *why*.  Two threads, then two processes, each run the work in small
# chunks (a quarter of a switch interval each) and note when each chunk started and
# ended.  A chunk that took several times longer than the others was paused part-way.
# So only the uninterrupted chunks are drawn: the moments each worker really ran.
#
# .. literalinclude:: /../conc_examples/measure/gil.py
#    :pyobject: cpu_bound_in_chunks

from conc_examples.charts.plotting import show, timeline_chart
from conc_examples.measure.gil import busy_workers, cpu_bound_in_chunks, uninterrupted

if __name__ == "__main__":
    CHUNK = calibrate(sys.getswitchinterval() / 4)
    overlap = {}
    # Processes first: a process should not fork while other threads are alive.
    for kind, executor in reversed(pools.items()):
        with executor(max_workers=2) as pool:
            list(pool.map(time.sleep, [0.05] * 2, timeout=60))  # start both workers
            futures = [pool.submit(cpu_bound_in_chunks, kind, 80, CHUNK) for _ in range(2)]
            spans = [span for future in futures for span in future.result(timeout=60)]
        overlap[kind] = busy_workers(uninterrupted(spans))
        timeline_chart(uninterrupted(spans), title=f"Two {kind} running pure-Python chunks")
    show()

# %%
# How many workers ran at once, on average, while any ran: the busy time of the drawn
# chunks over the time they cover.  The threads' figure holds on a busy machine too;
# the processes' bars overlap only where a second CPU was free at that moment, which
# the CPU figures above already judged in their own rounds.

if __name__ == "__main__":
    claim(
        "The two threads took turns",
        overlap["threads"] < 1.3,
        measured=f"{overlap['threads']:.2f} threads running at once, on average",
        expected="under 1.3",
        needs=needs_gil(),
    )

# %%
# Take-away: on a GIL build two threads give pure-Python work no speed-up, and
# processes do, as far as the machine's free CPUs allow.

if __name__ == "__main__":
    speedup_2_threads = scaling.speedup("threads", 2)
    speedup_2_processes = scaling.speedup("processes", 2)
    claim(
        "Two processes finished the work sooner than two threads",
        speedup_2_processes > 1.2 * speedup_2_threads,
        measured=f"processes {speedup_2_processes:.2f}x, threads {speedup_2_threads:.2f}x",
        expected="processes over 1.2 times the threads' speed-up",
        needs=(needs_gil(), free_cpu),
    )
