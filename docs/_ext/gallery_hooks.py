"""Hooks that sphinx-gallery calls around every example.

Examples run one after another inside the Sphinx process, so anything one of them
leaves running (a thread printing late, a child process, a pool) would disturb the
next one's output and timings.  The build fails instead, naming the example.
"""

from __future__ import annotations

import multiprocessing
import threading
import time

_GRACE_SECONDS = 5.0


def _leftovers() -> list[str]:
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    children = [p.name for p in multiprocessing.active_children()]
    return [f"thread {name!r}" for name in threads] + [
        f"process {name!r}" for name in children
    ]


def check_nothing_left_running(gallery_conf: dict, fname: str, when: str) -> None:
    """After an example, wait briefly for stragglers, then fail if any remain."""
    if when != "after":
        return
    deadline = time.monotonic() + _GRACE_SECONDS
    while (left := _leftovers()) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        raise RuntimeError(f"{fname} left these running: {', '.join(left)}")
