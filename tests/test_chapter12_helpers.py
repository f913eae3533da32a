"""The helpers of chapter 12: the interpreters API finder and the convoy's two sides."""

from __future__ import annotations

import sys

import pytest

from conc_examples.measure.convoy import (
    Activity,
    echo_server,
    first,
    gil_profile,
    ping,
    quiet_pace,
    spin,
)
from conc_examples.measure.timeline import Span
from conc_examples.work.subinterpreters import MISSING, load, new_interpreter


def test_echo_server_answers_and_ends_with_the_connection() -> None:
    with echo_server() as sock:
        done = ping(sock, 0.05)
    assert done.spans and all(s.worker == "I/O thread" for s in done.spans)
    assert done.rate == len(done.spans) / done.seconds
    assert done.seconds >= 0.05


def test_spin_runs_for_its_time_in_chunks() -> None:
    done = spin(0.05, 1000, worker="cpu")
    assert done.seconds >= 0.05
    assert len(done.spans) > 1 and {s.worker for s in done.spans} == {"cpu"}


def test_first_keeps_the_opening_window_on_a_common_clock() -> None:
    mine = Activity([Span("a", "t", 10.0, 10.1), Span("a", "t", 10.2, 10.6)], 1.0)
    other = Activity([Span("b", "t", 9.9, 10.0)], 1.0)
    assert first(mine, 0.3, "row") == [Span("row", "t", 0.0, pytest.approx(0.1))]
    shifted = first(mine, 0.25, "row", since=other)
    assert [(s.start, s.end) for s in shifted] == [pytest.approx((0.1, 0.2))]


def test_quiet_pace_needs_over_twenty_round_trips_per_interval_in_every_run() -> None:
    fast = Activity([Span("io", "round trip", 0.0, 0.0)] * 5000, 1.0)  # 25 per 5 ms
    slow = Activity(fast.spans[:3000], 1.0)  # 15 per 5 ms
    assert quiet_pace(0.005, fast).met
    missing = quiet_pace(0.005, fast, slow)
    assert not missing.met and "15.0 round trips" in missing.seen


def test_the_gil_profile_finds_the_cpu_thread_holding_the_gil() -> None:
    profile = gil_profile(0.3, 1000, 0.0001)
    if sys.version_info < (3, 15):
        assert not profile.held and "3.15" in str(profile) and not profile.taken.met
        return
    assert profile.why_not is None and profile.taken.met
    held = profile.held
    assert held["CPU thread"] > 100 and held["I/O thread"] < held["CPU thread"] / 10
    assert str(profile) == (
        f"samples holding the GIL: CPU thread {held['CPU thread']},"
        f" I/O thread {held['I/O thread']}"
    )


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13+ has interpreters")
def test_before_3_13_there_is_one_clear_message() -> None:
    assert load() == (None, None)
    with pytest.raises(RuntimeError, match="interpreters-pep-734"):
        new_interpreter()
    assert "3.14" in MISSING


@pytest.mark.skipif(sys.version_info < (3, 13), reason="interpreters need 3.13+")
def test_new_interpreter_takes_a_queue_and_is_closed() -> None:
    interpreters, pool = load()
    assert interpreters is not None and pool is not None
    queue = interpreters.create_queue()
    worker = new_interpreter()
    try:
        worker.prepare_main(q=queue)
        worker.exec("q.put(6 * 7)")
        assert queue.get(timeout=10) == 42
    finally:
        worker.close()
    assert len(interpreters.list_all()) == 1
