"""03/08, what the built-in types guarantee when threads share them: one operation is
atomic, a read and a write in a row are not; check-then-act and a shared generator."""

from __future__ import annotations

from example_runner import check_claims, example

from conc_examples.measure.machine import gil_enabled


def test_one_operation_keeps_everything_two_in_a_row_lose_updates() -> None:
    run = example("03_threading/08_atomic_operations_of_builtins.py")
    # list and deque (nothing lost), get-then-set (lost), += with and without the GIL,
    # and the lock (nothing lost).
    assert len(run.claims) == 6
    # One of the two += claims is never shown on a given build: the other build's.
    with_gil = run.claim("With the GIL, the same count")
    without_gil = run.claim("Without the GIL, even +=")
    unshowable = without_gil if gil_enabled() else with_gil
    assert unshowable.state == "not shown" and "GIL" in unshowable.reason
    # The lock lost nothing however the threads took turns: no need, always shown.
    assert run.claim("A lock around").state == "held"
    check_claims(run)  # last: one += claim is never shown, and that skips


def test_check_then_act_and_a_shared_generator() -> None:
    run = example("03_threading/08_check_then_act.py")
    assert len(run.claims) == 4
    check_claims(run)
    # The fixes did all the work, once: every key fetched, every record read.
    assert sorted(run.values["fetched"]) == list(range(run.values["KEYS"]))
    assert run.values["locked_got"] == run.values["shared_got"] == 20_000
    # The bug fetched each key at least once too: it wasted work, it lost none.
    assert run.values["fetches_check_then_act"] >= run.values["KEYS"]
