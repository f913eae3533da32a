"""Record when each task ran and on which worker: the raw data of a timeline chart.

Totals say *how long*; a timeline says *why*: threads taking turns under the GIL,
processes overlapping, coroutines waiting together.  Times come from
:func:`time.perf_counter`, a monotonic clock that on Linux, macOS and Windows is
system-wide, so spans recorded in different processes line up on one axis.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

__all__ = ["Recorder", "Span", "current_worker", "timed_call"]

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Span:
    """One task's run: which worker ran it, what it was, and when (perf_counter s)."""

    worker: str
    task: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def current_worker() -> str:
    """Name what is running this code: an asyncio task, a thread, or a process.

    The innermost one wins: a task's name inside an event loop, else the thread's name
    outside the main thread, else the process's name (``MainProcess`` in the parent).
    """
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running event loop in this thread
        task = None
    if task is not None:
        return task.get_name()
    if threading.current_thread() is not threading.main_thread():
        return threading.current_thread().name
    return multiprocessing.current_process().name


class Recorder:
    """Collect spans from any number of threads or tasks of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spans: list[Span] = []

    @contextmanager
    def span(self, task: str, worker: str | None = None) -> Iterator[None]:
        """Record the time spent inside the ``with`` block as one span."""
        who = worker if worker is not None else current_worker()
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(Span(who, task, start, time.perf_counter()))

    def add(self, span: Span) -> None:
        """Add a span recorded elsewhere, e.g. returned by a child process."""
        with self._lock:
            self._spans.append(span)

    @property
    def spans(self) -> list[Span]:
        """Return the spans so far, in order of their start."""
        with self._lock:
            return sorted(self._spans, key=lambda s: s.start)


def timed_call(
    task: str, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> tuple[R, Span]:
    """Run ``func`` and return its result with the span it took, on this worker.

    Picklable (a top-level function), so a pool can run it in a child and send the
    span back with the result: ``pool.submit(timed_call, "task 1", cpu_bound, n)``.
    """
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, Span(current_worker(), task, start, time.perf_counter())
