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

pids = {run["pid"] for run in runs}
children_of_ours = all(run["ppid"] == os.getpid() for run in runs)
print(f"same program, {len(pids)} different processes")
print(f"both children of this process: {children_of_ours}")

# %%
# The pids above change every time this page is built: they are whatever the OS had
# free at that moment.  The *structure* does not change: two runs, two pids, one
# parent.
#
# A process is much bigger than its program
# -----------------------------------------
# The program is a few hundred bytes, but the process that runs it holds a whole Python
# interpreter, the modules it imports and their data in memory.  Each run reported its
# peak resident memory (the memory it really touched):

size = program.stat().st_size
peak = runs[0]["peak_memory_bytes"]
if peak is None:
    print("this OS does not report peak memory through the resource module")
else:
    print(f"program on disk:      {size:>12,} bytes")
    print(f"process in memory:    {peak:>12,} bytes (peak resident)")
    memory_over_program = peak / size
    print(f"the process is {memory_over_program:,.0f} times the size of its program")

# %%
# Take-away: a program is a file; a process is a running instance of it, with an
# identity (pid, parent) the OS assigns at start and memory far beyond the program's
# size.  Run a program twice and you get two independent processes.
