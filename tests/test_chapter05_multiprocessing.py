"""Chapter 5 shows what it says: process basics, start methods, locks, pools, sharing.

Each page states its results as claims; these tests judge them and add what a claim
cannot say: how many each page makes, and the invariants behind them.
"""

from __future__ import annotations

import multiprocessing
import signal

from example_runner import check_claims, example


def test_children_are_named_joined_and_terminated() -> None:
    run = example("05_multiprocessing/01_process_basics.py")
    # Own pids, names, exit codes 0; terminate() gives -SIGTERM; the exit ends the daemon.
    assert len(run.claims) == 5
    assert run.values["exitcode_after_terminate"] == -signal.SIGTERM
    assert run.values["daemon_program_status"] == 0
    check_claims(run)


def test_start_methods_differ_in_cost_and_inheritance() -> None:
    run = example("05_multiprocessing/02_start_methods.py")
    # Cost and modules (where fork exists), inheritance, without and with the guard.
    fork = "fork" in multiprocessing.get_all_start_methods()
    assert len(run.claims) == (4 if fork else 2)
    assert run.values["inherited"]["spawn"]["setting"] == "as imported"
    check_claims(run)


def test_lock_keeps_lines_whole_and_logs_arrive_whole() -> None:
    run = example("05_multiprocessing/03_locks_and_logging.py")
    # Torn without the lock and whole with it; the library's log; six queued records.
    assert len(run.claims) == 3
    assert len(run.values["queued_lines"]) == 6
    check_claims(run)


def test_pool_methods_errors_pickling_and_chunksize() -> None:
    run = example("05_multiprocessing/04_pool.py")
    # map and imap_unordered, a timeout, a remote exception, pickling, two chunksizes.
    assert len(run.claims) == 6
    assert run.values["powers"] == [1024, 81, 1000]
    timings = run.values["timings"]
    assert list(timings) == ["1", "10", "100", str(run.values["default_chunk"])]
    check_claims(run)


def test_queue_carries_a_stream_and_a_joinable_batch() -> None:
    run = example("05_multiprocessing/05_queues.py")
    assert len(run.claims) == 3
    assert run.values["summary"] == {"items": 1000, "sum": sum(range(1000))}
    check_claims(run)


def test_pipe_echoes_and_copying_grows_with_size() -> None:
    run = example("05_multiprocessing/06_pipes.py")
    # The echo; 4 MB many times 100 B; 4 MB clearly more than 1 MB.
    assert len(run.claims) == 3
    assert all(len(t.runs) == 5 for t in run.values["round_trips"].values())
    check_claims(run)


def test_shared_counter_races_without_its_lock_and_block_is_shared() -> None:
    run = example("05_multiprocessing/07_shared_memory.py")
    assert len(run.claims) == 3
    assert run.values["before"] == list(range(1, 9))
    check_claims(run)


def test_managers_share_objects_on_localhost_behind_the_authkey() -> None:
    run = example("05_multiprocessing/08_managers.py")
    # The shared dict and list; the stack's order; localhost and the refused key.
    assert len(run.claims) == 3
    assert run.values["server_host"] == "127.0.0.1"
    check_claims(run)
