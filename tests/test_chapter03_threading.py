"""Chapter 3 shows what it says: races lose updates, locks and queues coordinate threads."""

from __future__ import annotations

import re
import sys

from example_runner import example


def test_daemon_thread_is_killed_at_exit_and_non_daemon_is_waited_for() -> None:
    values = example("03_threading/01_thread_basics.py").values
    assert len(values["running"]) == 4
    assert len({entry["native_id"] for entry in values["seen"]}) == 3
    assert values["after_join"] == ["MainThread"]
    lines = values["child"].stdout.splitlines()
    assert lines[0] == "main thread: reached the end of the program"
    assert "non-daemon: finished after 0.3 s" in lines
    assert not any(line.startswith("daemon") for line in lines)
    # The child waited for the 0.3 s thread but not for the 5 s daemon thread.
    assert 0.3 <= values["elapsed"] < 4


def test_race_loses_updates_and_lock_fixes_it() -> None:
    values = example("03_threading/02_race_condition_and_locks.py").values
    if getattr(sys, "_is_gil_enabled", lambda: True)():
        # With the GIL, the bare loop is switched only between iterations: no (or
        # almost no) lost updates; it is the sleep(0) that forces the race.
        assert values["lost_bare"] <= 0.01 * values["THREADS"] * 100_000
    assert values["lost"] > 0
    assert values["lost_with_lock"] == 0


def test_rlock_and_lock_order_end_the_deadlocks() -> None:
    values = example("03_threading/03_deadlocks.py").values
    assert values["nested_deposit"] == {"Lock": False, "RLock": True}
    assert all("timed out" in what for what in values["deadlocked"].values())
    assert len(values["deadlocked"]) == 2
    assert values["ordered"] == {"thread-1": "got both locks", "thread-2": "got both locks"}


def test_condition_and_semaphore_keep_their_limits() -> None:
    run = example("03_threading/04_condition_and_semaphore.py")
    values = run.values
    assert values["received"] == list(range(10))
    # The producer ran ahead, filled the buffer to its capacity of 3, and waited.
    assert "most items in the buffer at once: 3 (capacity 3)" in run.stdout
    waits = re.search(r"the buffer full and waited: (\d+)", run.stdout)
    assert waits and int(waits[1]) > 0
    # The page says the peak stayed at three: exactly the permits, not fewer.
    assert values["with_limit"] == values["PERMITS"] == 3
    assert values["without_limit"] > 3


def test_event_stops_workers_mid_nap_and_barrier_orders_phases() -> None:
    values = example("03_threading/05_events_and_barriers.py").values
    # The workers nap 1 s and were stopped 0.3 s in: with time.sleep they would have
    # ended 0.7 s after the signal; Event.wait returns at once.
    assert values["INTERVAL"] == 1.0
    assert values["stopped_within"] < 0.35
    assert len(values["polls"]) == 3 and all(n >= 1 for n in values["polls"].values())
    assert values["in_order"] is True


def test_queues_deliver_everything_in_their_order_and_stop_consumers() -> None:
    values = example("03_threading/06_queues.py").values
    assert sorted(job for _, job, _ in values["results"]) == list(range(8))
    assert values["consumers_alive"] == 0
    assert values["handled"] == [1, 2, 3, 4, 5]
    orders = values["orders"]
    assert orders["Queue"] == ["rebuild index", "serve request", "send e-mail", "log in"]
    assert orders["LifoQueue"] == orders["Queue"][::-1]
    # The counter keeps equal priorities in arrival order, and the dicts uncompared.
    assert orders["PriorityQueue"] == [
        "serve request",
        "log in",
        "send e-mail",
        "rebuild index",
    ]
    assert isinstance(values["bare_tuple_error"], TypeError)
    assert sorted(values["eaten"]) == list(range(6))
    assert values["eaters_alive"] == 0
    # shutdown() (or the sentinels) woke every blocked get at once, not at its 5 s timeout.
    assert values["gave_up"] == []
    assert values["stopped_within"] < 2


def test_thread_local_gives_each_thread_its_own_connection() -> None:
    values = example("03_threading/07_thread_local_data.py").values
    assert len(values["read_back"]) == 3
    assert all(name == value for name, value in values["read_back"].items())
    assert values["outcomes"]["B"].startswith("failed: CannotSendRequest")
    assert len(values["ports"]) == 20
    assert values["connections"] == 4
