"""CPU work of a fixed length in time, for measuring what a busy CPU blocks.

:func:`conc_examples.work.workloads.cpu_bound` does a fixed amount of work, so how long it
takes depends on the machine and on how busy it is at that moment.  To show that a
computation freezes an event loop *for as long as it runs*, an example needs the
opposite: a computation that lasts a known time however fast the machine is.  It lives
in an importable module so that a process pool's child (``spawn``, ``forkserver``)
can run it.
"""

from __future__ import annotations

import time

from conc_examples.work.workloads import cpu_bound

__all__ = ["compute_for"]

_CHUNK = 1_000  # iterations between two looks at the clock: about 0.1 ms of work


def compute_for(seconds: float) -> int:
    """Compute in pure Python, holding the GIL, until ``seconds`` of wall time pass.

    Returns how many :func:`~conc_examples.work.workloads.cpu_bound` iterations it did, so
    the caller can see the work was done (and how much fitted in the time).
    """
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    deadline = time.perf_counter() + seconds
    iterations = 0
    while time.perf_counter() < deadline:
        cpu_bound(_CHUNK)
        iterations += _CHUNK
    return iterations
