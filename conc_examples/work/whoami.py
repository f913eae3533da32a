"""A tiny program that reports, as one JSON line, which process is running it.

Run it with ``python -m conc_examples.work.whoami``: the same file on disk becomes a new
process, with a new process ID, every time.
"""

from __future__ import annotations

import json
import os
import sys


def peak_memory() -> tuple[int | None, str]:
    """This process's peak resident memory in bytes, and where the figure comes from.

    On Linux it is ``VmHWM`` in ``/proc/self/status``: the peak of this process's own
    memory since it started this program.  ``getrusage``'s ``ru_maxrss`` would not do
    there: Linux carries it over ``fork`` and ``exec``, so a child started by a big
    parent reports the parent's memory (its size at the fork, or its peak after a
    ``vfork``) as its own.  Elsewhere (macOS, BSD) ``ru_maxrss`` is the only
    figure (in bytes on macOS, KiB elsewhere); Windows has no ``resource`` module.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024, "VmHWM in /proc/self/status"
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None, "not reported on this OS"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    unit = 1 if sys.platform == "darwin" else 1024
    return peak * unit, "ru_maxrss (may include what the parent used)"


if __name__ == "__main__":
    peak, source = peak_memory()
    print(
        json.dumps(
            {
                "pid": os.getpid(),
                "ppid": os.getppid(),
                "program": __file__,
                "peak_memory_bytes": peak,
                "peak_memory_source": source,
            }
        )
    )
