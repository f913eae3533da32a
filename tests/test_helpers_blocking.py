"""compute_for lasts the time it is given, computes throughout, and rejects nonsense."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from conc_examples.work.blocking import compute_for


def test_lasts_about_the_time_given_and_uses_the_cpu() -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    iterations = compute_for(0.1)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert iterations > 0
    assert 0.1 <= wall < 0.5  # at least the time asked; a busy machine may add a little
    # Computing, not sleeping (a sleep costs well under 1 ms of CPU); generous, because
    # on a shared machine this process may get only part of a CPU.
    assert cpu > 0.005


def test_zero_seconds_does_no_work() -> None:
    assert compute_for(0) == 0


def test_negative_seconds_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        compute_for(-1)


def test_runs_in_a_child_process() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(compute_for, 0.01).result(timeout=60) > 0
