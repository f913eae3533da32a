"""Chapter 6 shows what it says: processes scale, futures behave, pools recover.

The pages state their results as claims; these tests judge them and add what a claim
cannot say: how many each page makes, and invariants of the measurement.
"""

from __future__ import annotations

from example_runner import check_claims, example


def test_processes_scale_to_the_ceiling_and_threads_do_not() -> None:
    run = example("06_futures/01_threads_vs_processes.py")
    # Threads at most one CPU, and no sooner with two; processes close to the ceiling,
    # and sooner than threads (the last three need a free second CPU).
    assert len(run.claims) == 4
    scaling = run.values["scaling"]
    assert scaling.ceiling is not None and len(scaling.shares) == scaling.rounds
    # The baseline is the best round of one worker: no pool starts above 1x.
    one_worker = [scaling.speedup(kind, 1) for kind in scaling.timings]
    assert max(one_worker) == 1.0
    assert run.values["speedup_2_processes"] == scaling.speedup("ProcessPoolExecutor", 2)
    check_claims(run)


def test_futures_complete_wait_cancel_and_fail() -> None:
    run = example("06_futures/02_futures_api.py")
    # as_completed, wait(FIRST_COMPLETED), cancel, a timeout, an exception, recycling.
    assert len(run.claims) == 6
    assert run.values["order"] == [0.1, 0.2, 0.3]
    assert run.values["pids"][::2] == run.values["pids"][1::2]
    check_claims(run)


def test_broken_pool_recovers_with_every_item_done_once() -> None:
    run = example("06_futures/03_when_a_worker_dies.py")
    # The killed task and the refused submit; the crash fails item 7 and the pending
    # ones, and nothing else; the retry finishes them; every item exactly once.
    assert len(run.claims) == 5
    failed, done = run.values["failed"], run.values["done"]
    assert 7 in failed and sorted(done) == run.values["ITEMS"]
    check_claims(run)
