"""Unit tests of what the OS counts: listen-queue drops, open files, memory; and the
asyncio timing helpers (measure_async, measure_lags, wall_and_cpu_interleaved_async)
and the needs built on them."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from conc_examples.claims import LOAD
from conc_examples.measure import netstat, oslimits
from conc_examples.measure.timing import (
    LoopLag,
    measure_async,
    measure_lags,
    needs_free_loop,
    wall_and_cpu_interleaved_async,
)

NETSTAT = """TcpExt: SyncookiesSent ListenOverflows ListenDrops
TcpExt: 0 42 43
IpExt: InNoRoutes
IpExt: 0
"""


def test_listen_overflows_reads_the_tcpext_counter(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "netstat"
    fake.write_text(NETSTAT)
    monkeypatch.setattr(netstat, "_NETSTAT", fake)
    assert netstat.listen_overflows() == 42
    monkeypatch.setattr(netstat, "_NETSTAT", tmp_path / "missing")
    assert netstat.listen_overflows() is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_linux_answers() -> None:
    assert isinstance(netstat.listen_overflows(), int)
    assert netstat.somaxconn() >= 1
    size, resident = oslimits.memory_bytes()
    assert size >= resident > 0


@pytest.mark.skipif(oslimits.open_files() is None, reason="no /proc/self/fd or /dev/fd")
def test_open_files_counts_a_file_opened(tmp_path: Path) -> None:
    before = oslimits.open_files()
    with open(tmp_path / "f", "w"):
        assert oslimits.open_files() == before + 1
    assert oslimits.open_files() == before


@pytest.mark.skipif(oslimits.open_files_limit() is None, reason="no resource module")
def test_raise_open_files_limit_never_lowers_it() -> None:
    soft, hard = oslimits.open_files_limit()
    assert oslimits.raise_open_files_limit(1) == soft
    assert oslimits.open_files_limit() == (soft, hard)


def test_measure_async_awaits_each_run() -> None:
    async def main():
        return await measure_async(lambda: asyncio.sleep(0.01), repeat=3, warmup=1)

    timing = asyncio.run(main())
    assert len(timing.runs) == 3
    assert min(timing.runs) >= 0.009


def test_measure_lags_flags_a_blocking_job_and_restores_debug_mode() -> None:
    async def lag_of(job) -> float:
        start = time.perf_counter()
        await job()
        await asyncio.sleep(0)  # the step that blocked ends here, and is reported
        return time.perf_counter() - start

    async def blocking() -> None:
        time.sleep(0.15)

    async def main() -> tuple[dict[str, LoopLag], bool]:
        loop = asyncio.get_running_loop()
        loop.set_debug(False)
        jobs = {"blocks": blocking, "awaits": lambda: asyncio.sleep(0.01)}
        return await measure_lags(lag_of, jobs, repeat=2), loop.get_debug()

    lags, debug_after = asyncio.run(main())
    assert debug_after is False
    assert len(lags["blocks"].runs) == 2 and lags["blocks"].min >= 140  # milliseconds
    assert len(lags["blocks"].flagged) == 2
    assert lags["awaits"].flagged == ()


def test_measure_lags_takes_turns_round_by_round() -> None:
    order: list[str] = []

    async def lag_of(job) -> float:
        await job()
        return 0.0

    def job(name: str):
        async def run() -> None:
            order.append(name)

        return run

    async def main() -> dict[str, LoopLag]:
        return await measure_lags(lag_of, {"a": job("a"), "b": job("b")}, repeat=2)

    lags = asyncio.run(main())
    assert order == ["a", "b", "b", "a"]  # each round starts one place further on
    assert set(lags) == {"a", "b"} and len(lags["a"].runs) == 2


def test_wall_and_cpu_interleaved_async_counts_cpu_apart_from_waiting() -> None:
    async def wait() -> None:
        await asyncio.sleep(0.05)

    async def compute() -> None:
        deadline = time.perf_counter() + 0.05
        while time.perf_counter() < deadline:
            pass

    async def main():
        contenders = {"wait": wait, "compute": compute}
        return await wall_and_cpu_interleaved_async(contenders, repeat=2, warmup=0)

    walls, cpus = asyncio.run(main())
    assert walls["wait"].min >= 0.049 and cpus["wait"].max < 0.02  # waiting is free
    assert cpus["compute"].max <= walls["compute"].max + 0.01  # one thread: CPU <= wall
    with pytest.raises(ValueError):
        asyncio.run(wall_and_cpu_interleaved_async({"wait": wait}, repeat=0))


def test_needs_say_what_was_missing() -> None:
    free = needs_free_loop(LoopLag((1.0, 2.0, 3.0)), under_ms=30)
    busy = needs_free_loop(LoopLag((40.0, 50.0, 60.0)), under_ms=30)
    assert free.met and not busy.met and busy.lacking == LOAD and "50.0 ms" in busy.seen
    assert oslimits.needs_open_file_count(12).met
    assert not oslimits.needs_open_file_count(None).met
    assert not netstat.needs_overflow_count(None).met
    assert netstat.needs_backlog(1).met
