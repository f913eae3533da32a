"""The convoy effect's two sides: a thread doing tiny I/O, and a thread that only computes.

A thread that waits for I/O drops the :term:`GIL`; when the answer comes, it must take
the GIL back before it can run a single line.  If a CPU-bound thread holds it, the I/O
thread waits until the holder is asked to let go, up to a whole switch interval
(:func:`sys.getswitchinterval`), for every operation (CPython issue 7946).  These
helpers are the two sides of that measurement.  :func:`spin` also runs in a child
process, so it lives in this importable module.

``python -m conc_examples.measure.convoy SECONDS CHUNK DELAY`` runs the two side by side
in a process of its own: :func:`gil_profile` profiles that process with Python 3.15's
sampling profiler in its GIL mode, which records a thread only while it holds the GIL.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conc_examples.claims import CPU_TAKEN, Need, too_old
from conc_examples.measure.timeline import Span
from conc_examples.work.workloads import cpu_bound

__all__ = [
    "Activity",
    "GilProfile",
    "echo_server",
    "first",
    "gil_profile",
    "ping",
    "quiet_pace",
    "spin",
]


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


@dataclass(frozen=True)
class GilProfile:
    """Samples per thread ("I/O thread", "CPU thread") in which it held the GIL, or why
    no profile could be taken (``why_not``)."""

    held: Counter[str]
    why_not: str | None = None

    @property
    def taken(self) -> Need:
        """What a claim on the profile needs: a profile at all (Python 3.15+)."""
        return Need(
            "Python 3.15+ (profiling.sampling --mode gil)",
            self.why_not is None,
            str(self.why_not),
        )

    def __str__(self) -> str:
        threads = ("CPU thread", "I/O thread")
        return self.why_not or "samples holding the GIL: " + ", ".join(
            f"{thread} {self.held[thread]}" for thread in threads
        )


def gil_profile(
    seconds: float, chunk: int, delay: float, timeout: float = 60.0
) -> GilProfile:
    """Profile :func:`spin` and :func:`ping` side by side for ``seconds`` in a child.

    ``python -m profiling.sampling run --mode gil -a`` (Python 3.15+) samples the child
    a thousand times a second; its collapsed output is one line per distinct stack,
    ``tid:N;file:function:line;... COUNT``.  A profiler still running after ``timeout``
    is killed, and the profile says so.
    """
    if why := too_old((3, 15), "profiling.sampling"):
        return GilProfile(Counter(), why)
    with tempfile.TemporaryDirectory() as folder:
        stacks = Path(folder, "stacks.txt")
        try:
            done = subprocess.run(
                [
                    sys.executable, "-m", "profiling.sampling", "run", "--mode", "gil",
                    "-a", "--collapsed", "-o", str(stacks),
                    "-m", __name__, str(seconds), str(chunk), str(delay),
                ],
                capture_output=True, text=True, timeout=timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:  # run() has killed and reaped it
            return GilProfile(Counter(), f"profiling.sampling ran over {timeout:.0f} s")
        if done.returncode != 0 or not stacks.exists():
            why = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
            return GilProfile(Counter(), f"profiling.sampling could not profile: {why[-1]}")
        lines = stacks.read_text().splitlines()
    held: Counter[str] = Counter()
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if ":ping:" in stack:
            held["I/O thread"] += int(count)
        elif ":spin:" in stack:
            held["CPU thread"] += int(count)
    return GilProfile(held)


def quiet_pace(interval: float, *alone: Activity) -> Need:
    """What a claim that times the I/O thread needs: a lone I/O thread that made over 20
    round trips per switch ``interval``.

    Beside a CPU thread each round trip waits up to an interval, so the slowdown is at
    most the round trips made alone in one; a tenfold slowdown needs well over ten.
    When other work takes the CPUs, the OS makes even the lone thread wait.
    """
    pace = min(each.rate for each in alone) * interval
    seen = f"alone it made {pace:.1f} round trips per switch interval (20 needed)"
    return Need("an I/O thread that the OS runs at once", pace > 20, seen, CPU_TAKEN)


def _side_by_side(seconds: float, chunk: int, delay: float) -> None:
    """The page's measurement without the page: one thread spins while this one pings."""
    computing = threading.Thread(target=spin, args=(seconds, chunk), name="CPU thread")
    with echo_server(delay) as sock:
        computing.start()
        try:
            ping(sock, seconds)
        finally:
            computing.join(timeout=seconds + 30)


if __name__ == "__main__":
    _side_by_side(float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
