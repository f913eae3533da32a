"""The small measurements that "What each Python changes" takes under each interpreter.

This file runs as a script in a child process of the Python being measured
(``python3.X -I python_probe.py``), so it imports the standard library only: the other
interpreters on the machine have none of this project's packages.  It prints one JSON
object on stdout, in microseconds, and the parent
(:mod:`conc_examples.work.pythons`) reads it.  Each figure is a median of a few
tries, small enough that five interpreters fit in a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from queue import SimpleQueue

TASKS = 2_000  # asyncio tasks created and run in one go
HAND_OFFS = 300  # round trips between two threads
SPIN = 300_000  # steps of pure-Python work in one part (tens of milliseconds)


def _median_us(run: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """The median wall time of ``repeat`` calls, in microseconds, after ``warmup``."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def _nothing() -> None:
    """What a started process runs: nothing, so its start is all that is timed."""


def process_start_us(method: str) -> float:
    """Start and join one process that does nothing, under ``method``."""
    context = multiprocessing.get_context(method)

    def start() -> None:
        process = context.Process(target=_nothing)
        process.start()
        process.join(timeout=30)

    # A spawned child is a fresh Python: slow, so one only; forkserver's first start
    # also starts its server, which the warm-up pays.
    if method == "spawn":
        return _median_us(start, repeat=1, warmup=0)
    return _median_us(start, repeat=3)


def pool_round_trip_us() -> float:
    """One task to a warm one-process pool and its answer back."""
    with ProcessPoolExecutor(1) as pool:
        return _median_us(lambda: pool.submit(abs, -1).result(timeout=30), repeat=10)


async def _nop() -> None:
    """A coroutine that returns at once: the task around it is what costs."""


async def _many_tasks() -> None:
    await asyncio.gather(*[asyncio.create_task(_nop()) for _ in range(TASKS)])


def asyncio_task_us(rounds: int = 3) -> float:
    """CPU time per asyncio task, created and run to the end: the best of ``rounds``
    (CPU time, so waiting for a busy CPU adds nothing; the best, so a burst of other
    work in one round does not count)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        asyncio.run(_many_tasks())
        best = min(best, time.process_time() - start)
    return best / TASKS * 1e6


def thread_hand_off_us() -> float:
    """One hand-off between two threads and back, through queues, under the GIL."""
    there, back = SimpleQueue(), SimpleQueue()

    def echo() -> None:
        while (item := there.get(timeout=10)) is not None:
            back.put(item)

    thread = threading.Thread(target=echo)
    thread.start()
    try:
        start = time.perf_counter()
        for i in range(HAND_OFFS):
            there.put(i)
            back.get(timeout=10)
        return (time.perf_counter() - start) / HAND_OFFS * 1e6
    finally:
        there.put(None)
        thread.join(timeout=10)


def interpreter_us() -> float | None:
    """Create a subinterpreter, call a function in it, close it (3.14+: stdlib)."""
    if sys.version_info < (3, 14):
        return None  # 3.13 needs a backport from PyPI; this child runs isolated (-I)
    from concurrent import interpreters

    def start_and_call() -> None:
        interpreter = interpreters.create()
        try:
            interpreter.call(abs, -1)
        finally:
            interpreter.close()

    return _median_us(start_and_call, repeat=3)


def _gil_enabled() -> bool:
    return getattr(sys, "_is_gil_enabled", lambda: True)()


def _spin(steps: int) -> int:
    """Pure-Python work, the same cost per step on every Python (small operands): the
    loop of ``workloads.cpu_bound``, which this isolated script cannot import."""
    total = 0
    for i in range(steps):
        total += (i & 0x3FFF) * (i & 0x3FFF)
    return total


def side_by_side_speedup(executor: Executor, steps: int = SPIN, repeat: int = 3) -> float:
    """How much sooner two of ``executor``'s workers finish two parts of pure-Python
    work side by side than one part after the other (the best of ``repeat`` each).

    About 1x for two threads under the GIL, up to 2x for two processes, or for two
    threads of a free-threaded build with the GIL off, where two CPUs are free.
    """
    list(executor.map(_spin, [1, 1], timeout=60))  # start both workers before timing
    in_turn, together = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(2):
            executor.submit(_spin, steps).result(timeout=60)
        in_turn.append(time.perf_counter() - start)
        start = time.perf_counter()
        list(executor.map(_spin, [steps, steps], timeout=60))
        together.append(time.perf_counter() - start)
    return min(in_turn) / min(together)


def two_workers() -> dict[str, object]:
    """Two threads, then two processes (the machine's ceiling), on the same work.

    On a free-threaded build the parent runs this twice, ``-X gil=0`` and ``-X gil=1``
    (what ``PYTHON_GIL`` sets, which ``-I`` would ignore).
    """
    gil = _gil_enabled()
    with ThreadPoolExecutor(2) as threads:
        threads_x = side_by_side_speedup(threads)
    with ProcessPoolExecutor(2) as processes:
        processes_x = side_by_side_speedup(processes)
    return {"gil": gil, "threads": threads_x, "processes": processes_x}


def probe() -> dict[str, object]:
    """Everything this Python measured, with what it is."""
    gil = _gil_enabled()
    # Processes first, before any thread of this process exists (fork after threads
    # warns on 3.12+).
    starts = {m: process_start_us(m) for m in multiprocessing.get_all_start_methods()}
    return {
        "version": sys.version.split()[0],
        "gil": gil,
        "default_start_method": multiprocessing.get_start_method(),
        "process_start_us": starts,
        "pool_round_trip_us": pool_round_trip_us(),
        "asyncio_task_us": asyncio_task_us(),
        "thread_hand_off_us": thread_hand_off_us(),
        "interpreter_us": interpreter_us(),
    }


if __name__ == "__main__":
    print(json.dumps(two_workers() if sys.argv[1:] == ["two-workers"] else probe()))
