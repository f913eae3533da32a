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
ceiling for (:func:`~conc_examples.measure.timing.measure_interleaved`), and
:func:`shares_of_ceiling` compares each round with its own ceiling.  The children run
the work once before the first measurement, so the first round does not pay for
their cold start.

:func:`measure_scaling` does all of it in one call: the same work split over 1, 2, ...
workers of each kind of pool, in interleaved rounds, with the ceiling's turn right
after the 2-worker process pool in every round, and the CPU time each run used.
"""

from __future__ import annotations

import os
import select
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial

from conc_examples.measure.timing import Timing

__all__ = ["Ceiling", "CeilingProbe", "Scaling", "measure_scaling", "shares_of_ceiling"]

# Each child runs ``cpu_bound(n)`` for every ``n`` it reads and answers how long it
# took, timed inside the child: what is measured is the work, not the pipe.
_CHILD = """
import sys, time
from conc_examples.work.workloads import cpu_bound
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


@dataclass(frozen=True)
class Scaling:
    """What :func:`measure_scaling` measured, per kind of pool and number of workers.

    ``timings[kind][i]`` holds the rounds of ``workers[i]`` workers of that kind;
    ``cpus[kind][i]`` the median over the rounds of the CPUs in use: the CPU time the
    tasks spent (each timed in its own thread, in whichever process ran it) per
    wall-clock second of the run.  Load on the machine can only lower that figure.
    ``shares`` compares, round by round, the 2-worker process pool with the ceiling's
    two independent processes doing the same halves right after it.
    """

    workers: tuple[int, ...]
    timings: dict[str, list[Timing]]
    cpus: dict[str, list[float]]
    ceiling: Ceiling | None
    shares: tuple[float, ...]
    rounds: int

    def _index(self, workers: int) -> int:
        return self.workers.index(workers)

    @property
    def one_worker(self) -> float:
        """The baseline: the best round of one worker, in any of the pools.

        Every pool's one worker does the whole job alone, so the fastest of those
        rounds is the steadiest figure of one worker's time.  No point can be far
        above 1x at one worker, and all pools share the same yardstick.
        """
        return min(timings[0].min for timings in self.timings.values())

    def speedup(self, kind: str, workers: int) -> float:
        """The one-worker baseline over the best round of ``workers`` of ``kind``."""
        return self.one_worker / self.timings[kind][self._index(workers)].min

    def slowest_speedup(self, kind: str, workers: int) -> float:
        """The same from the slowest round: how far load pulled the figure down."""
        return self.one_worker / self.timings[kind][self._index(workers)].max

    def cpus_in_use(self, kind: str, workers: int) -> float:
        return self.cpus[kind][self._index(workers)]

    @property
    def share(self) -> float:
        """Median share of the ceiling the 2-worker process pool reached (nan if none)."""
        return statistics.median(self.shares) if self.shares else float("nan")

    def __str__(self) -> str:
        lines = [
            f"{'pool':<10} workers  fastest  slowest  speed-up  CPU s/s"
            f"  (best of {self.rounds} rounds)"
        ]
        for kind, timings in self.timings.items():
            for n, timing in zip(self.workers, timings, strict=True):
                lines.append(
                    f"{kind:<10} {n:>7}  {timing.min:6.3f}s  {timing.max:6.3f}s"
                    f"  {self.speedup(kind, n):7.2f}x  {self.cpus_in_use(kind, n):7.2f}"
                )
        if self.ceiling is not None:
            lines.append(f"ceiling: {self.ceiling}")
            lines.append(
                f"the 2-worker process pool reached {self.share:.0%} of it"
                f" (median of {len(self.shares)} paired rounds,"
                f" {min(self.shares):.0%} to {max(self.shares):.0%})"
            )
        return "\n".join(lines)


def _cpu_seconds(work: Callable[[int], object], units: int) -> float:
    """Run ``work(units)``; return the CPU time this thread spent on it (picklable)."""
    start = time.thread_time()
    work(units)
    return time.thread_time() - start


def measure_scaling(
    work: Callable[[int], object],
    total: int,
    *,
    workers: Sequence[int],
    pools: Mapping[str, Callable[..., Executor]],
    rounds: int = 5,
    ceiling: bool = True,
    timeout: float = 60.0,
) -> Scaling:
    """Split ``work(total)`` over each number of ``workers`` of each kind of pool.

    ``pools`` maps a name to an executor class (or any callable taking
    ``max_workers``); one pool of ``max(workers)`` per kind runs ``w`` tasks of
    ``work(total // w)`` for ``w`` workers.  The pools start all their workers before
    any timing (process pools first: a process that runs threads must not fork).  In
    each of ``rounds`` rounds every (pool, workers) pair runs once, starting one place
    further on each round.  With ``ceiling`` (and 2 in ``workers`` and a process
    pool), a :class:`CeilingProbe` of two processes running
    ``cpu_bound(total // 2)`` takes its turn right after the 2-worker process pool:
    pass :func:`~conc_examples.work.workloads.cpu_bound` as ``work`` then.
    """
    workers = tuple(workers)
    if 1 not in workers or workers[0] != 1:
        raise ValueError("workers must start at 1: speed-ups are over one worker")
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    size = max(workers)
    with ExitStack() as stack:
        made = {name: make(max_workers=size) for name, make in pools.items()}
        for pool in made.values():
            stack.enter_context(pool)
        # Processes first, then threads: sleeping tasks keep each worker busy, so the
        # pool starts every one of them now.
        for pool in sorted(
            made.values(), key=lambda p: not isinstance(p, ProcessPoolExecutor)
        ):
            list(pool.map(time.sleep, [0.05] * size, timeout=timeout))
        paired = next(
            (n for n, p in made.items() if isinstance(p, ProcessPoolExecutor)), None
        )
        probe = None
        if ceiling and paired is not None and 2 in workers:
            probe = stack.enter_context(CeilingProbe(2, total // 2, timeout=timeout))
        order = [(name, n) for name in made for n in workers]
        walls: dict[tuple[str, int], list[float]] = {key: [] for key in order}
        cpus: dict[tuple[str, int], list[float]] = {key: [] for key in order}
        for round_number in range(rounds):
            shift = round_number % len(order)
            for name, n in order[shift:] + order[:shift]:
                tasks = [total // n] * n
                start = time.perf_counter()
                used = sum(
                    made[name].map(partial(_cpu_seconds, work), tasks, timeout=timeout)
                )
                wall = time.perf_counter() - start
                walls[name, n].append(wall)
                cpus[name, n].append(used / wall if wall else 0.0)
                if probe is not None and (name, n) == (paired, 2):
                    probe()
        found = probe.ceiling() if probe is not None else None
    timings = {name: [Timing.of(walls[name, n]) for n in workers] for name in pools}
    shares = (
        shares_of_ceiling(timings[paired][workers.index(2)], found)
        if found is not None and paired is not None
        else []
    )
    return Scaling(
        workers,
        timings,
        {name: [statistics.median(cpus[name, n]) for n in workers] for name in pools},
        found,
        tuple(shares),
        rounds,
    )
