"""A tiny program that reports, as one JSON line, which process is running it.

Run it with ``python -m conc_examples.work.whoami``: the same file on disk becomes a new
process, with a new process ID, every time.
"""

from __future__ import annotations

import json
import os
import sys


def peak_memory_bytes() -> int | None:
    """Peak resident memory of this process (POSIX only; Linux counts in KiB)."""
    try:
        import resource
    except ImportError:  # Windows has no resource module
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


if __name__ == "__main__":
    print(
        json.dumps(
            {
                "pid": os.getpid(),
                "ppid": os.getppid(),
                "program": __file__,
                "peak_memory_bytes": peak_memory_bytes(),
            }
        )
    )
