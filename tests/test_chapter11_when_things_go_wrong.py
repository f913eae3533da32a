"""Chapter 11 shows what it says: hangs located at the right lines, signals handled with
nothing left running, backpressure bounding memory, safe thread-loop calls, and tests
that stop depending on luck.

Each page states its findings as claims, which ``check_claims`` judges (py-spy's
claims are "not shown" where ptrace is not permitted; 3.14's call graph and
``map(buffersize=)`` before 3.14).  These tests add what a claim cannot say: how many
claims each page makes, and the structure behind them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from example_runner import EXAMPLES, check_claims, example

from conc_examples.claims import NOT_SHOWN
from conc_examples.trouble import hangs

CHAPTER = "11_when_things_go_wrong"


def line_of(path: Path, text: str) -> int:
    """The number of the one line of ``path`` that contains ``text``."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) == 1, f"{text!r} is on lines {hits} of {path.name}"
    return hits[0]


@pytest.mark.parametrize(
    ("page", "claims"),
    [
        ("01_a_deadlock_diagnosed.py", 4),
        ("02_ctrl_c_stops_a_pool.py", 5),
        ("03_sigterm_and_ctrl_c_in_asyncio.py", 2),
        ("04_ctrl_c_and_worker_threads.py", 3),
        ("05_a_hung_child_and_a_stuck_task.py", 7),
        ("06_backpressure.py", 4),
        ("07_threads_and_asyncio_together.py", 4),
        ("08_testing_concurrent_code.py", 3),
    ],
)
def test_each_page_makes_its_claims_and_they_hold(page: str, claims: int) -> None:
    run = example(f"{CHAPTER}/{page}")
    assert len(run.claims) == claims, [c.text for c in run.claims]
    check_claims(run)


def test_the_deadlock_is_found_at_both_acquire_lines() -> None:
    run = example(f"{CHAPTER}/01_a_deadlock_diagnosed.py")
    page = EXAMPLES / CHAPTER / "01_a_deadlock_diagnosed.py"
    expected = {
        ("a_then_b", line_of(page, "if lock_b.acquire(timeout=STUCK_FOR)")),
        ("b_then_a", line_of(page, "if lock_a.acquire(timeout=STUCK_FOR)")),
    }
    assert {(frame.function, frame.line) for frame in run.values["inside"]} == expected
    for line in sorted(n for _, n in expected):  # the printed dump names them
        assert f'01_a_deadlock_diagnosed.py", line {line} in' in run.stdout
    why_not = run.values["why_not"]
    assert why_not is None or "not installed" not in why_not  # the tests group has it
    if why_not is None:
        assert {(f.function, f.line) for f in run.values["outside"]} == expected
    else:
        assert why_not in run.stdout  # the page says so in one line and goes on
    standard_why_not = run.values["standard_why_not"]
    assert (standard_why_not is None) == (sys.version_info >= (3, 15)) or (
        "could not read" in standard_why_not  # 3.15 without ptrace permission
    )
    if standard_why_not is None:
        assert {(f.function, f.line) for f in run.values["standard"]} == expected
    else:
        assert standard_why_not in run.stdout


def test_the_hung_child_and_the_stuck_task_are_located() -> None:
    run = example(f"{CHAPTER}/05_a_hung_child_and_a_stuck_task.py")
    readlines = line_of(Path(hangs.__file__), "sys.stdin.readlines()")
    assert "still running after 0.5 s" in run.stdout
    inside = run.values["child_inside"]
    assert [(f.function, f.line) for f in inside] == [("count_lines", readlines)]
    page = EXAMPLES / CHAPTER / "05_a_hung_child_and_a_stuck_task.py"
    get_line = line_of(page, "while (item := await queue.get()) is not None")
    assert run.values["stuck_tasks"] == [("consumer", "consume", get_line)]
    graph = run.claim("The call graph")
    assert (graph.state == NOT_SHOWN) == (sys.version_info < (3, 14))
    pstree, why_not = run.values["pstree"], run.values["pstree_why_not"]
    if sys.version_info < (3, 14):
        assert pstree == "" and "new in Python 3.14" in why_not
    elif why_not is None:  # read from outside: the consumer's own tree, at its line
        assert pstree.splitlines()[0] == "└── (T) consumer"
        assert f"consume {page.name}:{get_line}" in pstree


def test_the_window_waits_and_the_queues_bound_what_waits() -> None:
    run = example(f"{CHAPTER}/06_backpressure.py")
    assert run.values["bounded_queue_largest"] <= 10 < run.values["unbounded_queue_largest"]
    buffersize = run.claim("map(buffersize=)")
    assert (buffersize.state == NOT_SHOWN) == (sys.version_info < (3, 14))
