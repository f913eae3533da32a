"""A throwaway Redis server for the Celery pages: loopback only, nothing on disk.

A task queue needs a broker, a server of its own.  The pages start Debian's
``redis-server`` themselves, so the site builds offline and no example touches a Redis
you care about: bound to 127.0.0.1 on a port the OS picks, protected mode on, no
snapshots and no append-only file, its working folder a temporary one.  The server is
stopped when the page closes it, and at interpreter exit if the page never got there.

A reader without ``redis-server`` gets one line (how to install it, and the environment
variable :data:`ENV_VAR` that points the page at a Redis they already run) and exit
status 1, not a traceback: :class:`RedisMissing` is a :exc:`SystemExit`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import weakref
from pathlib import Path

__all__ = ["ENV_VAR", "RedisMissing", "RedisServer", "start_redis"]

ENV_VAR = "CONC_EXAMPLES_REDIS_URL"

_HOW_TO_GET_IT = (
    "This page needs redis-server: install it (Debian/Ubuntu: apt-get install"
    " redis-server; macOS: brew install redis), or set"
    f" {ENV_VAR}=redis://HOST:PORT/0 to use a Redis server you already run."
)


class RedisMissing(SystemExit):
    """No ``redis-server`` and no :data:`ENV_VAR`: one line and exit status 1."""

    def __init__(self) -> None:
        super().__init__(_HOW_TO_GET_IT)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes], folder: tempfile.TemporaryDirectory) -> None:
    if process.poll() is None:
        process.terminate()  # with nothing to save, Redis exits at once on SIGTERM
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    folder.cleanup()


class RedisServer:
    """A running ``redis-server`` child (or the reader's own, from :data:`ENV_VAR`)."""

    def __init__(self, url: str, process: subprocess.Popen[bytes] | None = None) -> None:
        self.url = url
        self.process = process
        self._finalizer: weakref.finalize | None = None

    def close(self) -> None:
        """Stop the server we started (a server from :data:`ENV_VAR` is left alone)."""
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_redis(timeout: float = 10.0) -> RedisServer:
    """Start ``redis-server`` on 127.0.0.1, wait until it answers PING, return it.

    If :data:`ENV_VAR` is set, nothing is started: the URL it names is used.
    """
    if url := os.environ.get(ENV_VAR):
        return RedisServer(url)
    program = shutil.which("redis-server")
    if program is None:
        raise RedisMissing()
    for _attempt in range(3):  # a free port can be taken before Redis binds it
        folder = tempfile.TemporaryDirectory(prefix="conc-redis-")
        port = _free_port()
        command = [program, "--bind", "127.0.0.1", "--port", str(port)]
        command += ["--protected-mode", "yes", "--save", "", "--appendonly", "no"]
        command += ["--dir", folder.name, "--logfile", str(Path(folder.name, "log"))]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        server = RedisServer(f"redis://127.0.0.1:{port}/0", process)
        server._finalizer = weakref.finalize(server, _stop, process, folder)
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if _answers_ping(port):
                return server
            time.sleep(0.02)
        log = Path(folder.name, "log")
        reason = log.read_text(errors="replace")[-500:] if log.exists() else ""
        server.close()
    raise RuntimeError(f"redis-server did not start within {timeout} s: {reason}")
