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
# I/O thread waits until the holder is asked to let go: up to a
# :term:`switch interval` (5 ms), after *every* operation.  This is CPython issue
# 7946, open since 2010.  The I/O here is one byte sent to an echo server on
# 127.0.0.1 (a child process) that answers after 0.1 ms, and read back, again and
# again.
#
# .. literalinclude:: /../conc_examples/measure/convoy.py
#    :pyobject: ping

import sys

from conc_examples.measure.convoy import echo_server, ping, spin
from conc_examples.measure.machine import gil_enabled
from conc_examples.work.workloads import calibrate

DEFAULT_INTERVAL = sys.getswitchinterval()
gil_on = gil_enabled()  # False only on a free-threaded build (3.13+) with the GIL off
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
    print(f"{slowdown:.0f}x slower")

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
# Fix 1: compute in a process
# ---------------------------
# A process has its own interpreter and its own GIL, so the I/O thread never waits for
# it (an interpreter of the previous pages would do the same).

from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=1) as processes:
        # Start the worker before the connection exists: a forked child would inherit
        # the socket, and the echo server would not see it close.
        processes.submit(spin, 0.01, CHUNK).result(timeout=60)
        with echo_server(DELAY) as sock:
            io_beside_process, _ = beside(processes, sock)
    print(f"beside a CPU process:    {io_beside_process.rate:9,.0f} round trips/s")

# %%
# Fix 2: a shorter switch interval
# --------------------------------
# :func:`sys.setswitchinterval` sets how long a waiting thread lets the holder run.  A
# tenth of the default lets the I/O thread in ten times as often; the price is that
# the CPU thread is asked to let go ten times as often.  Three rounds at each
# interval, taking turns, each measuring both threads; the median of each is printed.
# The ``finally`` puts the default back.

import statistics

SHORT_INTERVAL = DEFAULT_INTERVAL / 10

if __name__ == "__main__":
    rounds = {DEFAULT_INTERVAL: [], SHORT_INTERVAL: []}
    try:
        with ThreadPoolExecutor(max_workers=1) as threads, echo_server(DELAY) as sock:
            for _ in range(3):
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
    print(f"I/O: {io_gain:.1f}x as fast; the CPU thread's rate: {-cpu_cost:+.0%}")

# %%
# The I/O thread gains several times over.  The CPU thread's rate hardly tells the
# price: each of the I/O thread's turns is short, and noise on a shared machine moves
# that figure by ten or twenty per cent either way.  But every round trip still waits
# (up to the shorter interval), and the setting applies to every thread of the
# process.
#
# On a free-threaded build with the GIL off (``python3.13t`` and later; the first line
# of this page says which build ran), there is no GIL to wait for, and the I/O thread
# keeps its pace beside the CPU thread.
#
# Take-away: one CPU-bound thread made every round trip wait for the GIL (the
# ``x slower`` figure above); a shorter interval shrinks the wait, moving the
# computation to a process (or an interpreter) removes it.
