"""
What the operating system tells a process
=========================================

Every process can ask the OS about itself: who it is (process and parent IDs), whose
it is (user and group), where it is (working directory), what it inherited (the
environment), which CPUs it may use, and how much CPU time it has spent.  These are the
facts that the rest of this site builds on: pools are sized from the usable CPUs, and
CPU time tells computing apart from waiting.
"""

# %%
# Identity
# --------
# :func:`os.getuid` and :func:`os.getgid` exist on POSIX systems (Linux, macOS) only,
# hence the check.

import os
import subprocess
import sys
import time
from pathlib import Path

from conc_examples.claims import claim
from conc_examples.measure.machine import usable_cpus
from conc_examples.work.workloads import calibrate, cpu_bound

print(f"process ID         os.getpid()  = {os.getpid()}")
print(f"parent process ID  os.getppid() = {os.getppid()}")
if hasattr(os, "getuid"):
    print(f"user ID            os.getuid()  = {os.getuid()}")
    print(f"group ID           os.getgid()  = {os.getgid()}")
print(f"working directory  os.getcwd()  = .../{Path(os.getcwd()).name}")

# %%
# The environment is inherited
# ----------------------------
# A child starts with a copy of its parent's environment variables.  Changes made
# afterwards, in either process, stay in that process.  Passing ``env=`` to the child
# replaces the copy.

print(f"this process has {len(os.environ)} environment variables")
child_env = {**os.environ, "GREETING": "hello from the parent"}
child_code = "import os; print(os.environ.get('GREETING', '<not set>'))"
seen = {}
for label, env in [("inherited copy", None), ("explicit env", child_env)]:
    out = subprocess.run(
        [sys.executable, "-c", child_code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    seen[label] = out
    print(f"child with {label:<15} sees GREETING = {out!r}")
claim(
    "The child saw the variable only when the parent passed it in env=",
    seen == {"inherited copy": "<not set>", "explicit env": "hello from the parent"},
    measured=f"inherited copy {seen['inherited copy']!r},"
    f" explicit env {seen['explicit env']!r}",
    expected="'<not set>', then the parent's greeting",
)

# %%
# How many CPUs?  Three different answers
# ---------------------------------------
# :func:`os.cpu_count` counts the CPUs in the machine.  A process may be allowed to run
# on fewer (a container, ``taskset``, a batch scheduler): that is its *affinity*.
# :func:`os.process_cpu_count`, added in Python 3.13, returns the usable count directly.
# Size worker pools from the usable count, never from the machine's.

print(f"os.cpu_count()          = {os.cpu_count()}")
if hasattr(os, "sched_getaffinity"):
    print(f"len(sched_getaffinity)  = {len(os.sched_getaffinity(0))}")
if sys.version_info >= (3, 13):
    print(f"os.process_cpu_count()  = {os.process_cpu_count()}")
else:
    print("os.process_cpu_count()  : not available (added in Python 3.13)")

# %%
# To see the difference, start a child that pins itself to a single CPU (Linux only)
# and ask it again.  The machine still has the same CPUs; the process may use one.

if hasattr(os, "sched_setaffinity"):
    pinned = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; first = min(os.sched_getaffinity(0));"
            " os.sched_setaffinity(0, {first});"
            " print(os.cpu_count(), len(os.sched_getaffinity(0)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.split()
    pinned_count, pinned_usable = int(pinned[0]), int(pinned[1])
    print(f"pinned child: cpu_count() = {pinned_count}, usable = {pinned_usable}")
    claim(
        "The pinned child may use one CPU of a machine that still has all of its CPUs",
        pinned_usable == 1 and pinned_count == os.cpu_count(),
        measured=f"cpu_count() {pinned_count}, usable {pinned_usable}",
        expected=f"cpu_count() {os.cpu_count()}, usable 1",
    )
print(f"this process may use {usable_cpus()} CPUs")

# %%
# CPU time is not wall time
# -------------------------
# :func:`os.times` reports the CPU time this process has used, in user code and in the
# kernel on its behalf, next to the wall-clock time that passed.  Computing consumes
# CPU time; sleeping (like waiting for a disk or a network) consumes almost none.  The
# work is sized to 0.2 s of CPU; a busy machine stretches its wall time, not its CPU.

work = calibrate(0.2)


def cpu_and_wall(action) -> tuple[float, float]:
    before, wall_before = os.times(), time.perf_counter()
    action()
    after, wall_after = os.times(), time.perf_counter()
    cpu = (after.user - before.user) + (after.system - before.system)
    return cpu, wall_after - wall_before


computing = cpu_and_wall(lambda: cpu_bound(work))
sleeping = cpu_and_wall(lambda: time.sleep(0.2))
for label, (cpu, wall) in [("computing", computing), ("sleeping", sleeping)]:
    print(f"{label:<10} wall {wall:.2f} s, CPU {cpu:.2f} s")
claim(
    "Computing cost CPU time",
    computing[0] > 0.1,
    measured=f"{computing[0]:.2f} s of CPU in {computing[1]:.2f} s",
    expected="over 0.1 s of the 0.2 s it was sized to",
    why="os.times() counts in clock ticks; this run's work was smaller than sized",
)
claim(
    "Sleeping cost almost no CPU time",
    sleeping[0] < 0.05,
    measured=f"{sleeping[0]:.2f} s of CPU in {sleeping[1]:.2f} s",
    expected="under 0.05 s",
    why="something else in this process used the CPU while it slept",
)

# %%
# The :mod:`resource` module (POSIX) reports more: peak memory, and the same counts for
# the children this process has waited for.  (On Linux ``ru_maxrss`` starts at the
# memory of the parent that started this process, as the previous page warned.)

try:
    import resource
except ImportError:
    print("the resource module is not available on this OS")
else:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    unit = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB
    print(f"this process: user {me.ru_utime:.2f} s, system {me.ru_stime:.2f} s,")
    print(f"              peak memory {me.ru_maxrss * unit / 2**20:.0f} MiB")
    print(
        f"its waited-for children: user {children.ru_utime:.2f} s,"
        f" system {children.ru_stime:.2f} s"
    )

# %%
# Take-away: the OS gives each process an identity, an inherited environment, a set of
# CPUs it may use, and an account of the CPU time it spends: computing costs CPU time,
# waiting costs almost none, as the two claims above measured.
