"""Start Celery workers with the ``celery`` command line, and stop (or kill) them.

A worker is a program of its own, started the way you would start it on another
machine: ``celery -A conc_examples.engines.celery_tasks:app worker``.  Each runs in a
session of its own, so that killing it kills its pool's children too, as a machine that dies
takes all its processes.  Start-up is the slow part (importing Celery, connecting,
forking the pool), so the workers start side by side and skip the cluster chatter they
do not need here (``--without-gossip --without-mingle --without-heartbeat``).  What the
workers print goes to a log file: a page shows what its own process learns.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

from celery import Celery

from conc_examples.engines.redis_server import ENV_VAR

__all__ = ["Workers", "start_workers"]

_TASKS = (
    "conc_examples.engines.celery_tasks:app"  # the module a worker imports, and its app
)


def _stop(processes: dict[str, subprocess.Popen[bytes]], timeout: float) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: finish, then exit
    for process in processes.values():
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


class Workers:
    """Running workers by name (``a@localhost`` ...); :meth:`close` stops them all."""

    def __init__(self, processes: dict[str, subprocess.Popen[bytes]], log: str) -> None:
        self.processes = processes
        self.log = log
        self._finalizer = weakref.finalize(self, _stop, processes, 10.0)

    def kill(self, name: str) -> None:
        """SIGKILL worker ``name`` and its pool: no warm shutdown, no goodbye."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_workers(
    app: Celery, names: list[str], *, concurrency: int = 1, timeout: float = 60.0
) -> Workers:
    """Start one prefork worker per name; return once every one answers a ping."""
    descriptor, log_name = tempfile.mkstemp(prefix="celery-workers-", suffix=".log")
    env = {**os.environ, ENV_VAR: app.conf.broker_url}
    processes = {}
    with open(descriptor, "wb") as log:
        for name in names:
            command = [sys.executable, "-m", "celery", "-A", _TASKS, "worker"]
            command += ["--pool=prefork", f"--concurrency={concurrency}"]
            command += ["-n", name, "--loglevel=WARNING"]
            command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            processes[name] = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                start_new_session=True,
            )  # fmt: skip
    workers = Workers(processes, log_name)
    weakref.finalize(workers, os.unlink, log_name)
    deadline = time.monotonic() + timeout
    waiting = set(names)
    while waiting and time.monotonic() < deadline:
        if died := [n for n in waiting if processes[n].poll() is not None]:
            workers.close()
            tail = Path(log_name).read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Celery worker {died[0]} exited at start-up:\n{tail}")
        for reply in app.control.ping(destination=sorted(waiting), timeout=0.2):
            waiting -= set(reply)
    if waiting:
        workers.close()
        raise RuntimeError(f"Celery workers {sorted(waiting)} did not start in {timeout} s")
    return workers
