"""Chapter 8 shows what it says: concurrent requests near the latency bound, the
listen-backlog stall and its fix, coroutines lighter than threads, and a crawler that
finds exactly the pages reachable in the generated site."""

from __future__ import annotations

import pytest
from example_runner import example

from conc_examples.webserver import generate_site

CLIENT = "08_aiohttp/01_client_and_server.py"
MANY = "08_aiohttp/02_how_many_at_once.py"
CRAWLER = "08_aiohttp/03_web_crawler.py"


def test_one_session_reuses_one_connection() -> None:
    records = example(CLIENT).records
    assert records["connections[a session per request]"] == 50
    assert records["connections[one session]"] == 1


def test_connection_limit_makes_waves_and_timeouts_fire() -> None:
    records = example(CLIENT).records
    # limit=5: twenty 0.1 s requests cannot finish in fewer than four waves.
    assert records["limited_seconds[5]"] >= 0.39
    assert records["limited_seconds[20]"] < records["limited_seconds[5]"]
    assert 0.19 <= records["timeout_waited"] < 0.9
    assert records["gave_up_status"] == 503


def test_threads_and_coroutines_beat_sequential_requests() -> None:
    records = example(CLIENT).records
    assert records["ratio_sequential"] >= 9.9  # ten requests, one delay each
    for ratio in (records["ratio_threads"], records["ratio_coroutines"]):
        assert 1.0 <= ratio < 5.0
        assert ratio < records["ratio_sequential"] / 2


def test_hundred_concurrent_requests_take_about_one_delay() -> None:
    # The figure is 1.6x in a quiet build; the margin absorbs a busy machine.
    ratio = example(MANY).records["ratio_100"]
    assert 1.0 <= ratio < 5.0


def test_bigger_backlog_removes_the_syn_retry_stall() -> None:
    records = example(MANY).records
    if records["default_overflows"] is None:
        pytest.skip("the dropped SYNs are counted, and the trap checked, on Linux only")
    assert records["default_overflows"] > 0
    # Zero on a quiet machine; the counter is system-wide, so a test-suite running
    # beside this one can add to it: assert the direction only.
    assert records["fixed_overflows"] < records["default_overflows"]
    default, fixed = records["default_backlog_runs"], records["fixed_backlog_runs"]
    # Dropped SYNs are retried after one second: no run with backlog 128 beats that.
    assert min(default) >= 0.95
    # Best runs compared: on a busy machine the CPU work of 1000 requests hides part
    # of the stall in the medians.
    assert min(fixed) < min(default)


def test_coroutines_are_lighter_than_threads() -> None:
    records = example(MANY).records
    assert records["alive_coroutines"] == 10_000
    assert records["alive_threads"] == 1_000
    assert records["time_ratio_thread_over_coroutine"] > 1.5
    assert records["objects_ratio_thread_over_coroutine"] > 1.5
    if "thread_resident_kib" in records:
        assert records["thread_resident_kib"] > 4  # at least a page of stack each
        assert records["thread_address_space_mib"] > 0.5  # a stack reserved for each


@pytest.fixture(scope="module")
def crawl() -> dict:
    return example(CRAWLER).records


def test_crawler_finds_exactly_the_reachable_pages(crawl) -> None:
    expected = generate_site().reachable()
    assert set(crawl["found_pages"]) == expected.pages
    assert set(crawl["found_redirects"]) == expected.redirects
    assert set(crawl["found_errors"]) == expected.errors
    assert set(crawl["found_non_html"]) == expected.non_html
    assert set(crawl["found_malformed"]) == expected.malformed
    assert set(crawl["skipped"]) == expected.external


def test_crawler_fetches_each_url_once(crawl) -> None:
    distinct = (
        len(crawl["found_pages"])
        + len(crawl["found_redirects"])
        + len(crawl["found_errors"])
        + len(crawl["found_non_html"])
    )
    assert crawl["requests"] == distinct


def test_crawler_limit_timeout_and_workers(crawl) -> None:
    assert crawl["limited_requests"] == 50
    assert crawl["timeouts_with_short_timeout"] > 0
    assert crawl["speedup_many_workers"] > 1.5
    assert crawl["floor_seconds"] > 0


@pytest.mark.parametrize("script", [CLIENT, MANY, CRAWLER])
def test_examples_leave_no_session_socket_or_task(script) -> None:
    # The run is under -X dev and PYTHONASYNCIODEBUG=1: an unclosed session or socket
    # is a ResourceWarning, a pending task an error log, all on stderr.
    run = example(script)
    for sign in ("Unclosed", "ResourceWarning", "Task was destroyed", "never awaited"):
        assert sign not in run.stderr
