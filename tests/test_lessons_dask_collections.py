"""10/05, Dask futures and collections: finishing order, one graph, a dropped future.

The page's claims judge the orders and counts; these tests add what a claim cannot say:
how many it makes, what the page kept in its globals, and that the helper it shows writes
what it returns.
"""

from __future__ import annotations

from pathlib import Path

from example_runner import check_claims, example

from conc_examples.engines.dask_tasks import note_line

PAGE = "10_beyond_one_machine/05_dask_delayed_and_as_completed.py"


def test_finishing_order_one_graph_and_the_dropped_future() -> None:
    run = example(PAGE)
    # as_completed's order; the graph's tasks each run once; the dropped future's task.
    assert len(run.claims) == 3
    check_claims(run)
    # Submitted longest first; the page's own lengths, so the order is the lesson's.
    assert run.values["lengths"] == [0.3, 0.05, 0.15]
    # Four squares and their sum: the count the claim reads comes from the graph.
    assert run.values["total_value"] == 14
    assert sorted(run.values["ran"]) == ["slow_square"] * 4 + ["sum"]
    # The ledger the page read before closing already lacked the dropped task's line.
    assert "dropped" not in run.values["lines"]
    # The cluster ran in this process: no worker process was left to find.
    assert run.values["protocol"] == "inproc"


def test_note_line_appends_what_it_returns_and_only_waits_for_after(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    assert note_line(str(ledger), "first") == "first"
    # The results in ``after`` are not written: they only order the task after others.
    assert note_line(str(ledger), "second", 0.2, "ignored") == "second"
    assert ledger.read_text(encoding="utf-8").splitlines() == ["first", "second"]
