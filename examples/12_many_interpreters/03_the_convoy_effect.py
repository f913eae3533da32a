"""
The convoy effect: one CPU-bound thread slows every I/O
=======================================================

You will see a thread that does many tiny network round trips run thousands of them per
second alone, and only a few hundred beside one thread that only computes.  Then two
ways out: the computation in a process, or a shorter switch interval, and its price.
"""

# %%
# The I/O thread
# --------------
# A thread waiting for I/O drops the :term:`GIL`.  When its answer arrives, it must take
# the GIL back before it runs one more line.  If a CPU-bound thread holds the GIL, the
# I/O thread waits until the holder is asked to let go: up to a :term:`switch
# interval` (5 ms), after *every* operation (CPython issue 7946).  The I/O here is one
# byte sent to an echo server on 127.0.0.1 (a child process) that answers after
# 0.1 ms, and read back, again and again.
#
# .. literalinclude:: /../conc_examples/measure/convoy.py
#    :pyobject: ping

import sys

from conc_examples.measure.convoy import echo_server, ping, spin
from conc_examples.measure.machine import gil_enabled
from conc_examples.work.workloads import calibrate

DEFAULT_INTERVAL = sys.getswitchinterval()
gil_on = gil_enabled()  # False only on a free-threaded build (3.13+) with the GIL off
if __name__ == "__main__":  # a process pool's worker imports this page again (spawn)
    print(f"switch interval: {DEFAULT_INTERVAL * 1000:.1f} ms; GIL enabled: {gil_on}")

# %%
# Alone, then beside one CPU-bound thread
# ---------------------------------------
# The CPU-bound thread runs the pure-Python loop of chapter 4 in small chunks for as
# long as the I/O thread pings.
#
# .. literalinclude:: /../conc_examples/measure/convoy.py
#    :pyobject: spin

from concurrent.futures import ThreadPoolExecutor

SECONDS = 0.25
DELAY = 0.0001  # the server answers after 0.1 ms, like one nearby on the network
CHUNK = calibrate(0.001)  # one chunk: about a millisecond of CPU


def beside(pool, sock):
    """Ping for SECONDS while the pool's worker computes; both activities back."""
    computing = pool.submit(spin, SECONDS, CHUNK)
    io = ping(sock, SECONDS)
    return io, computing.result(timeout=30)


if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=1) as threads, echo_server(DELAY) as sock:
        alone = ping(sock, SECONDS)
        io_beside_thread, cpu_thread = beside(threads, sock)
    slowdown = alone.rate / io_beside_thread.rate
    print(f"I/O thread alone:        {alone.rate:9,.0f} round trips/s")
    print(f"beside a CPU thread:     {io_beside_thread.rate:9,.0f} round trips/s")

# %%
# Beside the CPU thread each round trip waits up to a switch interval, so the slowdown
# is at most the round trips the thread makes alone in one interval: for a tenfold
# slowdown, well over ten.  When other work takes the CPUs, the OS makes even the lone
# thread wait, so each claim that times it needs that pace (``quiet_pace``: twenty).

from conc_examples.claims import claim, needs_free_threading, needs_gil
from conc_examples.measure.convoy import quiet_pace

if __name__ == "__main__":
    quiet = quiet_pace(DEFAULT_INTERVAL, alone)
    claim(
        "One CPU-bound thread slowed the I/O thread's round trips more than tenfold",
        slowdown > 10,
        measured=f"{slowdown:.0f}x slower",
        expected="over 10x",
        needs=(needs_gil(), quiet),
    )
    claim(
        "Without the GIL the CPU thread barely slowed the I/O thread",
        slowdown < 3,
        measured=f"{slowdown:.1f}x slower",
        expected="under 3x",
        needs=needs_free_threading(),
    )

# %%
# Where the time goes
# -------------------
# The first 30 ms of each run, one bar per round trip (and per chunk of computation).
# Alone, the round trips follow each other so closely that they fill the row.  Beside
# the CPU-bound thread, each round trip takes about a switch interval: it is waiting
# for the GIL, while the CPU thread's chunks run.

from conc_examples.charts.plotting import show, timeline_chart
from conc_examples.measure.convoy import first

if __name__ == "__main__":
    timeline_chart(
        first(alone, 0.03, "I/O thread, alone")
        + first(io_beside_thread, 0.03, "I/O thread, beside")
        + first(cpu_thread, 0.03, "CPU thread", since=io_beside_thread),
        title="Round trips alone and beside a CPU-bound thread",
    )
    show()

# %%
# The convoy in a profile
# -----------------------
# A wall-clock profiler would find both threads busy all the time: the I/O thread is
# always inside ``ping``, waiting.  Python 3.15's sampling profiler has a GIL mode that
# records a thread only while it holds the GIL, which is what the I/O thread waits for:
# ``python -m profiling.sampling run --mode gil -a script.py``.  Here it samples the
# same two threads, side by side in a child process, a thousand times a second.

from conc_examples.measure.convoy import gil_profile

