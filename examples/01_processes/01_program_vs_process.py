"""
A program on disk, a process in memory
======================================

A *program* is a file: bytes on a disk that do nothing by themselves.  A *process* is
what the operating system makes when it runs that file: the code loaded into memory,
plus everything needed to run it (a process ID, a parent, memory for its data, open
files, a share of the CPUs).  One program can become many processes, each with an
identity of its own.
"""

# %%
# The program
# -----------
# The program you will run is a Python module of a few dozen lines in the
# ``conc_examples`` package:
#
# .. literalinclude:: /../conc_examples/work/whoami.py
#    :lines: 1-
#
# On disk it is only this many bytes:

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

program = Path(importlib.util.find_spec("conc_examples.work.whoami").origin)
print(f"program: conc_examples/{program.name}, {program.stat().st_size:,} bytes on disk")

# %%
# Two runs, two processes
# -----------------------
# Run the same file twice.  Each run is a new process: the OS gives it a fresh process
# ID (``pid``).  Both are children of this process, so both report this process's pid
# as their parent's (``ppid``).  ``subprocess.run`` waits for the child and captures
# what it prints, so this page can print it: a child's own output would not reach the
# page.


def run_program() -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "conc_examples.work.whoami"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(done.stdout)


runs = [run_program(), run_program()]
print(f"this process:  pid {os.getpid()}")
for number, run in enumerate(runs, start=1):
    print(f"run {number}: pid {run['pid']}, parent pid {run['ppid']}")

# %%
# Two pids and one parent are the structure this page claims; the pids themselves are
# whatever the OS had free at that moment, so they change on every build.

from conc_examples.claims import claim

pids = {run["pid"] for run in runs}
claim(
    "The same program, run twice, became two different processes",
    len(pids) == 2,
    measured=f"pids {sorted(pids)}",
    expected="two different pids",
)
claim(
    "Both processes were children of this process",
    all(run["ppid"] == os.getpid() for run in runs),
    measured=f"parent pids {[run['ppid'] for run in runs]}, this process {os.getpid()}",
    expected="both equal to this process's pid",
)

# %%
# A process is much bigger than its program
# -----------------------------------------
# The program is a couple of kilobytes, but the process that runs it holds a whole Python
# interpreter, the modules it imports and their data in memory.  Each run reported its
# peak resident memory (the memory it really touched).  On Linux the program reads it
# from ``VmHWM`` in ``/proc/self/status``, not from :func:`resource.getrusage`: Linux
# carries ``ru_maxrss`` over ``fork`` and ``exec``, so a small child of a big parent
# would report the parent's memory as its own.

size = program.stat().st_size
peak, source = runs[0]["peak_memory_bytes"], runs[0]["peak_memory_source"]
print(f"program on disk:      {size:>12,} bytes")
if peak is None:
    print(f"process in memory:    {source}")
else:
    print(f"process in memory:    {peak:>12,} bytes (peak resident, from {source})")
    claim(
        "The process took over a thousand times the memory its program takes on disk",
        peak > 1000 * size,
        measured=f"{peak / 2**20:.1f} MiB in memory, {size:,} bytes on disk:"
        f" {peak / size:,.0f} times",
        expected="over 1,000 times",
    )

# %%
# Take-away: a program is a file; a process is a running instance of it, with an
# identity (pid, parent) the OS assigns at start and memory far beyond the program's
# size, as the claims above measured.  Run a program twice and you get two independent
# processes.
