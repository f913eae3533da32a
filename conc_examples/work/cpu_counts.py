"""What this Python counts as its CPUs, and the pool sizes it derives from them.

Run it as ``python -m conc_examples.work.cpu_counts [CPU]``: it prints one JSON line.
Given a CPU number (Linux), it first narrows itself to that one CPU with
:func:`os.sched_setaffinity`, as ``taskset -c CPU`` would from outside.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def cpu_counts() -> dict[str, int | None]:
    """The counts Python offers, and the default size of each pool (read from the
    pools' private ``_max_workers``, only to show it; no worker is started)."""
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    process_cpu_count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    with ProcessPoolExecutor() as processes, ThreadPoolExecutor() as threads:
        return {
            "os.cpu_count()": os.cpu_count(),
            "CPUs allowed": None if allowed is None else len(allowed),
            "os.process_cpu_count()": process_cpu_count() if process_cpu_count else None,
            "process pool": processes._max_workers,
            "thread pool": threads._max_workers,
        }


if __name__ == "__main__":
    if len(sys.argv) > 1:
        os.sched_setaffinity(0, {int(sys.argv[1])})  # run on this one CPU only
    print(json.dumps(cpu_counts()))
