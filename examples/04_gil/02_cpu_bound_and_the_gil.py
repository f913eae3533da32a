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
# ``sys._is_gil_enabled()`` (3.13+) says whether the GIL is on right now.

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
# .. literalinclude:: /../conc_examples/workloads.py
#    :pyobject: cpu_bound
#
# The ``__main__`` guard lets a ``spawn`` child import this script without running it.

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from conc_examples.workloads import calibrate, cpu_bound

if __name__ == "__main__":
    TOTAL = calibrate(0.06)
    with ThreadPoolExecutor(max_workers=2) as pool:
        cpu, wall = time.process_time(), time.perf_counter()
        list(pool.map(cpu_bound, [TOTAL // 2] * 2, timeout=60))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"2 threads: {wall:.3f} s on the clock, {cpu:.3f} s of CPU")
    print(f"CPUs in use: {cpu / wall:.2f}")

# %%
# Two threads used at most about one CPU, not two.  :func:`time.process_time` counts
# the CPU time of every thread of this process, so ``cpu / wall`` is how many CPUs it
# kept busy.  A busy machine can only lower that figure, never raise it.
#
# Threads against processes
# -------------------------
# Now the same split over 1, 2 and 4 workers, in a thread pool and in a process pool.
# ``measure_scaling`` runs every case in interleaved rounds and reports the best round
# of each, against the best round of one worker.  It also measures this machine's
# :term:`measured ceiling`: two independent processes doing the same halves with no pool
# at all.  :ref:`sphx_glr_chapters_09_benchmarking_05_how_this_site_measures.py` explains
# how.

from conc_examples.ceiling import measure_scaling

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
    scaling.cpu_chart(title="Pure-Python work: CPUs kept busy by threads and processes")

# %%
# On a GIL build the threads line stays at one CPU, however many threads: only one of
# them runs at a time.  The processes line climbs towards the number of CPUs, because
# each process has its own interpreter and its own GIL; how much faster that makes the
# work, the table's speed-up and ceiling lines say (two vCPUs of one core give less than
# 2x).  (On a free-threaded build with the GIL off, threads would climb too.)
#
# Who ran when: a timeline
# ------------------------
# A timeline says *why*.  Two threads, then two processes, each run the work in small
# chunks (a quarter of a switch interval each) and note when each chunk started and
# ended.  A chunk that took several times longer than the others was paused part-way.
# So only the uninterrupted chunks are drawn: the moments each worker really ran.
#
# .. literalinclude:: /../conc_examples/gil.py
#    :pyobject: cpu_bound_in_chunks

from conc_examples.gil import busy_workers, cpu_bound_in_chunks, uninterrupted
from conc_examples.plotting import show, timeline_chart

if __name__ == "__main__":
    CHUNK = calibrate(sys.getswitchinterval() / 4)
    overlap = {}
    # Processes first: a process that has run threads should not fork.
    for kind, executor in reversed(pools.items()):
        with executor(max_workers=2) as pool:
            list(pool.map(time.sleep, [0.05] * 2, timeout=60))  # start both workers
            futures = [pool.submit(cpu_bound_in_chunks, kind, 80, CHUNK) for _ in range(2)]
            spans = [span for future in futures for span in future.result(timeout=60)]
        overlap[kind] = busy_workers(uninterrupted(spans))
        print(f"2 {kind}: on average {overlap[kind]:.2f} workers running at once")
        timeline_chart(uninterrupted(spans), title=f"Two {kind} running pure-Python chunks")
    show()

# %%
# The processes' bars run side by side.  The threads' bars alternate: one thread runs a
# burst of chunks while the other's row is empty, then they swap.
#
# Take-away: on a GIL build, two threads give pure-Python work no speed-up (printed
# here), and the timeline shows them taking turns; processes do speed it up, as far as
# the machine's CPUs allow.

if __name__ == "__main__":
    speedup_2_threads = scaling.speedup("threads", 2)
    speedup_2_processes = scaling.speedup("processes", 2)
    print(f"2 threads: {speedup_2_threads:.2f}x, 2 processes: {speedup_2_processes:.2f}x")
