"""Chapter 10 shows what it says: real engines redeliver, reschedule, cost, and stall."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from example_runner import EXAMPLES, example

from conc_examples.engines.celery_tasks import VISIBILITY_TIMEOUT
from conc_examples.engines.redis_server import ENV_VAR

CELERY = "10_beyond_one_machine/01_celery_on_redis.py"
DASK = "10_beyond_one_machine/02_dask_distributed.py"
COSTS = "10_beyond_one_machine/03_what_a_task_costs.py"
GEVENT = "10_beyond_one_machine/04_gevent_green_threads.py"
SQUARES = [i * i for i in range(10)]


def test_celery_sends_retries_groups_chords_and_limits() -> None:
    values = example(CELERY).values
    assert values["first_result"] == 5
    # Three failures, then success on the fourth attempt, after waits of 0.1, 0.2, 0.4 s.
    assert values["flaky_attempts"] == 4
    waits = values["retry_waits"]
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):
        assert wait >= 0.1 * 2**attempt - 0.01
    assert waits[2] > waits[0]
    assert values["group_result"] == SQUARES
    assert values["chord_result"] == sum(SQUARES)
    assert values["time_limit_outcome"].startswith("interrupted by the soft time limit")


def test_celery_task_of_a_killed_worker_runs_again_on_the_other() -> None:
    values = example(CELERY).values
    killed, survivor = values["killed_worker"], values["redelivered_to"]
    assert {killed, survivor} == {"a@localhost", "b@localhost"}
    lines = values["ledger_lines"]
    # Started on the killed worker, started again on the survivor, finished once, there.
    assert [line.split()[:2] for line in lines] == [
        ["started", killed],
        ["started", survivor],
        ["finished", survivor],
    ]
    # Redis hands the task out again only after its visibility timeout.
    assert VISIBILITY_TIMEOUT - 0.6 <= values["redelivery_seconds"] < 20


def test_dask_mirrors_the_executor_and_reschedules_a_killed_task() -> None:
    values = example(DASK).values
    squares = SQUARES[:8]
    for name in ("pool_results", "dask_results", "mapped", "remote_results"):
        assert values[name] == squares, name
    workers = values["worker_addresses"]
    assert len(workers) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
    killed, finished_by = values["killed_pid"], values["finished_by"]
    assert killed != finished_by
    assert values["ledger_lines"] == [
        f"started pid {killed}",
        f"started pid {finished_by}",
        f"finished pid {finished_by}",
    ]
    assert values["reschedule_seconds"] < 20
    assert values["workers_after"] == 2  # the nanny restarted the killed worker


def test_a_pool_is_cheapest_per_task_and_the_engines_catch_up() -> None:
    values = example(COSTS).values
    latency, throughput = values["latency_ms"], values["tasks_per_second"]
    over_ideal = values["over_ideal"]
    pool = "process pool"
    seen = f"latency {latency}, throughput {throughput}, over ideal {over_ideal}"
    for engine in ("Celery + Redis", "Dask"):
        # Tiny tasks: the engine's round trip and throughput are several times worse
        # (quiet: Celery 9.8x, Dask 11x the pool's round trip; under -X dev on a busy
        # machine Celery read 2.8x once, so the bar is 2x).
        assert latency[engine] > 2 * latency[pool], seen
        assert throughput[pool] > 2 * throughput[engine], seen
        # The crossover: the engine's cost per task stops mattering as tasks grow.  Its
        # time over the ideal falls by half or more from 2 ms to 80 ms tasks, and its gap
        # to the pool narrows.  (Quiet 2-vCPU machine: Celery 5.4x -> 1.13x, Dask 4.1x ->
        # 1.10x; at load average 12 Celery read 17x -> 2.8x, so no absolute bound.)
        smallest, largest = over_ideal[engine][0], over_ideal[engine][-1]
        assert smallest > 1.5 * over_ideal[pool][0], seen
        assert largest < smallest / 2, seen
        assert largest / over_ideal[pool][-1] < smallest / over_ideal[pool][0], seen
    assert over_ideal[pool][-1] < 1.6, seen
    assert set(values["startup"]) == {pool, "Celery + Redis", "Dask"}


def test_gevent_overlaps_like_threads_and_asyncio_until_a_greenlet_blocks() -> None:
    values = example(GEVENT).values
    assert values["green"]["interleaving"] == ["a0", "b0", "a1", "b1", "a2", "b2"]
    assert values["green"]["patched_socket"] is True
    sequential = 100 * 0.1
    for name in ("threads", "coroutines", "greenlets"):
        # All 100 waits overlap: far less than one after another (10 s).
        assert values[name].median < sequential / 3, name
    # A greenlet that never yields stalls the loop for its whole 0.3 s.
    for name in ("hashing_stall", "c_sleep_stall"):
        assert values[name] >= 0.29, name
        assert values[name] > values["longest_stall"], name


@pytest.mark.parametrize("page", [CELERY, COSTS])
def test_without_redis_server_one_clear_line(page: str, tmp_path) -> None:
    env = {**os.environ, "PATH": str(tmp_path), "MPLBACKEND": "Agg"}
    env.pop(ENV_VAR, None)
    script = EXAMPLES / page
    child = subprocess.run(
        [sys.executable, "-X", "dev", str(script)],
        cwd=script.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 1
    lines = child.stderr.strip().splitlines()
    assert len(lines) == 1, child.stderr
    assert "apt-get install redis-server" in lines[0]
    assert ENV_VAR in lines[0]
    assert "Traceback" not in child.stderr
