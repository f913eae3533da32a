"""05/09, how many CPUs: what each count sees, and the pools sized from them."""

from __future__ import annotations

import os
import sys

from example_runner import check_claims, example

from conc_examples.work.cpu_counts import cpu_counts

PAGE = "05_multiprocessing/09_how_many_cpus.py"


def test_cpu_counts_reports_this_process() -> None:
    counts = cpu_counts()
    assert counts["os.cpu_count()"] == os.cpu_count()
    if hasattr(os, "sched_getaffinity"):
        assert counts["CPUs allowed"] == len(os.sched_getaffinity(0))
    # No count is larger than the machine's, and a process pool has at least a worker.
    assert 1 <= counts["process pool"] <= (os.cpu_count() or 1)
    assert counts["thread pool"] == min(32, counts["process pool"] + 4)


def test_the_page_counts_cpus_four_ways() -> None:
    run = example(PAGE)
    # cpu_count against affinity, the pools' rule, process_cpu_count (3.13),
    # PYTHON_CPU_COUNT (3.13), and the container's quota.
    assert len(run.claims) == 5
    for text in ("os.process_cpu_count() counted", "PYTHON_CPU_COUNT overrode"):
        shown = run.claim(text).state != "not shown"
        assert shown == (sys.version_info >= (3, 13) and sys.platform == "linux"), text
    # The page's own process (not narrowed) was allowed every CPU it was started with.
    as_started = run.values["answers"]["as started"]
    assert as_started["os.cpu_count()"] == os.cpu_count()
    check_claims(run)  # last: a claim this Python or machine cannot show skips
