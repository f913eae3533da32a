"""The convoy effect's two sides: a thread doing tiny I/O, and a thread that only computes.

A thread that waits for I/O drops the :term:`GIL`; when the answer comes, it must take
the GIL back before it can run a single line.  If a CPU-bound thread holds it, the I/O
thread waits until the holder is asked to let go, up to a whole switch interval
(:func:`sys.getswitchinterval`), for every operation (CPython issue 7946).  These
helpers are the two sides of that measurement.  :func:`spin` also runs in a child
process, so it lives in this importable module.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from conc_examples.measure.timeline import Span
from conc_examples.work.workloads import cpu_bound

__all__ = ["Activity", "echo_server", "first", "ping", "spin"]


@dataclass(frozen=True)
class Activity:
    """What a worker did for ``seconds``: one span per operation (round trip, chunk)."""

    spans: list[Span]
    seconds: float

    @property
    def rate(self) -> float:
        """Operations per second."""
        return len(self.spans) / self.seconds


# The echo runs in a child process, so that it needs nothing from this process's GIL:
# only the thread being measured waits for it.
_ECHO_CHILD = """
import socket, sys, time
delay = float(sys.argv[1])
with socket.create_server(("127.0.0.1", 0)) as server:
    print(server.getsockname()[1], flush=True)
    server.settimeout(30)
    connection, _ = server.accept()
with connection:
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while data := connection.recv(64):
        if delay:
            time.sleep(delay)
        connection.sendall(data)
"""


@contextmanager
def echo_server(delay: float = 0.0, timeout: float = 10.0) -> Iterator[socket.socket]:
    """A TCP connection on 127.0.0.1 to a child process that echoes every byte.

    Leaving the block closes the connection, which ends the child's loop; a child
    still running after ``timeout`` is killed.
    """
    child = subprocess.Popen(
        [sys.executable, "-c", _ECHO_CHILD, str(delay)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            yield sock
    finally:
        try:
            child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()


def ping(sock: socket.socket, seconds: float, worker: str = "I/O thread") -> Activity:
    """Send one byte and wait for its echo, again and again for ``seconds``."""
    spans = []
    start = time.perf_counter()
    deadline = start + seconds
    while (now := time.perf_counter()) < deadline:
        sock.sendall(b"x")
        if sock.recv(1) != b"x":
            raise ConnectionError("the echo did not come back")
        spans.append(Span(worker, "round trip", now, time.perf_counter()))
    return Activity(spans, time.perf_counter() - start)


def spin(seconds: float, chunk: int, worker: str = "CPU thread") -> Activity:
    """Run ``cpu_bound(chunk)`` again and again for ``seconds``: pure Python, GIL held."""
    spans = []
    start = time.perf_counter()
    deadline = start + seconds
    while (now := time.perf_counter()) < deadline:
        cpu_bound(chunk)
        spans.append(Span(worker, "chunk", now, time.perf_counter()))
    return Activity(spans, time.perf_counter() - start)


def first(
    activity: Activity, seconds: float, worker: str, *, since: Activity | None = None
) -> list[Span]:
    """The spans of the first ``seconds``, moved to start at 0, on a row named ``worker``.

    Time 0 is the first span of ``since`` (default: of ``activity`` itself), so runs
    measured one after another can be drawn one above the other, and two activities
    that ran side by side keep their places.
    """
    spans = (since or activity).spans
    origin = spans[0].start if spans else 0.0
    return [
        Span(worker, s.task, s.start - origin, s.end - origin)
        for s in activity.spans
        if s.start - origin >= 0.0 and s.end - origin <= seconds
    ]
