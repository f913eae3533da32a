"""07/10, what cancellation leaves behind: a skipped finally, lost shielded work,
workers that only Queue.shutdown() ends."""

from __future__ import annotations

import sys

from example_runner import check_claims, example

PAGE = "07_asyncio/10_what_cancellation_leaves_behind.py"


def test_cancellation_leaves_what_the_page_says() -> None:
    run = example(PAGE)
    # Before the first step (the leak, the fix), shield, the queue (stuck, shutdown).
    assert len(run.claims) == 5
    shutdown = run.claim("After shutdown() every worker")
    assert (shutdown.state != "not shown") == (sys.version_info >= (3, 13))
    # The fix's two tasks were cancelled at both moments, and closed what they opened.
    assert run.values["left_open"] == []
    check_claims(run)  # last: before 3.13 the shutdown claim is not shown, and skips
