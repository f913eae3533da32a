"""Start threads on the same work at the same moment, switching as often as possible.

Chapter 3's pages on what shared built-in objects guarantee run the same few threads
against each other; :func:`run_threads` is that set-up, shown on the first of them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def run_threads(work: Callable[[], object], threads: int = 4) -> None:
    """Run ``work`` in ``threads`` threads released together by a barrier, with the
    switch interval at one microsecond (restored afterwards) so races show sooner."""
    start_together = threading.Barrier(threads)
    default_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        workers = [
            threading.Thread(target=lambda: (start_together.wait(5), work()))
            for _ in range(threads)
        ]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(timeout=30)
    finally:
        sys.setswitchinterval(default_interval)
