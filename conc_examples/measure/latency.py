"""Latency percentiles, and the two ways to load a server: closed loop and open loop.

A throughput figure (requests per second) says nothing about how long each caller
waited; a mean hides the few who waited longest.  So latency is reported as
percentiles: p50 (half the requests were answered at least this fast), p99 (all but one
in a hundred), and the max.  :func:`percentile` uses the *nearest-rank* estimator: the
p-th percentile is a latency some request really saw, the smallest one that at least p %
of the requests did not exceed.

How the load is generated decides what those percentiles can see:

* :func:`closed_loop`: N clients, each sends its next request only when the answer to
  the previous one has arrived (and not before its turn on the schedule).  Its latency
  runs from the moment the request was *sent*.  When the server stalls, the clients
  wait with it and send nothing: the requests due meanwhile go out after the stall and
  are timed from then, so their wait is never measured (*coordinated omission*);
* :func:`open_loop`: requests are sent on a fixed schedule, whether or not earlier ones
  were answered, as independent users send them.  Its latency runs from the moment the
  request was *due*, so a stall shows as the queue that built up behind it.

:func:`cpu_per_request` measures what a client's event loop costs: the CPU time of the
calling thread per request, which load on the machine disturbs less than wall time.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

__all__ = [
    "PERCENTILES",
    "Latencies",
    "closed_loop",
    "cpu_per_request",
    "open_loop",
    "percentile",
]

PERCENTILES = (50.0, 90.0, 99.0, 99.9, 100.0)


def percentile(samples: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0 < p <= 100) of ``samples``.

    The smallest sample that at least ``p`` % of the samples do not exceed: always a
    value that was measured (no interpolation between two requests), and ``p=100``
    is the max.  With 400 samples, p99 is the 396th fastest: the 5th slowest.
    """
    if not samples:
        raise ValueError("no samples: a percentile needs at least one")
    if not 0 < p <= 100:
        raise ValueError(f"p must be above 0 and at most 100, not {p}")
    ordered = sorted(samples)
    # Rounded first, so that 99 % of 200 is rank 198, not 199 from a float's last bit.
    rank = max(1, math.ceil(round(p * len(ordered) / 100, 9)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latencies:
    """Every request's latency (seconds) under one load, and how long the load ran."""

    load: str
    seconds: tuple[float, ...]
    duration: float

    def at(self, p: float) -> float:
        return percentile(self.seconds, p)

    @property
    def p50(self) -> float:
        return self.at(50)

    @property
    def p99(self) -> float:
        return self.at(99)

    @property
    def max(self) -> float:
        return self.at(100)

    @property
    def rate(self) -> float:
        """Requests answered per second of the run: the throughput."""
        return len(self.seconds) / self.duration

    def slower_than(self, seconds: float) -> int:
        """How many requests waited longer than ``seconds``."""
        return sum(latency > seconds for latency in self.seconds)

    def __str__(self) -> str:
        return (
            f"{self.load}: {len(self.seconds)} requests at {self.rate:.0f}/s;"
            f" p50 {self.p50 * 1e3:.1f} ms, p99 {self.p99 * 1e3:.1f} ms,"
            f" max {self.max * 1e3:.1f} ms"
        )


@asynccontextmanager
async def _session(url: str, timeout: float) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session, warmed by one request (the connection, the first-call costs)."""
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(timeout=client_timeout) as session:
        await _fetch(session, url)
        yield session


async def _fetch(session: aiohttp.ClientSession, url: str) -> None:
    async with session.get(url) as response:
        response.raise_for_status()
        await response.read()


async def _until(moment: float) -> None:
    """Sleep until ``moment`` on the perf_counter clock; at once if it has passed."""
    await asyncio.sleep(max(0.0, moment - time.perf_counter()))


async def closed_loop(
    url: str, *, clients: int, rate: float, duration: float, timeout: float = 10.0
) -> Latencies:
    """``clients`` clients share ``rate`` requests a second for ``duration`` seconds.

    Each client takes every ``clients``-th turn of the schedule, and sends its next
    request when the previous answer has arrived: at its turn, or at once if it is
    late.  Latency runs from the moment the request was sent.
    """
    turns = round(rate * duration)
    async with _session(url, timeout) as session:
        start = time.perf_counter()

        async def client(first: int) -> list[float]:
            latencies = []
            for turn in range(first, turns, clients):
                await _until(start + turn / rate)  # its turn, or at once if late
                sent = time.perf_counter()
                await _fetch(session, url)  # nothing more is sent until this returns
                latencies.append(time.perf_counter() - sent)
            return latencies

        answered = await asyncio.gather(*(client(first) for first in range(clients)))
        duration = time.perf_counter() - start
    seconds = tuple(latency for latencies in answered for latency in latencies)
    return Latencies(f"closed loop, {clients} clients", seconds, duration)


async def open_loop(
    url: str, *, rate: float, duration: float, timeout: float = 10.0
) -> Latencies:
    """Send ``rate`` requests a second for ``duration`` seconds, each when it is due.

    Every request is sent at its time on the schedule, however many are still
    waiting for an answer.  Latency runs from the moment the request was due.
    """
    turns = round(rate * duration)
    async with _session(url, timeout) as session:
        start = time.perf_counter()

        async def request(due: float) -> float:
            await _until(due)  # sent on schedule, whatever came back before
            await _fetch(session, url)
            return time.perf_counter() - due

        seconds = await asyncio.gather(*(request(start + t / rate) for t in range(turns)))
        duration = time.perf_counter() - start
    return Latencies("open loop", tuple(seconds), duration)


async def cpu_per_request(url: str, *, requests: int, timeout: float = 10.0) -> float:
    """CPU seconds this thread spent per request, one request after another.

    :func:`time.thread_time` counts the calling thread only: the client's event loop
    and aiohttp's client code, not a server running in another thread.
    """
    async with _session(url, timeout) as session:
        cpu_start = time.thread_time()
        for _ in range(requests):
            await _fetch(session, url)
        return (time.thread_time() - cpu_start) / requests
