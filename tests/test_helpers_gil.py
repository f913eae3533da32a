"""Unit tests of conc_examples.measure.gil: the GIL chapter's work and span arithmetic."""

from __future__ import annotations

import hashlib
import time
import zlib
from concurrent.futures import ProcessPoolExecutor

import pytest

from conc_examples.measure import gil
from conc_examples.measure.timeline import Span
from conc_examples.work.workloads import calibrate


def test_sample_data_is_reproducible_and_compressible() -> None:
    data = gil.sample_data(100_000)
    assert len(data) == 100_000
    assert data == gil.sample_data(100_000)
    assert data != gil.sample_data(100_000, seed=1)
    assert len(zlib.compress(data)) < len(data) / 5


def test_hash_and_compress_rounds_return_real_results() -> None:
    data = gil.sample_data(10_000)
    assert gil.hash_rounds(data, 3) == hashlib.sha256(data).hexdigest()
    assert gil.compress_rounds(data, 2) == len(zlib.compress(data, 6))


def test_calibrate_sizes_any_work_by_the_time_asked_for() -> None:
    data = gil.sample_data(1 << 18)
    short = calibrate(0.001, lambda r: gil.hash_rounds(data, r), probe=1)
    long = calibrate(0.1, lambda r: gil.hash_rounds(data, r), probe=1)
    assert 1 <= short < long


def test_cpu_bound_in_chunks_records_one_span_per_chunk_in_a_child() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        spans = pool.submit(gil.cpu_bound_in_chunks, "t", 4, 1000).result(timeout=60)
    assert [s.task for s in spans] == ["t #0", "t #1", "t #2", "t #3"]
    assert all(s.end >= s.start for s in spans)
    assert len({s.worker for s in spans}) == 1
    assert spans[0].worker != "MainProcess"


def test_uninterrupted_drops_spans_much_longer_than_the_median() -> None:
    spans = [Span("w", f"{i}", i, i + 1.0) for i in range(5)]
    paused = Span("w", "paused", 10, 20)
    assert gil.uninterrupted([*spans, paused]) == spans
    assert gil.uninterrupted([]) == []


def test_busy_workers_counts_how_many_ran_at_once() -> None:
    side_by_side = [Span("a", "x", 0, 1), Span("b", "x", 0, 1)]
    in_turns = [Span("a", "x", 0, 1), Span("b", "x", 1, 2)]
    assert gil.busy_workers(side_by_side) == pytest.approx(2.0)
    assert gil.busy_workers(in_turns) == pytest.approx(1.0)
    # A gap (a paused chunk dropped) does not count as idle time.
    with_a_gap = [Span("a", "x", 0, 1), Span("b", "x", 0, 1), Span("a", "y", 5, 6)]
    assert gil.busy_workers(with_a_gap) == pytest.approx(1.5)
    with pytest.raises(ValueError):
        gil.busy_workers([])


def test_cpus_in_use_is_about_one_for_computing_and_zero_for_sleeping() -> None:
    assert gil.cpus_in_use(lambda: time.sleep(0.05)) < 0.3
    assert 0 < gil.cpus_in_use(lambda: gil.cpu_bound_in_chunks("t", 1, 200_000)) <= 1.2
