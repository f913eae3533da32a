"""The landing page's figure: one job done four ways, for waiting and for computing.

The same four tasks run sequentially, on a thread pool, on a process pool and as asyncio
coroutines: once as waits (sleeps, which wait the way I/O does, without the CPU) and
once as pure-Python computation (:func:`~conc_examples.work.workloads.cpu_bound`). The
ways take turns in a few short rounds and the best round of each counts, so the whole
measurement takes a few seconds. :func:`~conc_examples.charts.plotting.overview_chart`
draws it, and ``docs/_ext/overview.py`` runs both while the site builds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from conc_examples.measure.machine import usable_cpus
from conc_examples.measure.timing import Timing, measure_interleaved
from conc_examples.work.workloads import calibrate, cpu_bound, io_bound

__all__ = ["JOBS", "WAYS", "Overview", "measure_overview"]

TASKS = 4
WAYS = ("sequential", "threads", "processes", "asyncio")
JOBS = ("waiting", "computing")


@dataclass(frozen=True)
class Overview:
    """Best-of-rounds timings of each job done each way, and the ideal for each job.

    ``timings[job][way]`` are the rounds; ``ideal[job]`` the best any way could do:
    one wait for the waits (they can all overlap), and for the computation the best
    sequential round divided by ``min(tasks, usable CPUs)``.
    """

    tasks: int
    wait: float
    timings: dict[str, dict[str, Timing]]
    ideal: dict[str, float]

    def speedup(self, job: str, way: str) -> float:
        """Best sequential round over the best round of ``way``."""
        runs = self.timings[job]
        return runs["sequential"].min / runs[way].min

    def __str__(self) -> str:
        lines = []
        for job, runs in self.timings.items():
            cells = ", ".join(
                f"{way} {runs[way].min * 1e3:.0f} ms ({self.speedup(job, way):.1f}x)"
                for way in WAYS
            )
            lines.append(f"{job}: {cells}; ideal {self.ideal[job] * 1e3:.0f} ms")
        return "\n".join(lines)


async def _gather(coroutine_function: Callable, arguments: list) -> list:
    return await asyncio.gather(*(coroutine_function(a) for a in arguments))


async def _compute(units: int) -> int:
    return cpu_bound(units)  # a coroutine that never awaits: it holds the loop


def _ways(
    work: Callable, coroutine_function: Callable, arguments: list, threads, processes
) -> dict[str, Callable[[], object]]:
    return {
        "sequential": lambda: [work(a) for a in arguments],
        "threads": lambda: list(threads.map(work, arguments, timeout=30)),
        "processes": lambda: list(processes.map(work, arguments, timeout=30)),
        "asyncio": lambda: asyncio.run(_gather(coroutine_function, arguments)),
    }


def measure_overview(
    *, wait: float = 0.05, compute: float = 0.1, rounds: int = 3
) -> Overview:
    """Run both jobs every way, ``rounds`` interleaved rounds each (a few seconds).

    ``wait`` is each task's wait in seconds; ``compute`` the CPU seconds of the whole
    computation (four equal tasks), sized on this machine.  The process pool starts
    its workers before the thread pool exists and before any timing.
    """
    units = calibrate(compute / TASKS)
    with (
        ProcessPoolExecutor(max_workers=TASKS) as processes,
        ThreadPoolExecutor(max_workers=TASKS) as threads,
    ):
        list(processes.map(time.sleep, [0.05] * TASKS, timeout=60))  # start every worker
        contenders = {}
        jobs = {
            "waiting": (io_bound, asyncio.sleep, [wait] * TASKS),
            "computing": (cpu_bound, _compute, [units] * TASKS),
        }
        for job, (work, coroutine_function, arguments) in jobs.items():
            ways = _ways(work, coroutine_function, arguments, threads, processes)
            for way, run in ways.items():
                contenders[job, way] = run
        runs = measure_interleaved(contenders, repeat=rounds, warmup=0)
    timings = {job: {way: runs[job, way] for way in WAYS} for job in JOBS}
    sequential = timings["computing"]["sequential"].min
    ideal = {"waiting": wait, "computing": sequential / min(TASKS, usable_cpus())}
    return Overview(TASKS, wait, timings, ideal)
