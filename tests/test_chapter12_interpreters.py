"""Chapter 12, interpreters: parallel Python in one process on 3.13+, and what it costs.

The interpreter claims need Python 3.13+ (the PEP 734 backport; 3.14's standard
library): on 3.11-3.12 the pages must say so instead.  Speed-ups are asserted only where
the machine showed a free second CPU in the same rounds (the ceiling): on a busy shared
machine two of anything may get one CPU between them.
"""

from __future__ import annotations

import sys

import pytest
from example_runner import example

from conc_examples.measure.machine import gil_enabled
from conc_examples.work.subinterpreters import MISSING
from conc_examples.work.workloads import cpu_bound

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


def test_threads_and_processes_are_measured_on_every_python() -> None:
    values = example(PARALLEL).values
    assert {"threads", "processes"} <= set(values["gains"])
    # Processes can only beat threads where the machine had a second CPU to give.
    if values["ceiling"].speedup > 1.6:
        assert values["gains"]["processes"] > values["gains"]["threads"]
        if gil_enabled():  # "two threads give about 1x" (1.09x in a quiet run here)
            # A wall-clock ratio of two short runs: 1.51 was read once under load, and two
            # threads in parallel would read ~1.9, so the bar is 1.6.
            assert values["gains"]["threads"] < 1.6


@needs_interpreters
def test_the_page_says_where_the_interpreters_come_from() -> None:
    expected = "concurrent" if sys.version_info >= (3, 14) else "interpreters_backport"
    assert f"interpreters from: {expected}." in example(PARALLEL).stdout


@needs_interpreters
def test_two_interpreters_do_twice_the_work_of_one() -> None:
    values = example(PARALLEL).values
    assert values["has_interpreters"]
    gains, ceiling = values["gains"], values["ceiling"].speedup
    if ceiling < 1.6:
        pytest.skip(f"no free second CPU in these rounds (ceiling {ceiling:.2f}x)")
    # 2.1x was measured here on 3.13.0 on a quiet machine; the ceiling is ~1.5-2x.
    assert gains["interpreters"] > 1.3
    assert gains["interpreters"] > 0.75 * ceiling
    assert gains["interpreters"] > gains["threads"] + 0.2


@needs_interpreters
def test_only_shareable_values_cross_and_the_queue_brings_the_answer() -> None:
    values = example(SHARING).values
    shareable = values["shareable"]
    for name in ("42", "1.5", "'text'", "b'bytes'", "(1, 'a')", "None"):
        assert shareable[name], name
    assert not shareable["[1, 2]"]
    assert not shareable["{'a': 1}"]
    assert any(name.startswith("Queue") and ok for name, ok in shareable.items())
    assert values["answer"] == cpu_bound(100_000)
    assert "refused" in values  # prepare_main raised NotShareableError for the list
    assert values["interpreters_left"] == 1  # the worker was closed: only the main one


def test_start_up_costs_thread_then_interpreter_then_spawned_process() -> None:
    start_ms = example(SHARING).values["start_ms"]
    assert start_ms["thread"] < start_ms["process (spawn)"]
    if sys.version_info >= (3, 13):
        assert start_ms["thread"] < start_ms["interpreter"] < start_ms["process (spawn)"]
