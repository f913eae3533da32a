"""Chapter 8 shows what it says: one session reuses one connection, a careful client's
limits, timeouts and retries, concurrent requests near the latency bound, file
descriptors bounded by a semaphore, the listen-backlog stall and its fix, coroutines
lighter than threads, and a crawler that finds exactly the pages reachable in the
generated site."""

from __future__ import annotations

from example_runner import check_claims, example

CLIENT = "08_aiohttp/01_client_and_server.py"
CAREFUL = "08_aiohttp/02_limits_timeouts_retries.py"
RETRIES = "08_aiohttp/02_retries_and_backoff.py"
THREE_WAYS = "08_aiohttp/03_sequential_threads_coroutines.py"
MANY = "08_aiohttp/04_how_many_at_once.py"
BACKLOG = "08_aiohttp/05_listen_backlog.py"
LIGHTER = "08_aiohttp/06_coroutines_lighter_than_threads.py"
CRAWLER = "08_aiohttp/07_web_crawler.py"
WORKERS = "08_aiohttp/08_crawler_workers.py"


def test_one_session_reuses_one_connection() -> None:
    run = example(CLIENT)
    # Redirects and the stream; fifty connections against one.
    assert len(run.claims) == 2
    check_claims(run)
    assert run.values["hops"] == ["/redirect/3", "/redirect/2", "/redirect/1"]


def test_connection_limit_makes_waves_and_timeouts_fire() -> None:
    run = example(CAREFUL)
    # limit=5: five connections in waves; limit=20: twenty at once (a count, which load
    # cannot change, where "sooner" could); the timeout gave up at its time.
    assert len(run.claims) == 3
    check_claims(run)


def test_retries_only_what_may_succeed_and_only_idempotent_requests() -> None:
    run = example(RETRIES)
    # The policy's outcome and attempts per request, Retry-After honoured, and the
    # middleware (not shown before aiohttp 3.12).
    assert len(run.claims) == 3
    policy = run.values["POLICY"]
    # The cases the policy must cover: 503 retried to success and to the end, 429 and
    # 408 retried, a Retry-After longer than the cap, 404 and POST never retried.
    assert policy["GET", "/flaky/demo/2"] == ("ok", 3)
    assert policy["GET", "/status/503"] == ("gave up: 503", 4)
    assert policy["GET", "/status/404"] == ("gave up: 404", 1)
    assert policy["POST", "/flaky/order/1"] == ("gave up: 503", 1)
    assert policy["GET", "/flaky/later/1?status=503&retry_after=60"] == ("gave up: 503", 1)
    failing = {path.split("status=")[1][:3] for _, path in policy if "status=" in path}
    assert failing == {"429", "408", "503"}
    check_claims(run)


def test_threads_and_coroutines_beat_sequential_requests() -> None:
    run = example(THREE_WAYS)
    # A full delay per sequential request; threads and coroutines near one delay.
    assert len(run.claims) == 3
    check_claims(run)
    # No client can beat the server's delay.
    assert all(t.min >= run.values["DELAY"] for t in run.values["timings"].values())


def test_hundred_requests_at_once_and_their_file_descriptors() -> None:
    run = example(MANY)
    # A few delays for a hundred requests, two descriptors each, and the semaphore's
    # bound on them (not shown where open files cannot be counted).
    assert len(run.claims) == 3
    check_claims(run)
    # No burst can beat the server's delay: the bound is a bound.
    assert all(t.min >= run.values["DELAY"] for t in run.values["bursts"].values())


def test_bigger_backlog_removes_the_syn_retry_stall() -> None:
    run = example(BACKLOG)
    # Requests over a second on backlog 128; the bigger backlog removed the stall and
    # the drops (not shown where somaxconn caps it, or without the Linux counter).
    assert len(run.claims) == 3
    check_claims(run)


def test_coroutines_are_lighter_than_threads() -> None:
    run = example(LIGHTER)
    # All alive at once; a thread slower to start and heavier in Python objects, and
    # its resident memory and reserved stack (not shown without /proc).
    assert len(run.claims) == 4
    check_claims(run)
    assert run.values["alive"] == {"coroutine": 5_000, "thread": 500}


def test_crawler_finds_exactly_the_reachable_pages_once_and_stops() -> None:
    run = example(CRAWLER)
    # Exactly the map's reachable set, one fetch per URL, the limit and the timeouts.
    assert len(run.claims) == 3
    check_claims(run)
    hurried = run.values["hurried"]
    assert set(hurried.errors.values()) >= {"timeout"} and not hurried.unfinished


def test_more_workers_crawl_faster_but_not_below_the_work_alone() -> None:
    run = example(WORKERS)
    # 4 and 16 workers faster than 1, 16 several times faster, the clock cut far
    # more than the CPU time, and no crawl under the least CPU time.
    assert len(run.claims) == 4
    check_claims(run)
    assert list(run.values["timings"]) == ["1 worker", "4 workers", "16 workers"]
    # One thread: no crawl's wall time under its own CPU time.
    timings, cpu_times = run.values["timings"], run.values["cpu_times"]
    assert all(timings[k].min >= cpu_times[k].min * 0.99 for k in timings)
