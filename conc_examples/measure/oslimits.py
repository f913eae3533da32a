"""How many files a process holds and may hold, and its memory: one call each.

The network and thread examples ask the operating system small questions (how many
file descriptors are open now, what is the soft limit, how much memory is resident).
The answers come from :mod:`resource` (POSIX) and ``/proc`` (Linux); where the
system has neither, the functions return ``None`` and the page says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from conc_examples.claims import Need

__all__ = [
    "memory_bytes",
    "needs_open_file_count",
    "open_files",
    "open_files_limit",
    "raise_open_files_limit",
]

_STATM = Path("/proc/self/statm")


def open_files() -> int | None:
    """How many file descriptors this process has open now (Linux, macOS)."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return len(os.listdir(folder)) - 1  # minus the one listdir itself opened
        except OSError:
            continue
    return None


def needs_open_file_count(counted: int | None) -> Need:
    """A count of this process's open files (``counted``, from :func:`open_files`)."""
    return Need(
        "a count of open files (/proc/self/fd or /dev/fd: Linux, macOS)",
        counted is not None,
        "this system has neither",
    )


def open_files_limit() -> tuple[int, int] | None:
    """The soft and hard ``RLIMIT_NOFILE`` (``ulimit -n``); None without :mod:`resource`."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def raise_open_files_limit(needed: int) -> int | None:
    """Raise the soft open-files limit to ``needed`` (at most the hard limit).

    A process may raise its own soft limit up to the hard one without privileges.
    Returns the soft limit now in force, or None where there is no such limit.
    """
    limits = open_files_limit()
    if limits is None:
        return None
    import resource

    soft, hard = limits
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return soft
    new_soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
    return new_soft


def memory_bytes() -> tuple[int, int] | None:
    """Address space and resident memory of this process, in bytes (Linux)."""
    try:
        size, resident = _STATM.read_text().split()[:2]
    except OSError:
        return None
    page = os.sysconf("SC_PAGE_SIZE")
    return int(size) * page, int(resident) * page
