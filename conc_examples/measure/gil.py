"""Work for the GIL chapter: C code that releases the GIL, and CPU work in timed chunks.

Pure-Python work holds the GIL, so threads running it take turns.  Some C code
lets go of the GIL while it works on a large buffer (:mod:`hashlib` above 2 KiB,
:mod:`zlib`), so threads running it overlap on several CPUs.  These functions are the
workloads of that comparison.  :func:`cpu_bound_in_chunks` records *when* pure-Python
work ran, chunk by chunk, so a timeline can show threads taking turns; it runs in
threads and in child processes, so it lives in this importable module.
"""

from __future__ import annotations

import hashlib
import random
import time
import zlib
from collections.abc import Callable, Sequence

from conc_examples.measure.timeline import Span, current_worker
from conc_examples.work.workloads import cpu_bound

__all__ = [
    "busy_workers",
    "compress_rounds",
    "cpu_bound_in_chunks",
    "cpus_in_use",
    "hash_rounds",
    "sample_data",
    "uninterrupted",
]


def sample_data(size: int, *, seed: int = 0) -> bytes:
    """Return ``size`` reproducible bytes that compress like text (a few distinct words).

    All zeros would compress too fast to measure, random bytes not at all.
    """
    words = [b"thread ", b"process ", b"lock ", b"queue ", b"GIL ", b"event\n"]
    rng = random.Random(seed)
    chunk = b"".join(rng.choice(words) for _ in range(4096))
    return (chunk * (size // len(chunk) + 1))[:size]


def hash_rounds(data: bytes, rounds: int) -> str:
    """SHA-256 of ``data``, ``rounds`` times; :mod:`hashlib` releases the GIL meanwhile.

    CPython's hashlib lets other threads run while it hashes a buffer over 2 KiB.
    """
    digest = ""
    for _ in range(rounds):
        digest = hashlib.sha256(data).hexdigest()
    return digest


def compress_rounds(data: bytes, rounds: int) -> int:
    """Compress ``data`` with :mod:`zlib`, ``rounds`` times; zlib releases the GIL."""
    size = 0
    for _ in range(rounds):
        size = len(zlib.compress(data, 6))
    return size


def cpus_in_use(func: Callable[[], object]) -> float:
    """Run ``func()`` once; return this process's CPU seconds per wall-clock second.

    All threads of the process count, child processes do not.  Under the GIL,
    pure-Python threads cannot exceed about 1.0 however many CPUs are free; threads in
    C code that releases the GIL can reach the number of CPUs.  A busy machine only
    lowers the figure, so "at most 1" stays true under load.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    func()
    wall = time.perf_counter() - wall
    return (time.process_time() - cpu) / wall if wall > 0 else 0.0


def cpu_bound_in_chunks(task: str, chunks: int, iterations: int) -> list[Span]:
    """Run :func:`~conc_examples.work.workloads.cpu_bound` ``chunks`` times; one span each.

    Picklable, so a process pool can run it and send the spans back.  A chunk that
    took much longer than the others was paused part of the way (waiting for the GIL,
    or for a CPU): :func:`uninterrupted` drops those.
    """
    spans = []
    worker = current_worker()
    for number in range(chunks):
        start = time.perf_counter()
        cpu_bound(iterations)
        spans.append(Span(worker, f"{task} #{number}", start, time.perf_counter()))
    return spans


def uninterrupted(spans: Sequence[Span], *, slack: float = 3.0) -> list[Span]:
    """Keep the spans that ran without a pause: at most ``slack`` x the median duration.

    Every chunk does the same work, so one that took several times the median spent
    most of its time waiting, not running; drawing it would hide the turn-taking.
    """
    if not spans:
        return []
    durations = sorted(s.duration for s in spans)
    limit = slack * durations[len(durations) // 2]
    return [s for s in spans if s.duration <= limit]


def busy_workers(spans: Sequence[Span]) -> float:
    """How many workers ran at once, on average, while any of them ran.

    The busy time of all spans over the length of their union: 1.0 means one at a
    time (taking turns), 2.0 means two side by side throughout.  Dividing by the union,
    not by the whole wall time, keeps the gaps that :func:`uninterrupted` left (chunks
    dropped for having been paused) from pulling the figure down.
    """
    if not spans:
        raise ValueError("need at least one span")
    union, reach = 0.0, float("-inf")
    for span in sorted(spans, key=lambda s: s.start):
        start = max(span.start, reach)
        if span.end > start:
            union += span.end - start
        reach = max(reach, span.end)
    return sum(s.duration for s in spans) / union if union > 0 else 0.0
