"""Chapter 3 shows what it says: races lose updates, locks and queues coordinate threads."""

from __future__ import annotations

from example_runner import example


def test_daemon_thread_is_killed_at_exit_and_non_daemon_is_waited_for() -> None:
    records = example("03_threading/01_thread_basics.py").records
    assert records["threads_while_running"] == 4
    assert records["distinct_native_ids"] == 3
    assert records["threads_after_join"] == 1
    lines = records["child_lines"]
    assert lines[0] == "main thread: reached the end of the program"
    assert "non-daemon: finished after 0.3 s" in lines
    assert not any(line.startswith("daemon") for line in lines)
    # The child waited for the 0.3 s thread but not for the 5 s daemon thread.
    assert 0.3 <= records["child_seconds"] < 4


def test_race_loses_updates_and_lock_fixes_it() -> None:
    records = example("03_threading/02_race_condition_and_locks.py").records
    assert records["lost_without_lock"] > 0
    assert records["lost_with_lock"] == 0
    assert records["nested_Lock"] is False
    assert records["nested_RLock"] is True
    assert records["deadlock_timeouts"] == 2
    assert records["ordered_timeouts"] == 0
    assert records["ordered_successes"] == 2


def test_coordination_tools_hold_their_promises() -> None:
    records = example("03_threading/03_coordination.py").records
    assert records["buffer_received"] == list(range(10))
    assert records["buffer_largest"] <= 3
    assert records["buffer_producer_waits"] > 0
    assert records["semaphore_peak"] <= 3
    assert records["unlimited_peak"] > 3
    assert records["event_stop_seconds"] < 0.5  # pollers nap 50 ms; stop is not a nap
    assert all(polls >= 1 for polls in records["event_polls"])
    assert records["barrier_phases_in_order"] is True


def test_queues_deliver_everything_in_their_order_and_stop_consumers() -> None:
    records = example("03_threading/04_queues.py").records
    assert records["sentinel_jobs_done"] == list(range(8))
    assert records["sentinel_consumers_alive"] == 0
    assert records["join_handled"] == [1, 2, 3, 4, 5]
    orders = records["orders"]
    assert orders["Queue"] == ["rebuild index", "serve request", "send e-mail", "log in"]
    assert orders["LifoQueue"] == orders["Queue"][::-1]
    assert orders["PriorityQueue"] == [
        "log in",
        "serve request",
        "send e-mail",
        "rebuild index",
    ]
    assert records["shutdown_eaten"] == list(range(6))
    assert records["shutdown_alive"] == 0


def test_thread_local_gives_each_thread_its_own_connection() -> None:
    records = example("03_threading/05_thread_local_data.py").records
    assert records["local_values_are_own"] is True
    assert records["shared_connection_b"].startswith("failed: CannotSendRequest")
    assert records["local_requests"] == 20
    assert records["local_connections"] == 4
