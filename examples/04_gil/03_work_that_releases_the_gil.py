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
# .. literalinclude:: /../conc_examples/gil.py
#    :pyobject: hash_rounds
#
# .. literalinclude:: /../conc_examples/gil.py
#    :pyobject: compress_rounds

import time
from concurrent.futures import ThreadPoolExecutor

from conc_examples.ceiling import CeilingProbe
from conc_examples.gil import (
    compress_rounds,
    cpus_in_use,
    hash_rounds,
    sample_data,
)
from conc_examples.machine import info, usable_cpus
from conc_examples.plotting import bar_chart, show
from conc_examples.results import record
from conc_examples.timing import Timing, measure_interleaved
from conc_examples.workloads import calibrate, cpu_bound

SECONDS = 0.04
data = sample_data(1 << 20)
work = {
    "pure Python": (cpu_bound, (calibrate(SECONDS),)),
    "sha256": (
        hash_rounds,
        (data, calibrate(SECONDS, lambda r: hash_rounds(data, r), probe=1)),
    ),
    "zlib": (
        compress_rounds,
        (data, calibrate(SECONDS, lambda r: compress_rounds(data, r), probe=1)),
    ),
    "sleep": (time.sleep, (SECONDS,)),
}
for name, (func, args) in work.items():
    print(f"{name:<12} one unit: {func.__name__}(..., {args[-1]})")

# %%
# One thread, then two
# --------------------
# The two ways run in turns (each once per round), so a burst of load on this shared
# machine hits both alike.  Two CPU-heavy threads can only beat one if a second CPU is
# free, so each round also measures what two independent processes reach right now
# (the machine's ceiling).


def in_one_thread(func, args):
    return lambda: [func(*args), func(*args)]


def in_two_threads(pool, func, args):
    def run():
        futures = [pool.submit(func, *args) for _ in range(2)]
        return [future.result(timeout=30) for future in futures]

    return run


units = work["pure Python"][1][0]
with ThreadPoolExecutor(max_workers=2) as pool, CeilingProbe(2, units) as probe:
    contenders = {}
    for name, (func, args) in work.items():
        contenders[(name, 1)] = in_one_thread(func, args)
        contenders[(name, 2)] = in_two_threads(pool, func, args)
    contenders["ceiling"] = probe
    timings = measure_interleaved(contenders, repeat=3, warmup=1)
    # One more run of two threads each, counting CPU seconds per wall-clock second.
    cpus = {name: cpus_in_use(contenders[(name, 2)]) for name in work}
ceiling = probe.ceiling()

speedups = {}
for name in work:
    one, two = timings[(name, 1)], timings[(name, 2)]
    # One speed-up per run of two threads, against the median of one thread.
    speedups[name] = Timing.of([one.median / run for run in two.runs])
    print(
        f"{name:<12} 1 thread {one.median:.3f} s, 2 threads {two.median:.3f} s"
        f" -> {speedups[name].median:.2f}x"
    )
    record(f"speedup_2_threads[{name}]", speedups[name].median)
    record(f"cpus_in_use_2_threads[{name}]", cpus[name])
print("CPU seconds per second with 2 threads:", {k: round(v, 2) for k, v in cpus.items()})
record("gil_enabled", info().gil_enabled)
print(f"for comparison, {ceiling}")
record("ceiling_2", ceiling.speedup)

bar_chart(
    speedups,
    title="Speed-up of 2 threads over 1, same total work",
    ideal=2.0,
    ideal_label=f"ideal for 2 threads ({usable_cpus()} CPUs)",
    ylabel="speed-up (x)",
)
show()

# %%
# Hashing, compressing and sleeping got faster with a second thread: while one thread
# was inside C code that had released the GIL, the other could run.  The pure-Python
# loop did not: its two threads took turns holding the GIL, so two threads took as
# long as one and used at most one CPU second per second (printed above), where the
# hashing and compressing threads could use more.  (On a free-threaded build with the
# GIL off, pure Python would speed up too; the caption says which build drew this
# figure.)  The CPU-heavy bars cannot beat what two independent processes reach on
# this machine (printed above): a second thread helps only if a second CPU is free.
# The sleep bar needs no CPU and reaches about 2x anyway.
#
# Take-away: threads do speed up CPU-heavy work when that work runs in C code that
# releases the GIL (hashlib, zlib, NumPy and many more do); for pure-Python
# computation, use processes.
