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
from conc_examples.claims import claim, needs_cpus, needs_gil
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
ceiling = compare.ceiling
# The figures come from every round, so a claim on them needs a second CPU free in
# every round: judged by every round's ceiling.
free_cpu = needs_cpus(ceiling.speedups)

speedup_bars(
    compare,
    {name: (f"{name}, 2 threads", f"{name}, 1 thread") for name in work},
    title="Speed-up of 2 threads over 1, same total work",
    ideal=2.0,
    ideal_label="ideal for 2 threads",
)
show()

# %%
# The bars show the best round of two threads over the best round of one, with a
# whisker down to the slowest.  A sleep needs no CPU, so it needs no free CPU either:


claim(
    "Two threads slept in about half the time of one",
    speedup_2_threads["sleep"] > 1.6,
    measured=f"{speedup_2_threads['sleep']:.2f}x",
    expected="over 1.6x (ideal 2x)",
)

# %%
# The pure-Python loop is the control.  Its two threads took turns holding the GIL, so
# together they kept at most one CPU busy (the ``CPU s/s`` column, read in the same
# fastest round as the times; load can only lower it).  On a free-threaded build with
# the GIL off, pure Python would use two; the caption says which build drew this figure.

pure_cpus = compare.cpus["pure Python, 2 threads"]
claim(
    "Two threads of pure Python kept at most one CPU busy",
    pure_cpus < 1.15,
    measured=f"{pure_cpus:.2f} CPU seconds per second",
    expected="under 1.15",
    needs=needs_gil(),
)

# %%
# Hashing and compressing run in C code that has let go of the GIL, so the other thread
# can run meanwhile, on another CPU, if one is free right then.  So these claims need a
# free second CPU, judged by the ceiling (the dotted line) measured in the same rounds.
# The ceiling runs the pure-Python loop; C code may share a core's two hardware threads
# differently, so a bar a little past the dotted line is no contradiction.

for name, doing in {"sha256": "hashing", "zlib": "compressing"}.items():
    cpus = compare.cpus[f"{name}, 2 threads"]
    claim(
        f"In their fastest round, two threads {doing} ({name}) kept more than one CPU busy",
        cpus > 1.3,
        measured=f"{cpus:.2f} CPU seconds per second",
        expected="over 1.3",
        needs=free_cpu,
    )
    claim(
        f"Two threads {doing} ({name}) finished sooner than one",
        speedup_2_threads[name] > 1.2,
        measured=f"{speedup_2_threads[name]:.2f}x, ceiling {ceiling.speedup:.2f}x",
        expected="over 1.2x",
        needs=free_cpu,
    )

# %%
# Take-away: threads do speed up CPU-heavy work when that work runs in C code that
# releases the GIL (hashlib, zlib, NumPy and many more do), as far as the free CPUs
# allow: see the sha256 and zlib claims above.  For pure-Python computation, use
# processes.
