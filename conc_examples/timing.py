"""Repeat a measurement and keep its spread: min, median and max, never one number.

One run of a timing says little: the first run pays for imports and caches, and any
run can be slowed by the rest of the machine.  So every timing on the site is a
warm-up followed by several runs; plots show the median with min-max whiskers and
the text prints all three.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Timing", "measure", "measure_interleaved"]


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