if __name__ == "__main__":
    profile = gil_profile(SECONDS, CHUNK, DELAY)
    print(profile)
    cpu, io = profile.held["CPU thread"], profile.held["I/O thread"]
    claim(
        "In a GIL-mode profile the CPU thread held the GIL, the I/O thread almost never",
        cpu > 20 * max(io, 5),
        measured=f"CPU thread {cpu} samples, I/O thread {io},"
        f" of about {SECONDS * 1000:.0f}",
        expected="the CPU thread over 20 times as many, and over 100",
        needs=(needs_gil(), profile.taken),
    )

# %%
# Fix 1: compute in a process
# ---------------------------
# A process has its own interpreter and its own GIL, so the I/O thread never waits for
# it (an interpreter of the previous pages would do the same).  But the process takes
# a CPU of its own, so the I/O thread keeps its pace only if a second CPU is free: the
# ceiling probe of chapter 9 measures that, before and after.

from concurrent.futures import ProcessPoolExecutor

from conc_examples.claims import needs_cpus
from conc_examples.measure.ceiling import CeilingProbe

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=1) as processes:
        # Start the worker first: a forked child would inherit the socket (and the
        # probe's pipes), and the echo server (and the probe) would not see them close.
        processes.submit(spin, 0.01, CHUNK).result(timeout=60)
        with CeilingProbe(2, 20 * CHUNK) as probe:
            probe()
            with echo_server(DELAY) as sock:
                io_beside_process, _ = beside(processes, sock)
            probe(), probe()
    print(f"beside a CPU process:    {io_beside_process.rate:9,.0f} round trips/s")
    free = probe.ceiling()  # a figure load can only lower, as on the first page
    free_cpus = needs_cpus(2 * free.alone.min / free.together.median)
    process_gain = io_beside_process.rate / io_beside_thread.rate
    claim(
        "Beside a CPU-bound process the I/O thread ran far faster than beside the thread",
        process_gain > 5 and io_beside_process.rate > 0.2 * alone.rate,
        measured=f"{process_gain:.0f}x the rate beside the thread,"
        f" {io_beside_process.rate / alone.rate:.0%} of its rate alone",
        expected="over 5x, and over 20 % of alone",
        needs=(needs_gil(), quiet, free_cpus),
    )

# %%
# Fix 2: a shorter switch interval
# --------------------------------
# :func:`sys.setswitchinterval` sets how long a waiting thread lets the holder run.  A
# tenth of the default lets the I/O thread in ten times as often, and asks the CPU
# thread to let go ten times as often.  Three rounds at each interval, taking turns;
# the medians are printed.  The ``finally`` puts the default back.

import statistics

SHORT_INTERVAL = DEFAULT_INTERVAL / 10

if __name__ == "__main__":
    rounds, alone_again = {DEFAULT_INTERVAL: [], SHORT_INTERVAL: []}, []
    try:
        with ThreadPoolExecutor(max_workers=1) as threads, echo_server(DELAY) as sock:
            for _ in range(3):
                alone_again.append(ping(sock, SECONDS / 5))  # still a quiet machine?
                for interval, results in rounds.items():
                    sys.setswitchinterval(interval)
                    results.append(beside(threads, sock))
    finally:
        sys.setswitchinterval(DEFAULT_INTERVAL)
    io_rate = {i: statistics.median(io.rate for io, _ in r) for i, r in rounds.items()}
    cpu_rate = {i: statistics.median(c.rate for _, c in r) for i, r in rounds.items()}
    for interval in rounds:
        print(
            f"switch interval {interval * 1000:.1f} ms: I/O {io_rate[interval]:7,.0f}"
            f" round trips/s, CPU thread {cpu_rate[interval]:5,.0f} chunks/s"
        )
    io_gain = io_rate[SHORT_INTERVAL] / io_rate[DEFAULT_INTERVAL]
    cpu_cost = 1 - cpu_rate[SHORT_INTERVAL] / cpu_rate[DEFAULT_INTERVAL]
    claim(
        "A tenth of the switch interval made the I/O thread several times faster",
        io_gain > 3,
        measured=f"{io_gain:.1f}x as fast",
        expected="over 3x (at most 10x)",
        needs=(needs_gil(), quiet_pace(DEFAULT_INTERVAL, *alone_again)),
    )
    claim(
        "The CPU thread kept more than half its rate",
        cpu_cost < 0.5,
        measured=f"its rate {-cpu_cost:+.0%}",
        expected="a loss under 50 %",
    )

# %%
# The CPU thread's rate hardly shows the price (each of the I/O thread's turns is
# short), but every round trip still waits, up to the shorter interval, and the
# setting applies to every thread of the process.  On a free-threaded build with the
# GIL off there is no GIL to wait for at all.
#
# Take-away: one CPU-bound thread made every round trip wait for the GIL (the
# slowdown in the first claim); a shorter interval shrinks the wait, moving the
# computation to a process (or an interpreter) removes it.
