"""Ray for the "Beyond one machine" chapter: a local cluster, started quiet, stopped whole.

``ray.init()`` without an address starts a cluster on this machine: a GCS server (the
cluster's directory of nodes, tasks and actors), a raylet (this node's scheduler and
object store), a few agents, and one worker process per CPU you give it.  Ray's
defaults suit a long-lived cluster, not a page that starts one and stops it seconds
later, so :func:`start_local_ray` changes a few:

* every server on 127.0.0.1: Ray's own single-node mode (its default on macOS and
  Windows; on Linux it picks the address that other machines would reach);
* token authentication with a fresh random token in the environment of this cluster's
  processes, instead of one that Ray would save in ``~/.ray/auth_token``, and without
  Ray's warning that it turned authentication on;
* its session files in a temporary folder of its own, removed when it stops (under
  ``/tmp`` where there is one: Ray's socket paths must stay short);
* no dashboard, no usage statistics, no worker output copied to the page, and Ray's own
  log lines below ``ERROR`` dropped: they would land on stderr;
* a small object store (80 MiB; the default takes 30 % of the memory).

:meth:`LocalRay.close` calls ``ray.shutdown()`` and then checks (on Linux, from
``/proc``) that every process ``ray.init()`` started has gone.  Ray has wheels for
CPython 3.10 to 3.14 on Linux (x86-64, ARM64), macOS (ARM64) and Windows (x86-64);
elsewhere the page gets one line, :data:`MISSING`, and its claims say what was lacking.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from unittest import mock

from conc_examples.claims import MACHINE, Need
from conc_examples.measure.timing import Timing

__all__ = [
    "MISSING",
    "LocalRay",
    "RayLesson",
    "installed",
    "load",
    "needs_ray",
    "run_ray_lesson",
    "start_local_ray",
]

MISSING = (
    "Ray is not installed for this Python: pip install ray (wheels for CPython 3.10 to"
    " 3.14 on Linux x86-64 and ARM64, macOS ARM64 and Windows x86-64); the claims below"
    " are not shown"
)

# Ray's own loggers that write on stderr during ray.init (its "Started a local Ray
# instance" and the note that token authentication is on).
_RAY_LOGGERS = ("ray", "ray._private.authentication.authentication_token_setup")


def installed() -> bool:
    """Whether this Python has Ray, found without importing it."""
    return importlib.util.find_spec("ray") is not None


def load() -> ModuleType | None:
    """Return the ``ray`` module, or ``None`` where this Python has no Ray."""
    try:
        import ray
    except ImportError:
        return None
    return ray


def needs_ray() -> Need:
    """Ray installed for this Python: a claim about Ray needs it (the machine's lack)."""
    here = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    return Need(
        "Ray (pip install ray)",
        installed(),
        f"this {here} on {platform.system()} {platform.machine()} has none",
        MACHINE,
    )


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid``, read from ``/proc`` (Linux); elsewhere none."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = entry.read_text()
        except OSError:  # gone while we looked
            continue
        parents[int(entry.parent.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _running(pid: int) -> bool:
    """True while ``pid`` is a process that has not exited (a zombie has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class LocalRay:
    """A Ray cluster of this machine, as :func:`start_local_ray` started it.

    ``processes`` are the pids that ``ray.init()`` started (empty where ``/proc`` is
    missing); after :meth:`close`, ``left_running`` counts those still running 10 s
    after ``ray.shutdown()`` returned (they are then killed).
    """

    def __init__(self, ray: ModuleType, num_cpus: int, stack: ExitStack) -> None:
        self._ray, self._stack = ray, stack
        self.folder: str = stack.enter_context(_session_folder())  # gone after close()
        before = _descendants(os.getpid())
        context = ray.init(
            address="local",  # a new cluster, never one that RAY_ADDRESS names
            num_cpus=num_cpus,
            object_store_memory=80 * 1024**2,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
            logging_level=logging.ERROR,
            _temp_dir=self.folder,
        )
        self.gcs_address: str = context.address_info["gcs_address"]
        self.version: str = ray.__version__
        self.processes = sorted(_descendants(os.getpid()) - before)
        self.left_running = -1

    def __str__(self) -> str:
        started = f", {len(self.processes)} processes" if self.processes else ""
        return f"Ray {self.version}, GCS at {self.gcs_address}{started}"

    def close(self) -> None:
        """``ray.shutdown()``, then wait for its processes (10 s at most) and tidy up."""
        try:
            self._ray.shutdown()
            deadline = time.monotonic() + 10
            while any(map(_running, self.processes)) and time.monotonic() < deadline:
                time.sleep(0.05)
            survivors = [pid for pid in self.processes if _running(pid)]
            for pid in survivors:
                os.kill(pid, signal.SIGKILL)
            self.left_running = len(survivors)
        finally:
            self._stack.close()

    def __enter__(self) -> LocalRay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _session_folder:  # used like a function, in a `with`
    """A temporary folder for Ray's session files, short enough for its socket paths."""

    def __enter__(self) -> str:
        base = "/tmp" if os.name == "posix" and os.path.isdir("/tmp") else None
        self.path = tempfile.mkdtemp(prefix="ray-", dir=base)
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def start_local_ray(num_cpus: int = 2) -> LocalRay:
    """Start a quiet local Ray cluster with ``num_cpus`` worker CPUs, on 127.0.0.1.

    Use it in a ``with`` block, or call :meth:`LocalRay.close` when done.  The
    environment (the random token, no usage statistics, single-node mode) and the quiet
    loggers last until then.  Raises :exc:`ImportError` (with :data:`MISSING`) where
    Ray is not installed.
    """
    ray = load()
    if ray is None:
        raise ImportError(MISSING)
    stack = ExitStack()
    try:
        stack.enter_context(
            mock.patch.dict(
                os.environ,
                RAY_AUTH_TOKEN=secrets.token_hex(32),
                RAY_USAGE_STATS_ENABLED="0",
                RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0",
            )
        )
        # Ray turns token authentication on itself (RAY_AUTH_MODE, and its cached
        # config); it reads the single-node switch once, on import: set it here too.
        from ray._private import ray_constants

        if hasattr(ray_constants, "ENABLE_RAY_CLUSTER"):
            single_node = mock.patch.object(ray_constants, "ENABLE_RAY_CLUSTER", False)
            stack.enter_context(single_node)
        for name in _RAY_LOGGERS:
            logger = logging.getLogger(name)
            stack.callback(logger.setLevel, logger.level)
            logger.setLevel(logging.ERROR)
        return LocalRay(ray, num_cpus, stack)
    except BaseException:
        stack.close()
        raise


@dataclass(frozen=True)
class RayLesson:
    """What the Ray page's driver measured in its own process, for the page to show."""

    cluster: str  # "Ray 2.60.0, GCS at 127.0.0.1:PORT, 9 processes"
    startup_seconds: float  # ray.init()
    first_ref: str  # the repr of add_one.remote(1)
    first_result: int  # ray.get of it
    loop: Timing  # n tasks, ray.get in the loop, one run per round
    batch: Timing  # n tasks, all sent, then one ray.get of the list
    in_order: bool  # that one ray.get returned add_one(i) at position i
    processes: int  # started by ray.init() (0 where /proc is missing)
    left_running: int  # of those, still running 10 s after ray.shutdown()
    shutdown_seconds: float  # ray.shutdown(), and the wait for its processes


def run_ray_lesson(n: int = 200, *, timeout: float = 240) -> RayLesson:
    """Run the Ray page's driver (:mod:`conc_examples.engines.ray_driver`) in a Python
    of its own, ``n`` tasks each way, and return what it measured.

    Why a process of its own: a Ray driver keeps about ten native threads (gRPC's,
    and its GCS client's) after ``ray.shutdown()``, for the life of the process, and a
    process with threads must not fork.  The site builds every page in one process;
    later pages fork.  The driver's stderr is this process's; its result comes back
    as one line of JSON.  Raises :exc:`subprocess.TimeoutExpired` after ``timeout``.
    """
    command = [sys.executable, *(["-X", "dev"] if sys.flags.dev_mode else [])]
    command += ["-m", "conc_examples.engines.ray_driver", str(n)]
    child = subprocess.run(
        command, stdout=subprocess.PIPE, text=True, timeout=timeout, check=True
    )
    found = json.loads(child.stdout.splitlines()[-1])
    found["loop"], found["batch"] = Timing.of(found["loop"]), Timing.of(found["batch"])
    return RayLesson(**found)
