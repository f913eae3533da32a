"""Repeat a measurement and keep its spread: min, median and max, never one number.

One run of a timing says little: the first run pays for imports and caches, and any
run can be slowed by the rest of the machine.  So every timing on the site is a
warm-up followed by several runs, and the text prints the fastest, the median and the
slowest.  Charts show the best run (load on a shared machine mostly adds time, so the
fastest run is the steadiest figure) with the spread as whiskers.  :func:`race` runs
several contenders in interleaved rounds, counts the CPU time each one used, and can
measure the machine's ceiling in the same rounds: one call, one result to print or draw.
"""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from conc_examples.ceiling import Ceiling

__all__ = [
    "LoopLag",
    "Race",
    "Timing",
    "measure",
    "measure_async",
    "measure_interleaved",
    "measure_lags",
    "race",
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


async def measure_lags(
    worst_lag: Callable[[Callable[[], Awaitable[object]]], Awaitable[float]],
    jobs: Mapping[str, Callable[[], Awaitable[object]]],
    *,
    repeat: int = 3,
) -> dict[str, LoopLag]:
    """Await ``worst_lag(job)`` ``repeat`` times per job, in debug mode, on this loop.

    Debug mode is on for the measurement (its slow-step reports go into
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
    results = {}
    try:
        for label, job in jobs.items():
            slow = _SlowSteps()
            logger.addHandler(slow)
            logger.propagate = False
            try:
                lags = [await worst_lag(job) * 1000 for _ in range(repeat)]
            finally:
                logger.removeHandler(slow)
                logger.propagate = was_propagating
            results[label] = LoopLag(tuple(lags), tuple(slow.seconds))
    finally:
        loop.set_debug(was_debug)
    return results


@dataclass(frozen=True)
class Race:
    """What :func:`race` measured: each contender's runs, CPU use and the ceiling.

    ``cpus[name]`` is the median over the rounds of this process's CPU seconds per
    wall-clock second while ``name`` ran (all its threads; child processes do not
    count).  ``ceiling`` is set when the race measured one.
    """

    timings: dict[str, Timing]
    cpus: dict[str, float]
    ceiling: Ceiling | None = None
    rounds: int = field(default=0)

    def speedup(self, name: str, over: str) -> float:
        """How many times faster ``name`` ran than ``over``: best run over best run."""
        return self.timings[over].min / self.timings[name].min

    def slowest_speedup(self, name: str, over: str) -> float:
        """The same, from ``name``'s slowest run: how far load pulled the figure down."""
        return self.timings[over].min / self.timings[name].max

    def __str__(self) -> str:
        width = max(len(name) for name in self.timings)
        lines = [f"{'':<{width}}  fastest  median  slowest  CPU s/s ({self.rounds} rounds)"]
        for name, timing in self.timings.items():
            lines.append(
                f"{name:<{width}}  {timing.min:6.3f}s {timing.median:6.3f}s"
                f" {timing.max:7.3f}s  {self.cpus[name]:6.2f}"
            )
        if self.ceiling is not None:
            lines.append(f"ceiling: {self.ceiling}")
        return "\n".join(lines)

    def bars(
        self, *, title: str, ideal: float | None = None, ideal_label: str = "ideal"
    ) -> Figure:
        """One bar per contender: its best round, a whisker up to its slowest."""
        from conc_examples.plotting import bar_chart

        return bar_chart(self.timings, title=title, ideal=ideal, ideal_label=ideal_label)

    def chart(
        self,
        pairs: Mapping[str, tuple[str, str]],
        *,
        title: str,
        ideal: float,
        ideal_label: str = "ideal",
    ) -> Figure:
        """Bars of speed-ups: ``pairs[label] = (contender, baseline)``, best of rounds."""
        from conc_examples.plotting import speedup_bars

        return speedup_bars(
            {
                label: (self.speedup(fast, slow), self.slowest_speedup(fast, slow))
                for label, (fast, slow) in pairs.items()
            },
            title=title,
            ideal=ideal,
            ideal_label=ideal_label,
            estimator_label=(
                f"best of {self.rounds} rounds over best (whisker: down to the slowest)"
            ),
            ceiling=None if self.ceiling is None else self.ceiling.speedup,
            ceiling_label=f"{self.ceiling.processes if self.ceiling else 2}"
            " independent processes",
        )


def race(
    contenders: Mapping[str, Callable[[], object]],
    *,
    rounds: int = 5,
    warmup: int = 1,
    ceiling_iterations: int | None = None,
) -> Race:
    """Time ``contenders`` in interleaved rounds (see :func:`measure_interleaved`).

    Each run also counts this process's CPU time.  With ``ceiling_iterations``, a
    :class:`~conc_examples.ceiling.CeilingProbe` of two independent processes, each
    running ``cpu_bound(ceiling_iterations)``, takes its turn in every timed round, so
    the ceiling is measured at the same moments as the contenders.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    from contextlib import nullcontext

    from conc_examples.ceiling import CeilingProbe

    order = list(contenders)
    walls: dict[str, list[float]] = {name: [] for name in order}
    cpus: dict[str, list[float]] = {name: [] for name in order}
    probe_context = (
        CeilingProbe(2, ceiling_iterations) if ceiling_iterations else nullcontext()
    )
    with probe_context as probe:
        for round_number in range(warmup + rounds):
            shift = round_number % len(order)
            for name in order[shift:] + order[:shift]:
                cpu, start = time.process_time(), time.perf_counter()
                contenders[name]()
                wall = time.perf_counter() - start
                if round_number >= warmup:
                    walls[name].append(wall)
                    cpus[name].append((time.process_time() - cpu) / wall if wall else 0.0)
            if probe is not None and round_number >= warmup:
                probe()
        ceiling = probe.ceiling() if probe is not None else None
    return Race(
        {name: Timing.of(runs) for name, runs in walls.items()},
        {name: statistics.median(values) for name, values in cpus.items()},
        ceiling,
        rounds,
    )
