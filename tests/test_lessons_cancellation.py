"""07/09, cancellation swallowed and done right: who waits for a swallowed cancel."""

from __future__ import annotations

import sys

from example_runner import check_claims, example

PAGE = "07_asyncio/09_cancellation_swallowed.py"


def test_a_swallowed_cancellation_holds_up_the_group_and_the_timeout() -> None:
    run = example(PAGE)
    # The bug twice (a TaskGroup waits, a timeout is powerless), the fix, and
    # uncancel(): the pending count, 3.13's re-cancel, and the count put right.
    assert len(run.claims) == 6
    # The swallowing worker was cancelled exactly once, by the group, and carried on.
    assert run.values["stubborn_log"].count("cancelled") == 1
    # The fixed worker ended far sooner than the swallowing one.
    assert run.values["group_seconds_fixed"] < run.values["group_seconds"]
    check_claims(run)  # last: before 3.13 one claim is not shown, and that skips


def test_the_recancel_claim_is_shown_from_python_3_13() -> None:
    run = example(PAGE)
    recancel = run.claim("Without uncancel(), a failing TaskGroup")
    assert (recancel.state != "not shown") == (sys.version_info >= (3, 13))
