"""06/04, exceptions in threads and pools: where a worker's exception goes."""

from __future__ import annotations

from example_runner import check_claims, example

PAGE = "06_futures/04_exceptions_in_threads_and_pools.py"


def test_a_threads_exception_comes_back_only_through_a_future() -> None:
    run = example(PAGE)
    # The failure (exit 0, join silent), two fixes (result(), a thread that keeps its
    # exception), map stopping at the first failure and cancelling, each future asked.
    assert len(run.claims) == 7
    check_claims(run)
    # The failed thread's traceback reached the page as text, not the page's stderr.
    assert "Exception in thread" in run.stdout
    # Each outcome in its task's place: the exception second, every result around it.
    outcomes = run.values["outcomes"]
    assert [outcomes[0], *outcomes[2:]] == [0, 4, 9, 16, 25]
    assert isinstance(outcomes[1], ValueError)
    # map stopped at task 1: no result of a later task was received.
    assert run.values["received"] == [0]
