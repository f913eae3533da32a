"""Chapter 11 shows what it says: hangs located at the right lines, signals handled with
nothing left running, backpressure bounding memory, safe thread-loop calls, and tests
that stop depending on luck."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from example_runner import EXAMPLES, ROOT, example

CHAPTER = "11_when_things_go_wrong"


def line_of(path: Path, text: str) -> int:
    """The number of the one line of ``path`` that contains ``text``."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) == 1, f"{text!r} is on lines {hits} of {path.name}"
    return hits[0]


def test_deadlock_is_found_from_inside_at_both_acquire_lines() -> None:
    run = example(f"{CHAPTER}/01_a_deadlock_diagnosed.py")
    page = EXAMPLES / CHAPTER / "01_a_deadlock_diagnosed.py"
    expected = {
        ("a_then_b", line_of(page, "if lock_b.acquire(timeout=STUCK_FOR)")),
        ("b_then_a", line_of(page, "if lock_a.acquire(timeout=STUCK_FOR)")),
    }
    inside = run.values["inside"]
    assert {(frame.function, frame.line) for frame in inside} == expected
    assert len(inside) == 2  # one frame per deadlocked thread, none for anything else
    assert run.values["threads_left"] == 0
    assert run.values["fixed_left"] == 0


def test_deadlock_is_found_from_outside_by_py_spy() -> None:
    run = example(f"{CHAPTER}/01_a_deadlock_diagnosed.py")
    why_not = run.values["why_not"]
    assert why_not is None or "not installed" not in why_not  # the tests group has it
    if why_not is not None:
        assert why_not in run.stdout  # the page says so in one line and goes on
        pytest.skip(f"py-spy is not permitted here: {why_not}")
    page = EXAMPLES / CHAPTER / "01_a_deadlock_diagnosed.py"
    expected = {
        ("a_then_b", "a_then_b", line_of(page, "if lock_b.acquire(timeout=STUCK_FOR)")),
        ("b_then_a", "b_then_a", line_of(page, "if lock_a.acquire(timeout=STUCK_FOR)")),
    }
    assert {tuple(frame) for frame in run.values["outside"]} == expected


def test_ctrl_c_by_default_does_not_stop_the_pool_cleanly() -> None:
    run = example(f"{CHAPTER}/02_ctrl_c_stops_a_pool.py")
    default = run.values["default"]
    assert default["status"] == -signal.SIGINT  # died of SIGINT, not a chosen exit
    assert default["tracebacks"] >= 1
    assert default["last stderr line"] == "KeyboardInterrupt"
    assert "interrupted:2" in default["jobs"]  # both running jobs got KeyboardInterrupt
    assert "cancelled" not in default["jobs"]  # and every queued job still ran
    assert default["left running"] == []


def test_ctrl_c_with_ignoring_workers_exits_130_and_leaves_nothing() -> None:
    run = example(f"{CHAPTER}/02_ctrl_c_stops_a_pool.py")
    finish, abandon = run.values["finish"], run.values["abandon"]
    for stopped in (finish, abandon):
        assert stopped["status"] == 130
        assert stopped["tracebacks"] == 0
        assert "cancelled:" in stopped["jobs"]
        assert "interrupted" not in stopped["jobs"]
        assert stopped["left running"] == []
    assert "abandoned" not in finish["jobs"]
    assert "abandoned:" in abandon["jobs"]
    assert abandon["seconds to stop"] < finish["seconds to stop"]


def test_sigterm_closes_the_server_and_ctrl_c_cancels_the_main_task() -> None:
    run = example(f"{CHAPTER}/03_sigterm_and_ctrl_c_in_asyncio.py")
    assert run.values["server_status"] == 0
    assert run.values["server_out"].splitlines() == [
        "handlers cancelled=3",
        "server closed=True",
    ]
    assert run.values["ctrl_c_status"] == 130
    assert run.values["ctrl_c_out"].splitlines() == [
        "main task=cancelled",
        "helper task=cancelled",
        "asyncio.run raised=KeyboardInterrupt",
    ]


def test_ctrl_c_reaches_only_the_main_thread_which_stops_the_workers() -> None:
    run = example(f"{CHAPTER}/04_ctrl_c_and_worker_threads.py")
    assert "main thread" in run.values["refusals"][0]
    assert run.values["interrupted"] == "MainThread"
    assert run.values["still_waiting"] == 3
    assert run.values["workers_left"] == 0
    assert run.values["how"] in ("jobs.shutdown()", "3 sentinels")


def test_hung_child_and_stuck_task_are_located() -> None:
    run = example(f"{CHAPTER}/05_a_hung_child_and_a_stuck_task.py")
    readlines = line_of(ROOT / "conc_examples" / "hangs.py", "sys.stdin.readlines()")
    assert "still running after 0.5 s" in run.stdout
    if run.values["why_not"] is None:
        outside = run.values["child_outside"]
        assert [(f.function, f.line) for f in outside] == [("count_lines", readlines)]
    inside = run.values["child_inside"]
    assert [(f.function, f.line) for f in inside] == [("count_lines", readlines)]
    assert run.values["child_answer"] == "3 lines"
    page = EXAMPLES / CHAPTER / "05_a_hung_child_and_a_stuck_task.py"
    get_line = line_of(page, "while (item := await queue.get()) is not None")
    assert run.values["stuck_tasks"] == [("consumer", "consume", get_line)]
    assert run.values["stuck_after_fix"] == []
    assert run.values["seen_fixed"] == [0, 1, 2]


def test_a_window_bounds_memory_and_a_bounded_queue_its_size() -> None:
    run = example(f"{CHAPTER}/06_backpressure.py")
    assert run.values["memory_ratio"] > 10  # measured ~130x
    assert run.values["windowed_mib"] < 5
    assert run.values["bounded_queue_largest"] <= 10
    assert run.values["unbounded_queue_largest"] > 100  # the producer ran far ahead


def test_threadsafe_calls_wake_the_loop_and_a_bare_call_does_not() -> None:
    run = example(f"{CHAPTER}/07_threads_and_asyncio_together.py")
    assert run.values["unsafe_delay"] >= 0.2  # waited for the loop's 0.3 s timer
    assert "Non-thread-safe operation" in run.values["refusal"]
    assert run.values["safe_delay"] < 0.2  # measured ~0.2 ms
    assert run.values["thread_answer"] == "ANSWER"
    assert run.values["ticks_meanwhile"] >= 3  # the loop ran while the thread worked


def test_sleep_makes_the_test_flaky_and_an_event_makes_it_deterministic() -> None:
    run = example(f"{CHAPTER}/08_testing_concurrent_code.py")
    assert 0 < run.values["sleep_failures"] < run.values["RUNS"]
    assert run.values["event_failures"] == 0
    assert run.values["concurrent_starts"] == ["a", "b", "c"]
