"""Chapter 12, interpreters: parallel Python in one process on 3.13+, and what it costs.

The pages state their results as claims; ``check_claims`` judges them (a claim that
needs interpreters skips on 3.11-3.12, one that needs a free second CPU skips under
load).  These tests add what a claim cannot say: how many claims each page makes, that
a Python without interpreters says so in one line, and where the API came from.
"""

from __future__ import annotations

import sys

import pytest
from example_runner import check_claims, example

from conc_examples.claims import HELD, NOT_SHOWN
from conc_examples.work.subinterpreters import MISSING

PARALLEL = "12_many_interpreters/01_parallel_in_one_process.py"
SHARING = "12_many_interpreters/02_what_crosses_and_what_it_costs.py"
needs_interpreters = pytest.mark.skipif(
    sys.version_info < (3, 13), reason="interpreters from Python code need 3.13+"
)


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13+ has interpreters")
def test_before_3_13_the_pages_say_what_they_need() -> None:
    for page in (PARALLEL, SHARING):
        run = example(page)
        assert not run.values["has_interpreters"]
        assert MISSING in run.stdout
        about_interpreters = [c for c in run.claims if "nterpreter" in c.text]
        assert about_interpreters
        assert all(c.state == NOT_SHOWN for c in about_interpreters)
        assert all("Python 3.13+" in c.reason for c in about_interpreters)


def test_threads_interpreters_and_processes_against_the_ceiling() -> None:
    run = example(PARALLEL)
    # CPUs busy: threads at most one, interpreters more; sooner than threads:
    # processes, interpreters; interpreters close to the ceiling, and not above it.
    assert len(run.claims) == 6
    assert set(run.values["busy"]) >= {"threads"}
    # Every round timed every pool: the per-round ratios compare like with like.
    rounds = {len(timing.runs) for timing in run.values["timings"].values()}
    assert rounds == {5}
    check_claims(run)


@needs_interpreters
def test_the_page_says_where_the_interpreters_come_from() -> None:
    expected = "concurrent" if sys.version_info >= (3, 14) else "interpreters_backport"
    assert f"interpreters from: {expected}." in example(PARALLEL).stdout


def test_what_crosses_between_interpreters_and_what_starting_one_costs() -> None:
    run = example(SHARING)
    # Shareable values; the answer on the queue; a list copied or refused; its own
    # GIL; closed; a thread before a spawned process; an interpreter in between.
    assert len(run.claims) == 7
    assert run.claim("A thread started faster").state == HELD  # 3.11+: no need
    check_claims(run)


@needs_interpreters
def test_the_list_stayed_ours_and_only_shareable_values_are_shareable() -> None:
    values = example(SHARING).values
    shareable = values["shareable"]
    for name in ("42", "1.5", "'text'", "b'bytes'", "(1, 'a')", "None"):
        assert shareable[name], name
    assert any(name.startswith("Queue") and ok for name, ok in shareable.items())
    assert values["mine"] == [1, 2]
    # 3.14 copies the list by pickle (the copy came back appended); the 3.13 backport
    # refuses it: then nothing came back.
    if sys.version_info >= (3, 14):
        assert values["came_back"] == [1, 2, 3]
    else:
        assert values["came_back"] == "nothing: refused"
