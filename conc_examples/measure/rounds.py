"""Contenders timed in interleaved rounds, with the machine's ceiling in the same rounds.

A burst of load on a shared machine hits whatever runs at that moment.  Running every
contender once per round, each round starting one place further on, spreads such bursts
over all of them alike; a :class:`~conc_examples.measure.ceiling.CeilingProbe` taking
its turn in the same rounds says what this machine could give at those moments.  One
call, :func:`race`, returns one :class:`Race` to print, draw or state a claim from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field

from conc_examples.measure.ceiling import Ceiling, CeilingProbe
from conc_examples.measure.timing import Timing

__all__ = ["Race", "race"]


@dataclass(frozen=True)
class Race:
    """What :func:`race` measured: each contender's runs, CPU use and the ceiling.

    ``cpus[name]`` is this process's CPU seconds per wall-clock second during
    ``name``'s fastest run (all its threads; child processes do not count): the same run
    that :meth:`speedup` reads, so a claim on both reads one estimator.  (A median over
    the rounds mixed them: on a busy host, two hashing threads once finished 1.57 times
    sooner than one in their best round while their median round showed 0.97 CPUs.)
    ``ceiling`` is set when the race measured one.
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
        lines = [
            f"{'':<{width}}  fastest  median  slowest  CPU s/s in the fastest"
            f" ({self.rounds} rounds)"
        ]
        for name, timing in self.timings.items():
            lines.append(
                f"{name:<{width}}  {timing.min:6.3f}s {timing.median:6.3f}s"
                f" {timing.max:7.3f}s  {self.cpus[name]:6.2f}"
            )
        if self.ceiling is not None:
            lines.append(f"ceiling: {self.ceiling}")
        return "\n".join(lines)


def race(
    contenders: Mapping[str, Callable[[], object]],
    *,
    rounds: int = 5,
    warmup: int = 1,
    ceiling_iterations: int | None = None,
) -> Race:
    """Time ``contenders`` in interleaved rounds (see :func:`measure_interleaved`).

    Each run also counts this process's CPU time.  With ``ceiling_iterations``, a
    :class:`~conc_examples.measure.ceiling.CeilingProbe` of two independent processes, each
    running ``cpu_bound(ceiling_iterations)``, takes its turn in every timed round, so
    the ceiling is measured at the same moments as the contenders.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
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
        {name: cpus[name][walls[name].index(min(walls[name]))] for name in order},
        ceiling,
        rounds,
    )
