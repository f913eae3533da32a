"""Chapter 12, the convoy effect: one CPU-bound thread slows another thread's every I/O.

The slowdown needs the CPU thread to take the GIL while the I/O thread waits for its
answer, and the I/O thread to be run at once when its answer comes: 30-35x was
measured here on a quiet machine, ~7x at a load average of 17 on 2 vCPUs, where the
OS's run queue, not the GIL, decides who runs.  The page measures that precondition
in the same run (the round trips the I/O thread makes alone in one switch interval)
and its timing claims need it, so under load they are "not shown" instead of wrong.
"""

from __future__ import annotations

import sys

from example_runner import check_claims, example

from conc_examples.claims import NOT_SHOWN

CONVOY = "12_many_interpreters/03_the_convoy_effect.py"


def test_the_convoy_and_its_two_fixes_as_the_page_claims() -> None:
    run = example(CONVOY)
    # The slowdown (GIL) or its absence (free-threaded), the GIL-mode profile (3.15+),
    # the process fix, the shorter interval's gain and its price.
    assert len(run.claims) == 6
    gil_on = run.values["gil_on"]
    with_gil = run.claim("One CPU-bound thread slowed")
    without_gil = run.claim("Without the GIL")
    assert (without_gil if gil_on else with_gil).state == NOT_SHOWN
    profile = run.claim("In a GIL-mode profile")
    assert (profile.state == NOT_SHOWN) == (sys.version_info < (3, 15) or not gil_on)
    assert run.values["SHORT_INTERVAL"] == run.values["DEFAULT_INTERVAL"] / 10
    check_claims(run)


def test_every_interval_got_the_same_rounds_and_the_default_came_back() -> None:
    values = example(CONVOY).values
    assert [len(r) for r in values["rounds"].values()] == [3, 3]
    # Round trips and chunks were counted while both threads ran.
    assert all(io.spans and cpu.spans for r in values["rounds"].values() for io, cpu in r)
    assert "switch interval 5.0 ms" in example(CONVOY).stdout
