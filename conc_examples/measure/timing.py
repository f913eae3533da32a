"""Repeat a measurement and keep its spread: min, median and max, never one number.

One run of a timing says little: the first run pays for imports and caches, and any run
can be slowed by the rest of the machine.  So every timing on the site is a warm-up
followed by several runs, and the text prints the fastest, the median and the
slowest.  Charts show the best run (load on a shared machine mostly adds time, so the
fastest run is the steadiest figure) with the spread as whiskers.
:func:`~conc_examples.measure.rounds.race` builds on these to run several contenders in
interleaved rounds with the machine's ceiling.
"""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from conc_examples.claims import LOAD, Need

__all__ = [
    "LoopLag",
    "Timing",
    "measure",
    "measure_async",
    "measure_interleaved",
    "measure_interleaved_async",
    "measure_lags",
    "needs_free_loop",
    "wall_and_cpu_interleaved_async",
]


@dataclass(frozen=True)
class Timing:
    """Wall-clock durations of repeated runs of the same thing, in seconds."""

    runs: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.runs:
            raise ValueError("a Timing needs at least one run")

    @classmethod
    def of(cls, runs: Sequence[float]) -> Timing:
        """Build a Timing from durations measured elsewhere (e.g. inside a child)."""
        return cls(tuple(float(r) for r in runs))

    @property
    def min(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def max(self) -> float:
        return max(self.runs)

    def scaled(self, factor: float) -> Timing:
        """Return every run multiplied by ``factor`` (e.g. to turn seconds into ms)."""
        return Timing(tuple(r * factor for r in self.runs))

    def speedup_over(self, baseline: Timing) -> float:
        """Return how many times faster this is than ``baseline``, median to median."""
        return baseline.median / self.median

    def __str__(self) -> str:
        return (
            f"median {self.median:.3f} s (min {self.min:.3f}, max {self.max:.3f},"
            f" {len(self.runs)} runs)"
        )


def measure(
    func: Callable[[], object],
    *,
    repeat: int = 5,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> Timing:
    """Call ``func()`` ``warmup`` times unmeasured, then ``repeat`` times measured.

    ``clock`` is :func:`time.perf_counter` (wall time, what a user waits for); pass
    :func:`time.process_time` to measure CPU time of this process instead.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        func()
    runs = []
    for _ in range(repeat):
        start = clock()
        func()
        runs.append(clock() - start)
    return Timing(tuple(runs))


def measure_interleaved(
    contenders: Mapping[str, Callable[[], object]], *, repeat: int = 3, warmup: int = 1
) -> dict[str, Timing]:
    """Time several callables in rounds, each once per round, not one after another.

    On a shared machine the load changes from second to second: timing A three times
    and then B three times can compare a quiet A with a busy B.  Taking turns spreads
    the noise over all of them, and each round starts one place further on, so no
    contender always runs first.  The ``warmup`` rounds are not timed (they start pool
    workers and warm caches).
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    order = list(contenders)
    runs: dict[str, list[float]] = {name: [] for name in order}
    for round_number in range(warmup + repeat):
        shift = round_number % len(order)
        for name in order[shift:] + order[:shift]:
            start = time.perf_counter()
            contenders[name]()
            if round_number >= warmup:
                runs[name].append(time.perf_counter() - start)
    return {name: Timing.of(times) for name, times in runs.items()}


async def measure_async(
    func: Callable[[], Awaitable[object]], *, repeat: int = 5, warmup: int = 1
) -> Timing:
    """Await ``func()`` ``warmup`` times unmeasured, then ``repeat`` times measured.

    :func:`measure` for coroutines, on the running loop: a page keeps one
    ``asyncio.run(main())`` (one ``await main()`` in a notebook) and times inside it.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        await func()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        await func()
        runs.append(time.perf_counter() - start)
    return Timing(tuple(runs))


@dataclass(frozen=True)
class LoopLag(Timing):
    """An event loop's worst lag in each run, in ms, and the steps debug mode flagged.

    ``flagged`` holds the durations (s) of the steps asyncio's debug mode reported as
    holding the loop over ``loop.slow_callback_duration``, over all the runs.
    """

    flagged: tuple[float, ...] = field(default=())


_SLOW_STEP = re.compile(r"took (\d+\.\d+) seconds")


class _SlowSteps(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        if match := _SLOW_STEP.search(record.getMessage()):
            self.seconds.append(float(match[1]))


async def measure_interleaved_async(
    contenders: Mapping[str, Callable[[], Awaitable[object]]],
    *,
    repeat: int = 3,
    warmup: int = 1,
) -> dict[str, Timing]:
    """:func:`measure_interleaved` for coroutines, on the running loop: each contender
    is awaited once per round, each round starting one place further on, so that a
    burst of load hits them all alike."""
    walls, _ = await wall_and_cpu_interleaved_async(
        contenders, repeat=repeat, warmup=warmup
    )
    return walls


async def wall_and_cpu_interleaved_async(
    contenders: Mapping[str, Callable[[], Awaitable[object]]],
    *,
    repeat: int = 3,
    warmup: int = 1,
) -> tuple[dict[str, Timing], dict[str, Timing]]:
    """:func:`measure_interleaved_async`, and the CPU seconds this process used in each
    run (all its threads, :func:`time.process_time`).  Load on the machine stretches
    the wall-clock time of a run but hardly its CPU time: for work on one thread, the
    CPU time is a floor that no amount of overlapping waits can beat."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    order = list(contenders)
    walls: dict[str, list[float]] = {name: [] for name in order}
    cpus: dict[str, list[float]] = {name: [] for name in order}
    for round_number in range(warmup + repeat):
        shift = round_number % len(order)
        for name in order[shift:] + order[:shift]:
            cpu, start = time.process_time(), time.perf_counter()
            await contenders[name]()
            if round_number >= warmup:
                walls[name].append(time.perf_counter() - start)
                cpus[name].append(time.process_time() - cpu)
    return (
        {name: Timing.of(runs) for name, runs in walls.items()},
        {name: Timing.of(runs) for name, runs in cpus.items()},
    )


async def measure_lags(
    worst_lag: Callable[[Callable[[], Awaitable[object]]], Awaitable[float]],
    jobs: Mapping[str, Callable[[], Awaitable[object]]],
    *,
    repeat: int = 3,
) -> dict[str, LoopLag]:
    """Await ``worst_lag(job)`` ``repeat`` times per job, in debug mode, on this loop.

    The jobs take turns, one run each per round (as in :func:`measure_interleaved`),
    so that the free loop's lag is measured at the same moments as the others'.  Debug
    mode is on for the measurement (its slow-step reports go into
    :attr:`LoopLag.flagged`, not to stderr) and set back afterwards.  The lags that
    ``worst_lag`` returns in seconds come back in milliseconds.  Debug mode reports a
    step when it ends, so ``worst_lag`` must await something after the job (as a
    heartbeat's ``await monitor`` does) for a blocking step to count for that job.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    loop = asyncio.get_running_loop()
    logger = logging.getLogger("asyncio")
    was_debug, was_propagating = loop.get_debug(), logger.propagate
    loop.set_debug(True)
    await asyncio.sleep(0)  # the loop times a step if debug mode was on when it began
    order = list(jobs)
    lags: dict[str, list[float]] = {label: [] for label in order}
    flagged: dict[str, list[float]] = {label: [] for label in order}
    try:
        for round_number in range(repeat):
            shift = round_number % len(order)
            for label in order[shift:] + order[:shift]:
                slow = _SlowSteps()
                logger.addHandler(slow)
                logger.propagate = False
                try:
                    lags[label].append(await worst_lag(jobs[label]) * 1000)
                finally:
                    logger.removeHandler(slow)
                    logger.propagate = was_propagating
                flagged[label] += slow.seconds
    finally:
        loop.set_debug(was_debug)
    return {label: LoopLag(tuple(lags[label]), tuple(flagged[label])) for label in order}


def needs_free_loop(free: LoopLag, *, under_ms: float) -> Need:
    """A loop that load on the machine did not hold up during the measurement.

    ``free`` is the worst lag of a heartbeat beside a job that blocks nothing, measured
    in the same rounds as the claim; a median over ``under_ms`` means the process
    itself was descheduled, so a claim that the loop stayed free cannot be shown.
    """
    return Need(
        "an event loop that load on the machine did not hold up",
        free.median < under_ms,
        f"beside a job that blocks nothing the heartbeat was {free.median:.1f} ms late"
        f" (median worst lag; {under_ms:.0f} ms or more means the machine held it up)",
        LOAD,
    )
