"""Measure this machine's real parallel ceiling: N processes each doing work alone.

"2 CPUs" does not mean "2x": two vCPUs may be SMT siblings of one core, and turbo
clocks drop when more cores are busy.  So the ideal we draw beside a parallel
measurement is measured too: N independent Python processes, released together, each
running the same CPU-bound work with nothing to share.  No pool, pickling or start
method is involved, so no parallel program on this machine can do better.

On a shared machine the speed of one CPU changes from one moment to the next (the
other half of an SMT core may be busy with someone else's work), so a ceiling measured
a few seconds away from the program it judges can be off by a third.  The children of
a :class:`CeilingProbe` are started once and kept waiting, so a measurement costs only
the work itself and can take its turn in the same rounds as the program it is the
ceiling for (:func:`~conc_examples.timing.measure_interleaved`), and
:func:`shares_of_ceiling` compares each round with its own ceiling.  The children run
the work once before the first measurement, so the first round does not pay for
their cold start.
"""

from __future__ import annotations

import os
import select
import statistics
import subprocess
import sys
from dataclasses import dataclass

from conc_examples.timing import Timing

__all__ = ["Ceiling", "CeilingProbe", "shares_of_ceiling"]

# Each child runs ``cpu_bound(n)`` for every ``n`` it reads and answers how long it
# took, timed inside the child: what is measured is the work, not the pipe.
_CHILD = """
import sys, time
from conc_examples.workloads import cpu_bound
print("ready", flush=True)
for line in sys.stdin:
    start = time.perf_counter()
    cpu_bound(int(line))
    print(time.perf_counter() - start, flush=True)
"""


@dataclass(frozen=True)
class Ceiling:
    """How long the work took alone and side by side, and the speed-up that implies.

    ``alone.runs[i]`` and ``together.runs[i]`` were measured back to back, in round
    ``i``; each round gives its own speed-up, and :attr:`speedup` is their median.
    """

    processes: int
    alone: Timing
    together: Timing

    def __post_init__(self) -> None:
        if len(self.alone.runs) != len(self.together.runs):
            raise ValueError("alone and together need one run per round each")

    @property
    def speedups(self) -> list[float]:
        """Each round's throughput of ``processes`` side by side over one alone."""
        return [
            self.processes * alone / together
            for alone, together in zip(self.alone.runs, self.together.runs, strict=True)
        ]

    @property
    def speedup(self) -> float:
        """The median of the rounds' speed-ups: what this machine gives right now."""
        return statistics.median(self.speedups)

    def __str__(self) -> str:
        return (
            f"{self.processes} independent processes reach {self.speedup:.2f}x"
            f" (one alone: {self.alone.median:.3f} s,"
            f" side by side: {self.together.median:.3f} s each;"
            f" {len(self.speedups)} rounds from {min(self.speedups):.2f}x"
            f" to {max(self.speedups):.2f}x)"
        )


class CeilingProbe:
    """``processes`` independent Python processes, started once, that work on command.

    Calling the probe measures the ceiling once: one child runs
    ``cpu_bound(iterations)`` alone, then all of them run it side by side; the two
    times are kept for :meth:`ceiling`.  A probe is a context manager: leaving the
    ``with`` block ends its children (stdin closed, then killed after ``timeout``).
    """

    def __init__(self, processes: int, iterations: int, *, timeout: float = 60.0) -> None:
        if processes < 1:
            raise ValueError("a ceiling needs at least one process")
        self.processes = processes
        self.iterations = iterations
        self.timeout = timeout
        self._alone: list[float] = []
        self._together: list[float] = []
        self._children: list[subprocess.Popen[str]] = []

    def __enter__(self) -> CeilingProbe:
        try:
            # The same interpreter in the same mode as the pools' workers: -X dev
            # (which the tests use) slows allocation-heavy code such as cpu_bound.
            dev_mode = ["-X", "dev"] if sys.flags.dev_mode else []
            for _ in range(self.processes):
                child = subprocess.Popen(
                    [sys.executable, *dev_mode, "-c", _CHILD],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                self._children.append(child)
            for child in self._children:
                if self._answer(child) != "ready":
                    raise RuntimeError("a ceiling child failed to start")
            self._release(self._children)  # warm-up, not kept
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """End every child: an empty stdin ends its loop; a stuck one is killed."""
        for child in self._children:
            try:
                child.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
        self._children.clear()

    def _release(self, children: list[subprocess.Popen[str]]) -> float:
        """Send the work to ``children`` at once; return the slowest one's time."""
        for child in children:
            assert child.stdin is not None
            try:
                child.stdin.write(f"{self.iterations}\n")
                child.stdin.flush()
            except BrokenPipeError:
                raise self._died(child) from None
        return max(float(self._answer(child)) for child in children)

    def _answer(self, child: subprocess.Popen[str]) -> str:
        """The child's next line, waiting at most ``timeout`` where pipes can be polled."""
        assert child.stdout is not None
        # Windows cannot select() on a pipe; there the read waits for the child's
        # answer, which comes: cpu_bound waits on nothing.
        if os.name == "posix":
            readable, _, _ = select.select([child.stdout], [], [], self.timeout)
            if not readable:
                raise TimeoutError(f"a ceiling child gave no answer in {self.timeout} s")
        answer = child.stdout.readline().strip()
        if not answer:
            raise self._died(child)
        return answer

    def _died(self, child: subprocess.Popen[str]) -> RuntimeError:
        return RuntimeError(f"a ceiling child exited with {child.wait(self.timeout)}")

    def __call__(self) -> None:
        if not self._children:
            raise RuntimeError("use the probe inside its with block")
        self._alone.append(self._release(self._children[:1]))
        self._together.append(self._release(self._children))

    def ceiling(self) -> Ceiling:
        """Everything measured so far, one round per call."""
        return Ceiling(self.processes, Timing.of(self._alone), Timing.of(self._together))


def shares_of_ceiling(parallel: Timing, ceiling: Ceiling) -> list[float]:
    """Each round's share of the ceiling reached by ``parallel``: ``together / parallel``.

    ``parallel`` must run the same work as the probe's children together (each of
    its ``processes`` workers doing one child's part), in the same rounds
    (``runs[i]`` in round ``i``).  Then both sides are that many processes doing the
    same work at the same moment, with and without the pool, and the ratio is what
    the pool's overhead leaves of the ceiling: it equals the speed-up over a serial
    run divided by the ceiling's speed-up over the same run.  The median of the
    rounds is the figure to report.
    """
    if len(parallel.runs) != len(ceiling.together.runs):
        raise ValueError("the parallel runs and the ceiling need the same rounds")
    return [
        together / run
        for together, run in zip(ceiling.together.runs, parallel.runs, strict=True)
    ]
