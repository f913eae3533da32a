"""Measure this machine's real parallel ceiling: N processes each doing work alone.

"2 CPUs" does not mean "2x": two vCPUs may be SMT siblings of one core, and turbo
clocks drop when more cores are busy.  So the ideal we draw beside a parallel
measurement is measured too: N independent Python processes, started together, each
running the same CPU-bound work with nothing to share.  No pool, pickling or start
method is involved, so no parallel program on this machine can do better.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from conc_examples.timing import Timing

__all__ = ["Ceiling", "measure_ceiling"]

# Each child waits for "go" on stdin so that all of them start the work together,
# after the interpreter start-up that would otherwise stagger them.
_CHILD = """
import sys, time
from conc_examples.workloads import cpu_bound
print("ready", flush=True)
sys.stdin.readline()
start = time.perf_counter()
cpu_bound({iterations})
print(time.perf_counter() - start, flush=True)
"""


@dataclass(frozen=True)
class Ceiling:
    """How long the work took alone and side by side, and the speed-up that implies."""

    processes: int
    alone: Timing
    together: Timing

    @property
    def speedup(self) -> float:
        """Throughput of ``processes`` side by side relative to one process alone."""
        return self.processes * self.alone.median / self.together.median

    def __str__(self) -> str:
        return (
            f"{self.processes} independent processes reach {self.speedup:.2f}x"
            f" (one alone: {self.alone.median:.3f} s,"
            f" side by side: {self.together.median:.3f} s each)"
        )


def _run_side_by_side(processes: int, iterations: int, timeout: float) -> float:
    """Start ``processes`` children, release them together, return the slowest's time."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD.format(iterations=iterations)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                raise RuntimeError("a ceiling child failed to start")
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        return max(float(child.communicate(timeout=timeout)[0]) for child in children)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.communicate()


def measure_ceiling(
    processes: int, iterations: int, *, repeat: int = 3, timeout: float = 60.0
) -> Ceiling:
    """Time :func:`~conc_examples.workloads.cpu_bound` alone, then ``processes`` at once."""
    alone = [_run_side_by_side(1, iterations, timeout) for _ in range(repeat)]
    together = [_run_side_by_side(processes, iterations, timeout) for _ in range(repeat)]
    return Ceiling(processes, Timing.of(alone), Timing.of(together))
