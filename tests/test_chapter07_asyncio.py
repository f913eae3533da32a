"""Chapter 7 shows what it says: coroutines pause, waits overlap, a loop can be blocked."""

from __future__ import annotations

import itertools
import sys

from example_runner import check_claims, example


def test_coroutine_resumes_with_its_state_and_a_forgotten_one_warns() -> None:
    run = example("07_asyncio/01_coroutines_vs_subroutines.py")
    # Resumed with its state, two chains sharing a wait, the forgotten await's warning
    # and where debug mode says it was made.
    assert len(run.claims) == 4
    check_claims(run)
    assert run.values["steps"] == [
        "added 1, total so far 1",
        "added 2, total so far 3",
        "added 3, total so far 6",
    ]
    assert "add(5, 6) asks the server" not in run.stdout  # its body never ran


def test_running_the_loop() -> None:
    run = example("07_asyncio/02_running_the_event_loop.py")
    # The legacy pattern as this Python documents it (runs; warns from 3.12; raises
    # RuntimeError from 3.14), loops made and shared, and the refusal inside a loop.
    assert len(run.claims) == 3
    check_claims(run)
    legacy = run.values["legacy"]
    assert (legacy.returncode == 0) is (sys.version_info < (3, 14))
    assert run.values["no_current_loop"].startswith("There is no current event loop")


def test_gathered_waits_take_about_one_wait() -> None:
    run = example("07_asyncio/03_sync_vs_async_measured.py")
    # The tasks' waits overlapped on the timeline; timed: three waits one after
    # another, about one gathered, and over twice as fast.
    assert len(run.claims) == 4
    check_claims(run)
    values = run.values
    assert values["answers"]["one after another"] == values["answers"]["all at once"]
    spans = values["spans"]
    assert sorted({span.worker for span in spans}) == [
        "main task (one after another)",
        "task alice",
        "task bob",
        "task carol",
    ]
    # One task: three spans end to end.
    main = [s for s in spans if s.worker.startswith("main")]
    assert all(a.end <= b.start for a, b in itertools.pairwise(main))


def test_a_task_runs_while_its_maker_waits_and_is_kept_alive() -> None:
    run = example("07_asyncio/04_tasks_run_on_their_own.py")
    # When a task starts, two waits overlapping, the set of tasks, plain and eager.
    assert len(run.claims) == 5
    assert run.values["delivered"] == ["message 0", "message 1", "message 2"]
    assert run.claim("With eager tasks").held is (sys.version_info >= (3, 12))
    check_claims(run)  # skips before 3.12: eager tasks are not shown there


def test_gather_leaves_siblings_running_and_a_task_group_cancels_them() -> None:
    run = example("07_asyncio/05_when_a_task_fails.py")
    # gather's first error, its return_exceptions, the TaskGroup's cancellations.
    assert len(run.claims) == 3
    check_claims(run)


def test_cancel_cleans_up_and_timeouts_give_up() -> None:
    run = example("07_asyncio/06_cancellation_and_timeouts.py")
    # finally ran on cancel, both timeouts gave up, the shielded work completed.
    assert len(run.claims) == 3
    check_claims(run)
    assert set(run.values["gave_up_after"]) == {"asyncio.timeout", "asyncio.wait_for"}


def test_coordination_primitives() -> None:
    run = example("07_asyncio/07_queues_semaphores_events_locks.py")
    # Queue (each job once, waits overlapped), semaphore bound, event, lock.
    assert len(run.claims) == 4
    check_claims(run)
    assert len(run.values["done_by"]) == run.values["WORKERS"]  # every worker took jobs


def test_blocking_call_freezes_the_heartbeat() -> None:
    run = example("07_asyncio/08_never_block_the_loop.py")
    # Frozen by a blocking call, freed by a thread (sleep) and a process (CPU work,
    # if the ceiling probe found a second CPU free),
    # delayed by the GIL but not frozen by CPU work in a thread, and debug mode's
    # reports: every blocking step, none of the awaited sleep's.
    assert len(run.claims) == 7
    check_claims(run)
    lags = run.values["lags"]
    assert {job.split(" in ")[-1] for job in lags} == {
        "asyncio.sleep",
        "the loop",
        "a thread",
        "a process",
    }
    assert all(len(lag.runs) == 3 for lag in lags.values())
