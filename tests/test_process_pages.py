"""The pages whose start method matters: the tests' list and the forced build's agree."""

from __future__ import annotations

import re

import pytest
from example_runner import EXAMPLES, discover, start_methods_for
from process_pages import filename_pattern, starts_processes


def test_pages_that_start_processes_through_a_helper_are_found() -> None:
    # Both start processes only inside a conc_examples helper they import.
    assert starts_processes(EXAMPLES / "09_benchmarking/05_how_this_site_measures.py")
    assert starts_processes(EXAMPLES / "05_multiprocessing/09_how_many_cpus.py")
    assert not starts_processes(EXAMPLES / "07_asyncio/01_coroutines_vs_subroutines.py")


def test_a_forced_build_executes_exactly_the_pages_the_tests_run_per_start_method(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CONC_EXAMPLES_START_METHOD", raising=False)
    pattern = re.compile(filename_pattern(EXAMPLES.glob("*/*.py")))
    executed = {script for script in discover() if pattern.search(str(script))}
    per_method = {script for script in discover() if start_methods_for(script) != [None]}
    assert executed == per_method
    assert 0 < len(executed) < len(discover())
