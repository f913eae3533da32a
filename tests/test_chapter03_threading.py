"""Chapter 3 shows what it says: races lose updates, locks and queues coordinate threads.

The pages' claims carry the checks; these tests count them and add what a claim cannot
say (structure, and the build a claim applies to).
"""

from __future__ import annotations

from example_runner import check_claims, example

from conc_examples.claims import NOT_SHOWN


def test_daemon_thread_is_killed_at_exit_and_non_daemon_is_waited_for() -> None:
    run = example("03_threading/01_thread_basics.py")
    # Four threads while the greeters sleep, one OS thread each and only main after
    # join, and the child's exit: the non-daemon waited for, the daemon cut off.
    assert len(run.claims) == 3
    check_claims(run)
    assert run.values["stuck"] == []


def test_race_loses_updates_and_lock_fixes_it() -> None:
    run = example("03_threading/02_race_condition_and_locks.py")
    assert len(run.claims) == 4
    # The bare loop makes one claim per build: none lost with the GIL, some without.
    # Exactly one of the two applies to this interpreter; the other is not shown.
    with_gil = run.claim("With the GIL, the bare loop")
    without_gil = run.claim("Without the GIL, the bare loop")
    assert sorted([with_gil.state == NOT_SHOWN, without_gil.state == NOT_SHOWN]) == [
        False,
        True,
    ]
    applies = [c for c in (with_gil, without_gil) if c.state != NOT_SHOWN]
    others = [c for c in run.claims if c not in (with_gil, without_gil)]
    check_claims(run, *applies, *others)


def test_rlock_and_lock_order_end_the_deadlocks() -> None:
    run = example("03_threading/03_deadlocks.py")
    assert len(run.claims) == 3
    check_claims(run)
    # The deadlocked pair: each holds one lock and times out on the other one.
    assert sorted(run.values["deadlocked"].values()) == [
        "holds a, timed out waiting for b",
        "holds b, timed out waiting for a",
    ]


def test_condition_and_semaphore_keep_their_limits() -> None:
    run = example("03_threading/04_condition_and_semaphore.py")
    assert len(run.claims) == 3
    check_claims(run)
    # The peak is claimed equal to the permits: three of eight workers, not all.
    assert run.values["PERMITS"] == 3 < run.values["WORKERS"]


def test_event_stops_workers_mid_nap_and_barrier_orders_phases() -> None:
    run = example("03_threading/05_events_and_barriers.py")
    assert len(run.claims) == 2
    check_claims(run)
    # The claim's 0.35 s margin only means "mid-nap" if the nap is 1 s, stopped at 0.3 s.
    assert run.values["INTERVAL"] == 1.0


def test_queues_deliver_everything_in_their_order_and_stop_consumers() -> None:
    run = example("03_threading/06_queues.py")
    assert len(run.claims) == 4
    check_claims(run)
    orders = run.values["orders"]
    fifo = ["rebuild index", "serve request", "send e-mail", "log in"]
    assert orders["Queue"] == fifo
    assert orders["LifoQueue"] == fifo[::-1]
    assert orders["PriorityQueue"] == ["serve request", "log in", "send e-mail", fifo[0]]
    # shutdown() (or the sentinels) woke every blocked get at once, not at its timeout.
    assert run.values["stopped_within"] < 2


def test_thread_local_gives_each_thread_its_own_connection() -> None:
    run = example("03_threading/07_thread_local_data.py")
    assert len(run.claims) == 3
    check_claims(run)
    assert run.values["THREADS"] == 4 and run.values["REQUESTS_EACH"] > 1  # reuse shows
