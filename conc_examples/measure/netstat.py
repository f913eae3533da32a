"""What the kernel counts about TCP listen queues (Linux), for the network examples.

A page asks one question (how many connection attempts did a full listen queue turn
away?) and gets one number; the parsing of ``/proc`` lives here.  On a system without
``/proc/net/netstat`` (macOS, Windows) every function returns ``None``.
"""

from __future__ import annotations

from pathlib import Path

from conc_examples.claims import Need

__all__ = ["listen_overflows", "needs_backlog", "needs_overflow_count", "somaxconn"]

_NETSTAT = Path("/proc/net/netstat")
_SOMAXCONN = Path("/proc/sys/net/core/somaxconn")


def listen_overflows() -> int | None:
    """Linux's ``TcpExt: ListenOverflows``: packets dropped on a full accept queue.

    It counts both kinds of drop: a client's SYN (the client sends it again after 1 s,
    then 2 s, then 4 s) and the last ACK of a handshake (the client believes it is
    connected; its first data is sent again after about 200 ms, and that completes
    the handshake).  The counter covers the whole machine, not one process.
    """
    try:
        text = _NETSTAT.read_text()
    except OSError:
        return None
    lines = [line.split() for line in text.splitlines()]
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names and names[0] == "TcpExt:":
            counters = dict(zip(names[1:], values[1:], strict=True))
            if "ListenOverflows" in counters:
                return int(counters["ListenOverflows"])
    return None


def somaxconn() -> int | None:
    """``net.core.somaxconn``, the kernel's cap on any listen backlog (Linux)."""
    try:
        return int(_SOMAXCONN.read_text())
    except (OSError, ValueError):
        return None


def needs_backlog(backlog: int) -> Need:
    """A kernel that grants a listen backlog of ``backlog`` (``net.core.somaxconn``)."""
    cap = somaxconn()
    return Need(
        f"a listen backlog of {backlog} (net.core.somaxconn at least that)",
        cap is None or cap >= backlog,
        f"net.core.somaxconn is {cap}: raise it, as root, to see it",
    )


def needs_overflow_count(count: int | None) -> Need:
    """Linux's count of packets dropped on full listen queues (``count`` from
    :func:`listen_overflows`, or None where the system has no such counter)."""
    return Need(
        "the kernel's ListenOverflows counter (/proc/net/netstat, Linux)",
        count is not None,
        "this system has no /proc/net/netstat",
    )
