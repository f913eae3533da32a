"""
How many CPUs? Containers, affinity and a pool's default size
=============================================================

A pool started without ``max_workers`` asks Python how many CPUs there are.  You will
see a process allowed to run on one CPU still be told about all of them, and get a
pool sized for all of them; then what Python 3.13's ``os.process_cpu_count()``,
``PYTHON_CPU_COUNT`` and ``-X cpu_count`` change, and the container's CPU quota that
no count reads.
"""

# %%
# Four answers to one question
# ----------------------------
# :func:`os.cpu_count` counts the CPUs of the machine.  :func:`os.sched_getaffinity`
# (Linux) gives the set this process may run on, which ``taskset``, ``docker
# --cpuset-cpus`` or a batch scheduler can narrow.  :func:`os.process_cpu_count` (3.13)
# is the size of that set where the system can tell.  ``cpu_counts`` collects them,
# with the default size of a process pool and of a thread pool:
#
# .. literalinclude:: /../conc_examples/work/cpu_counts.py
#    :pyobject: cpu_counts

import json
import os
import subprocess
import sys

from conc_examples.work.cpu_counts import cpu_counts


def ask_a_child(*args: str, env: dict[str, str] | None = None, x: str = "") -> dict:
    """Run ``python -m conc_examples.work.cpu_counts`` in a fresh child, and read it."""
    command = [sys.executable, *(["-X", x] if x else [])]
    command += ["-m", "conc_examples.work.cpu_counts", *args]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )
    return json.loads(done.stdout)


if __name__ == "__main__":
    answers = {"as started": cpu_counts()}
    for name, value in answers["as started"].items():
        print(f"{name:>24}: {value}")

# %%
# One CPU allowed
# ---------------
# Now a fresh child narrows itself to one CPU with :func:`os.sched_setaffinity` (Linux
# only; ``taskset -c 0 python ...`` does the same from outside) before it counts.

from conc_examples.claims import Need, claim, needs_python

if __name__ == "__main__":
    machine = answers["as started"]["os.cpu_count()"] or 1
    narrowable = Need(
        "Linux's os.sched_setaffinity, and two CPUs or more",
        hasattr(os, "sched_setaffinity") and machine >= 2,
        f"this is {sys.platform} with {machine} CPU(s)",
    )
    if narrowable.met:
        first_cpu = min(os.sched_getaffinity(0))
        answers["one CPU allowed"] = ask_a_child(str(first_cpu))
    one = answers.get("one CPU allowed", answers["as started"])
    print("  ".join(f"{name}: {value}" for name, value in one.items()))
    claim(
        "With one CPU allowed, os.cpu_count() still counted every CPU of the machine",
        one["CPUs allowed"] == 1 and one["os.cpu_count()"] == machine,
        measured=f"os.cpu_count() {one['os.cpu_count()']}, allowed {one['CPUs allowed']}",
        expected=f"{machine} and 1",
        needs=narrowable,
    )

# %%
# The pools size themselves by :func:`os.cpu_count` before Python 3.13, and by
# :func:`os.process_cpu_count` from 3.13: a process pool one worker per CPU, a thread
# pool four more than that, at most 32.  Before 3.13, a process allowed one CPU starts
# a worker per CPU of the machine, and they queue for the one CPU.

if __name__ == "__main__":
    counted = one[
        "os.process_cpu_count()" if sys.version_info >= (3, 13) else "os.cpu_count()"
    ]
    claim(
        "The default pools were sized by os.cpu_count() before 3.13, "
        "by os.process_cpu_count() from 3.13",
        one["process pool"] == counted and one["thread pool"] == min(32, counted + 4),
        measured=f"{one['process pool']} processes, {one['thread pool']} threads",
        expected=f"{counted} processes, {min(32, counted + 4)} threads",
        needs=narrowable,
    )
    claim(
        "os.process_cpu_count() counted only the CPUs allowed",
        one["os.process_cpu_count()"] == 1,
        measured=f"os.process_cpu_count() {one['os.process_cpu_count()']}",
        expected="1",
        needs=(narrowable, needs_python((3, 13), "os.process_cpu_count")),
    )

# %%
# Say it yourself: ``PYTHON_CPU_COUNT`` and ``-X cpu_count``
# ----------------------------------------------------------
# From 3.13 you can tell Python how many CPUs to believe in, for every library in the
# process at once: the environment variable ``PYTHON_CPU_COUNT=1``, or the option
# ``-X cpu_count=1``, overrides both counts.  (Earlier versions ignore both.)

if __name__ == "__main__":
    if sys.version_info >= (3, 13):
        answers["PYTHON_CPU_COUNT=1"] = ask_a_child(env={"PYTHON_CPU_COUNT": "1"})
    told = answers.get("PYTHON_CPU_COUNT=1", answers["as started"])
    if sys.version_info >= (3, 13):
        print("PYTHON_CPU_COUNT=1: " + "  ".join(f"{k}: {v}" for k, v in told.items()))
    claim(
        "PYTHON_CPU_COUNT overrode both counts, and the pools followed",
        told["os.cpu_count()"]
        == told["os.process_cpu_count()"]
        == told["process pool"]
        == 1,
        measured=f"os.cpu_count() {told['os.cpu_count()']}, os.process_cpu_count() "
        f"{told['os.process_cpu_count()']}, {told['process pool']} processes",
        expected="1, 1 and 1",
        needs=needs_python((3, 13), "PYTHON_CPU_COUNT"),
    )

# %%
# The container's CPU quota: read by no count
# -------------------------------------------
# ``docker run --cpus=1`` (or a Kubernetes CPU limit) sets a cgroup quota: CPU *time*
# per period, with every CPU still allowed.  No count above reads it (CPython issues
# `#80235 <https://github.com/python/cpython/issues/80235>`__ and
# `#149452 <https://github.com/python/cpython/issues/149452>`__), so a pool in such a
# container starts a worker per CPU of the host.  Read it yourself and pass
# ``max_workers``:
# cgroup v2 keeps it in ``/sys/fs/cgroup/cpu.max`` (``max`` when there is none).

from pathlib import Path

if __name__ == "__main__":
    cpu_max = Path("/sys/fs/cgroup/cpu.max")
    quota_text = cpu_max.read_text().strip() if cpu_max.exists() else "no cgroup v2 file"
    quota, _, period = quota_text.partition(" ")
    quota_cpus = int(quota) / int(period) if quota.isdigit() and period.isdigit() else None
    print(f"{cpu_max}: {quota_text!r}; quota in CPUs: {quota_cpus}")
    counts = answers["as started"]
    largest = max(counts["os.cpu_count()"] or 0, counts["os.process_cpu_count()"] or 0)
    claim(
        "The process pool took a worker per CPU, above the container's CPU quota",
        counts["process pool"] > quota_cpus if quota_cpus else False,
        measured=f"{counts['process pool']} workers, a quota of {quota_cpus} CPUs",
        expected="more workers than the quota",
        needs=Need(
            "a cgroup v2 CPU quota below the CPU count (a container run with --cpus=1)",
            quota_cpus is not None and quota_cpus < largest,
            f"{cpu_max} says {quota_text!r}",
        ),
    )

# %%
# Take-away: a default pool is sized by a count, not by what the process may use:
# above, one CPU allowed still gave the pool printed before 3.13, and no count read a
# quota.  Where it matters, pass ``max_workers`` (or set ``PYTHON_CPU_COUNT``) yourself.
