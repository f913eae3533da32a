"""09/07, latency percentiles: the nearest-rank helper, the two load generators, the page.

The page's claims are judged as every page's are; these tests add the helper's
arithmetic (which ranks it picks), what the generators send (how many requests, timed
from when), and what the page measured beside its claims.
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
import os

import pytest
from aiohttp import web
from example_runner import check_claims, example

from conc_examples.measure.latency import (
    PERCENTILES,
    Latencies,
    closed_loop,
    cpu_per_request,
    open_loop,
    percentile,
)
from conc_examples.measure.loop_costs import loop_costs
from conc_examples.web.webserver import serve

PAGE = "09_benchmarking/07_latency_percentiles.py"


# --- the percentile helper -------------------------------------------------------------


def test_percentile_is_the_nearest_rank() -> None:
    samples = list(range(1, 101))  # 1..100: the p-th percentile is p itself
    for p in (1, 25, 50, 90, 99, 100):
        assert percentile(samples, p) == p
    assert percentile(samples, 0.5) == 1  # above 0: the smallest sample
    assert percentile(samples, 99.5) == 100  # rounds up to the next rank


def test_percentile_sorts_and_never_interpolates() -> None:
    samples = [0.3, 0.1, 0.2, 0.4]
    assert percentile(samples, 50) == 0.2  # rank 2 of 4, not 0.25 between two
    assert percentile(samples, 51) == 0.3
    assert percentile(samples, 100) == max(samples)
    assert samples == [0.3, 0.1, 0.2, 0.4]  # the caller's list is left as it was


def test_percentile_ranks_are_exact_for_round_counts() -> None:
    # 99 % of 200 is rank 198 exactly (a float product could give 198.00000000000003).
    samples = list(range(200))
    assert percentile(samples, 99) == 197
    assert percentile(list(range(1000)), 99.9) == 998
    assert percentile(list(range(400)), 99) == 395  # the page's "5th slowest of 400"
    assert percentile([7.0], 1) == percentile([7.0], 100) == 7.0


@pytest.mark.parametrize("p", [0, -1, 100.5, math.nan])
def test_percentile_refuses_p_out_of_range(p: float) -> None:
    with pytest.raises(ValueError, match="p must be"):
        percentile([1.0, 2.0], p)


def test_percentile_refuses_no_samples() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)


def test_latencies_summarise_their_samples() -> None:
    latencies = Latencies("test", tuple(i / 1000 for i in range(1, 101)), duration=0.5)
    assert latencies.p50 == 0.05 and latencies.p99 == 0.099 and latencies.max == 0.1
    assert latencies.rate == 200
    assert latencies.slower_than(0.09) == 10
    assert [latencies.at(p) for p in PERCENTILES] == [0.05, 0.09, 0.099, 0.1, 0.1]
    assert str(latencies) == (
        "test: 100 requests at 200/s; p50 50.0 ms, p99 99.0 ms, max 100.0 ms"
    )


# --- the load generators against a local server ---------------------------------------


def _app(answered: list[float], stall: float = 0.0) -> web.Application:
    """Answers at once; the third request (the warm-up is the first) stalls the lock."""
    lock = asyncio.Lock()

    async def answer(request: web.Request) -> web.Response:
        async with lock:
            answered.append(asyncio.get_running_loop().time())
            if len(answered) == 3:
                await asyncio.sleep(stall)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", answer)
    return app


def _load(generator: str, stall: float) -> tuple[Latencies, list[float]]:
    answered: list[float] = []

    async def main() -> Latencies:
        async with serve(_app(answered, stall)) as url:
            if generator == "closed":
                return await closed_loop(f"{url}/", clients=2, rate=100, duration=0.3)
            return await open_loop(f"{url}/", rate=100, duration=0.3)

    return asyncio.run(main(), debug=False), answered


@pytest.mark.parametrize("generator", ["closed", "open"])
def test_generators_send_rate_times_duration_requests(generator: str) -> None:
    latencies, answered = _load(generator, stall=0.0)
    assert len(latencies.seconds) == 30
    assert len(answered) == 31  # and one warm-up request, not measured
    assert all(0 <= s < 5 for s in latencies.seconds)
    assert latencies.duration >= 0.29  # the last request was due at 0.29 s


def test_only_the_open_loop_counts_the_queue_behind_a_stall() -> None:
    stall = 0.2  # 20 requests fall due at 100/s while the lock is held
    closed, _ = _load("closed", stall)
    opened, _ = _load("open", stall)
    # Both see the stalled request itself...
    assert closed.max >= stall and opened.max >= stall
    # ...but the closed loop's two clients wait through it once each (the other client
    # queued behind the lock), while the open loop's requests due meanwhile all wait.
    assert closed.slower_than(stall / 2) <= 2
    assert opened.slower_than(stall / 2) >= 5


def test_cpu_per_request_counts_this_thread() -> None:
    async def main() -> float:
        async with serve(_app([])) as url:
            return await cpu_per_request(f"{url}/", requests=20)

    per_request = asyncio.run(main(), debug=False)
    assert 0 < per_request < 0.05  # some CPU, far less than 50 ms of it


# --- the chart ------------------------------------------------------------------------


def test_percentiles_chart_draws_each_load_on_a_log_axis() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from conc_examples.charts.latency_charts import percentiles_chart

    fast = Latencies("fast", tuple(0.001 for _ in range(100)), 1.0)
    slow = Latencies("slow", (0.001,) * 90 + (0.1,) * 10, 1.0)
    fig = percentiles_chart([fast, slow], stall=0.1, title="test")
    try:
        (ax,) = fig.axes
        assert ax.get_yscale() == "log"
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            "p50",
            "p90",
            "p99",
            "p99.9",
            "max",
        ]
        assert len(ax.patches) == 2 * len(PERCENTILES)
        assert "nearest-rank" in ax.get_ylabel()
    finally:
        plt.close(fig)
    with pytest.raises(ValueError):
        percentiles_chart([], stall=0.1, title="none")


def test_loop_costs_run_in_a_child_and_name_an_unknown_loop() -> None:
    threads_before = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc") else 0
    figures = loop_costs(["asyncio"], rounds=2, requests=5, timeout=60)
    assert list(figures) == ["asyncio"] and len(figures["asyncio"]) == 2
    assert all(0 < seconds < 0.1 for seconds in figures["asyncio"])
    if threads_before:  # the child's loop threads died with it
        assert len(os.listdir("/proc/self/task")) == threads_before
    with pytest.raises(RuntimeError, match="unknown event loop 'tokio'"):
        loop_costs(["tokio"], rounds=1, requests=1, timeout=60)


# --- the page --------------------------------------------------------------------------


def test_the_page_shows_coordinated_omission() -> None:
    run = example(PAGE)
    # Both saw the stall; the p99s; the slow answers counted; uvloop's CPU per request.
    assert len(run.claims) == 4
    values = run.values
    closed, opened = values["closed"], values["opened"]
    turns = round(values["RATE"] * values["SECONDS"])
    assert len(closed.seconds) == len(opened.seconds) == turns
    # The same schedule: the closed loop's clients caught up after the stall.
    assert (
        closed.duration < values["SECONDS"] + 1 and opened.duration < values["SECONDS"] + 1
    )
    # uvloop measured where it installs (the page runs on this test's Python).
    uvloop_claim = run.claim("With uvloop")
    if importlib.util.find_spec("uvloop") is None:
        assert uvloop_claim.state == "not shown" and uvloop_claim.lacking == "machine"
        assert set(values["cpu_seconds"]) == {"asyncio"}
    else:
        assert set(values["cpu_seconds"]) == {"asyncio", "uvloop"}
    assert all(len(runs) == 7 for runs in values["cpu_seconds"].values())
    check_claims(run)
