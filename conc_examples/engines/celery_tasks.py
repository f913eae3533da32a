"""The Celery app and the tasks of the "Beyond one machine" chapter.

A Celery worker finds its tasks by importing a module by name (``celery -A
conc_examples.engines.celery_tasks:app worker``), so the tasks live here, not on a
page.  The settings are the ones a page explains:

* JSON only, for arguments and results: a worker that accepts pickle runs whatever code
  a message names, so anyone who can write to the broker can run code on every worker.
* ``task_acks_late``: a task is acknowledged when it has finished, not when it was
  received, so a task whose worker dies is delivered again (at least once).  Celery's
  default acknowledges a task just *before* it runs: a worker killed mid-task then loses
  it (at most once).
* ``task_retry_on_worker_lost`` (Celery 5.7): a task whose pool process dies while the
  worker lives (a crash, the OOM killer) is sent again as a retry, so it counts against
  the task's ``max_retries`` and fails when they run out.  The older
  ``task_reject_on_worker_lost`` requeues it instead, with no count: a task that kills its
  process comes back for ever.
* ``worker_prefetch_multiplier=1``: a worker holds one task at a time, so a dead worker
  takes only its running task down with it.
* A visibility timeout of 1.5 s on the Redis transport: Redis has no acknowledgements of
  its own, so a task not acknowledged within that time is handed out again.  Real
  deployments use hours; a task that runs longer than it is delivered twice, and so is
  a task whose ETA or countdown (a retry's too) lies further ahead than the timeout: the
  worker holds it unacknowledged until then.  Redis counts no deliveries, so a task that
  kills its whole worker comes back after every timeout: :func:`ledger_step` counts its
  own starts and gives up after :data:`MAX_STARTS`.
* A worker waits at most 0.1 s at a time for a message (``polling_interval``, Redis's
  ``BRPOP`` timeout, 1 s by default), so it notices a stop request within 0.1 s: a warm
  shutdown takes about 0.6 s here instead of 1.0 s (0.5 s of it is a sleep in Celery's
  prefork pool).

The broker URL comes from :data:`conc_examples.engines.redis_server.ENV_VAR` in a
worker, and from :func:`make_app` in the program that sends tasks.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from celery import Celery, shared_task
from celery.exceptions import Reject, SoftTimeLimitExceeded

from conc_examples.engines.redis_server import ENV_VAR
from conc_examples.work.ledger import append_line

__all__ = [
    "add",
    "backoff",
    "flaky",
    "ledger_step",
    "make_app",
    "nap",
    "overrun",
    "square",
    "total",
]

VISIBILITY_TIMEOUT = 1.5
MAX_STARTS = 3  # a task that kills its worker is tried this often, then dropped


def make_app(broker_url: str) -> Celery:
    """A Celery app on ``broker_url`` (Redis: broker and result backend in one)."""
    app = Celery("conc_examples", broker=broker_url, backend=broker_url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_retry_on_worker_lost=True,  # counted against max_retries, unlike reject
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "unacked_restore_interval": 0.5,  # look for abandoned tasks twice a second
            "unacked_restore_throttle": 1,
            "polling_interval": 0.1,  # see the module's docstring
        },
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


def __getattr__(name: str) -> Celery:
    # The worker's app, made on first use: importing this module to send tasks must
    # not need the environment variable, only a worker does.
    if name == "app":
        globals()["app"] = worker_app = make_app(os.environ[ENV_VAR])
        return worker_app
    raise AttributeError(name)


@shared_task
def add(x: int, y: int) -> int:
    """The smallest task: its cost is all messaging."""
    return x + y


@shared_task
def nap(seconds: float) -> float:
    """A task that takes ``seconds`` (waiting, so the ideal time is exact)."""
    time.sleep(seconds)
    return seconds


def backoff(retries: int, base: float = 0.1) -> float:
    """Seconds before retry number ``retries + 1``: doubling, with jitter.

    The ceiling doubles with each retry (0.1, 0.2, 0.4 s ...); the wait is a random
    point in its upper half, so a hundred tasks that failed together do not all come
    back at the same moment (a stampede) and each still waits at least half.
    """
    ceiling = base * 2**retries
    return random.uniform(ceiling / 2, ceiling)


@shared_task(bind=True, max_retries=5)
def flaky(self, failures: int, ledger: str) -> int:
    """Fail the first ``failures`` attempts, as a flaky network call would; retry each.

    Each attempt writes its time to ``ledger``; the wait before a retry is
    :func:`backoff`, which doubles.
    """
    with open(ledger, "a") as file:
        file.write(f"{time.time()}\n")
    if self.request.retries < failures:
        error = ConnectionError(f"attempt {self.request.retries + 1} failed")
        raise self.retry(exc=error, countdown=backoff(self.request.retries))
    return self.request.retries + 1


@shared_task
def square(x: int) -> int:
    return x * x


@shared_task
def total(values: list[int]) -> int:
    """The chord's callback: runs once, after every task of the group has finished."""
    return sum(values)


@shared_task
def overrun(seconds: float) -> str:
    """Run for ``seconds`` unless the soft time limit interrupts it first."""
    try:
        time.sleep(seconds)
    except SoftTimeLimitExceeded:
        return "interrupted by the soft time limit: cleaned up and gave up"
    return "finished"


@shared_task(bind=True, max_retries=MAX_STARTS - 1)
def ledger_step(self, ledger: str, seconds: float) -> str:
    """Write "started" to ``ledger``, work ``seconds``, write "finished".

    The ledger is the task's side effect: a task delivered twice writes twice.  It is
    also the task's count of its own starts: after :data:`MAX_STARTS` it drops the
    message rather than kill yet another worker.
    """
    path = Path(ledger)
    if path.exists() and path.read_text().count("started") >= MAX_STARTS:
        raise Reject(f"started {MAX_STARTS} times already", requeue=False)
    worker = f"{self.request.hostname} pid {os.getpid()}"
    append_line(path, f"started {worker}\n")  # appears whole
    time.sleep(seconds)
    append_line(path, f"finished {worker}\n")
    return self.request.hostname
