"""Work for the examples to run: picklable, top-level, and sized from the machine.

Everything here may run in a child process, so it lives in an importable module
(a function defined in an example script cannot be found by a ``spawn`` or
``forkserver`` child under sphinx-gallery).  Example pages show this code with
``literalinclude`` so the reader still sees what the child runs.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

__all__ = ["calibrate", "cpu_bound", "io_bound", "report_whoami", "whoami"]


def cpu_bound(iterations: int) -> int:
    """Burn CPU in pure Python for ``iterations`` steps, holding the GIL throughout.

    The cost grows linearly with ``iterations``, so :func:`calibrate` can size it.
    Returns a checksum so that the work cannot be skipped and results can be checked.
    """
    total = 0
    for i in range(iterations):
        # Numbers kept under 2**30 (one digit of CPython's ints) make every step cost the
        # same: with i * i itself, 4x the iterations took 4.4-4.7x the time on 3.15.
        small = i & 0x3FFF
        total = (total + small * small) % 1_000_003
    return total


def calibrate(
    seconds: float, work: Callable[[int], object] = cpu_bound, *, probe: int = 100_000
) -> int:
    """Return how many units of ``work(units)`` cost about ``seconds`` of CPU here.

    Examples call this instead of hard-coding a size, so they stay fast on a slow
    machine and still measurable on a fast one.  The probe is timed in CPU time of
    this thread (:func:`time.thread_time`), not wall time: on a busy machine a
    wall-clock probe is slowed by the others and would shrink the work to almost
    nothing.  The probe grows until it is long enough to time (coarse clocks), and the
    best of three counts.  ``work`` is :func:`cpu_bound` unless given, e.g.
    ``calibrate(0.05, lambda n: hash_rounds(data, n), probe=1)``.
    """
    while True:
        best = float("inf")
        for _ in range(3):
            start = time.thread_time()
            work(probe)
            best = min(best, time.thread_time() - start)
        if best >= 0.02:
            return max(1, round(probe * seconds / best))
        probe *= 4


def io_bound(seconds: float) -> float:
    """Wait ``seconds`` the way I/O waits: without using the CPU, GIL released."""
    time.sleep(seconds)
    return seconds


def whoami() -> dict[str, object]:
    """Return what the OS and :mod:`multiprocessing` say about the calling process.

    A child returns this to its parent, because what a child prints never reaches the
    page (or any other place the parent's output goes).
    """
    return {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "name": multiprocessing.current_process().name,
    }


def report_whoami(results: Any) -> None:
    """Put :func:`whoami` on ``results`` (a ``multiprocessing`` queue) for the parent."""
    results.put(whoami())
