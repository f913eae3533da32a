"""
Work that releases the GIL
==========================

The :term:`GIL` only guards Python bytecode.  C code that works on its own data for a
while can let go of it, and then other threads run at the same time, on other CPUs.
The standard library does this where it counts: :mod:`hashlib` while it hashes a buffer
larger than 2 KiB, :mod:`zlib` while it compresses, and every blocking wait
(:func:`time.sleep`, reading a socket or a file).  This page runs the same amount of
each kind of work on one thread and on two, next to pure-Python work as the control.
"""

# %%
# Four kinds of work
# ------------------
# Each is sized to about 40 ms of CPU time on this machine.  One thread does it twice
# in a row; two threads do it once each, at the same time.  If the GIL is released
# during the work, two threads finish in about half the time (given two free CPUs; a
# sleep needs no CPU at all).  The buffer is 1 MiB of text-like bytes.
#
# .. literalinclude:: /../conc_examples/measure/gil.py
#    :pyobject: hash_rounds
#
# .. literalinclude:: /../conc_examples/measure/gil.py
#    :pyobject: compress_rounds

import time
from functools import partial

from conc_examples.measure.gil import compress_rounds, hash_rounds, sample_data
from conc_examples.work.workloads import calibrate, cpu_bound

SECONDS = 0.04
data = sample_data(1 << 20)
units = calibrate(SECONDS)
work = {"pure Python": partial(cpu_bound, units), "sleep": partial(time.sleep, SECONDS)}
for name, rounds_of in {"sha256": hash_rounds, "zlib": compress_rounds}.items():
    rounds = calibrate(SECONDS, partial(rounds_of, data), probe=1)
    work[name] = partial(rounds_of, data, rounds)
for name, job in work.items():
    print(f"{name:<12} one unit: {job.func.__name__}(..., {job.args[-1]})")

# %%
# One thread, then two
# --------------------
# The second way hands the same job to two threads of a
# :class:`~concurrent.futures.ThreadPoolExecutor` and waits for both.


def in_one_thread(job) -> None:
    job()
    job()


def in_two_threads(pool, job) -> None:
    futures = [pool.submit(job) for _ in range(2)]
    for future in futures:
        future.result(timeout=30)


# %%
# You time both ways in turns, three rounds each (``race``, see
# :ref:`sphx_glr_chapters_09_benchmarking_05_how_this_site_measures.py`), so a burst of
# load on this shared machine hits both alike.  Two CPU-heavy threads can only beat
# one if a second CPU is free, so each round also measures what two independent
# processes reach right now: the machine's ceiling.

from concurrent.futures import ThreadPoolExecutor

from conc_examples.charts.plotting import show, speedup_bars
from conc_examples.measure.rounds import race

with ThreadPoolExecutor(max_workers=2) as pool:
    ways = {}
    for name, job in work.items():
        ways[f"{name}, 1 thread"] = partial(in_one_thread, job)
        ways[f"{name}, 2 threads"] = partial(in_two_threads, pool, job)
    compare = race(ways, rounds=3, warmup=0, ceiling_iterations=units)
print(compare)

speedup_2_threads = {
    name: compare.speedup(f"{name}, 2 threads", over=f"{name}, 1 thread") for name in work
}
print("speed-up of 2 threads:", {k: round(v, 2) for k, v in speedup_2_threads.items()})

speedup_bars(
    compare,
    {name: (f"{name}, 2 threads", f"{name}, 1 thread") for name in work},
    title="Speed-up of 2 threads over 1, same total work",
    ideal=2.0,
    ideal_label="ideal for 2 threads",
)
show()

# %%
# Hashing, compressing and sleeping got faster with a second thread: while one thread
# was inside C code that had released the GIL, the other could run.  The pure-Python
# loop did not.  Its two threads took turns holding the GIL, so they took as long as
# one, and used at most one CPU second per second (the ``CPU s/s`` column).  The
# hashing and compressing threads could use more.  (On a free-threaded build with the
# GIL off, pure Python would speed up too; the caption says which build drew this
# figure.)  The bars show the best round of two threads over the best round of one,
# with a whisker down to the slowest.  The CPU-heavy bars cannot beat the ceiling (the
# dotted line): a second thread helps only if a second CPU is free.  The sleep bar
# needs no CPU and reaches about 2x anyway.
#
# Take-away: threads do speed up CPU-heavy work when that work runs in C code that
# releases the GIL (hashlib, zlib, NumPy and many more do): see the sha256 and zlib
# speed-ups printed above.  For pure-Python computation, use processes.
