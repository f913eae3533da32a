"""
What each Python changes, measured
==================================

A page measured on one Python tells a reader on another what *their* Python did years
ago.  Here the same small measurements run under every Python this machine has, 3.11 to
3.15, each in a child process of that Python, side by side: starting a process under
each start method, a round trip to a pool, an asyncio task, a hand-off between two
threads, a subinterpreter, and on a free-threaded build two threads with the GIL off and
on.  You will see what changed and what did not.
"""

# %%
# Which Pythons this build had
# ----------------------------
# A script cannot import another Python, so each one runs a small probe script as a
# child (``python3.X -I python_probe.py``: the standard library only, isolated from this
# project) and answers in JSON.  The page looks where a maintainer keeps them:
# ``.pythons/3.X`` (``python3 dev.py pythons`` fetches 3.14+ on Linux), pyenv, then
# ``PATH``.  On another system, ``uv python install 3.14`` (or python.org's installers)
# gives you one; ``uv python install 3.14t`` a free-threaded build.
#
# .. literalinclude:: /../conc_examples/measure/python_probe.py
#    :pyobject: process_start_us

from conc_examples.work.pythons import WANTED, find_pythons, probe_each

if __name__ == "__main__":
    pythons = find_pythons()
    lacking = [label for label in WANTED if label not in pythons]
    print(f"this build had: {', '.join(pythons)}")
    print(f"it lacked: {', '.join(lacking) or 'nothing'}")
    measured = probe_each(pythons)
    figure = {m.label: m.figures for m in measured}

# %%
# The same probe under each
# -------------------------
# Each figure is a median of a few tries (one for ``spawn``: a fresh Python is slow),
# in milliseconds for starts and microseconds for the rest.  The asyncio figure is CPU
# time per task, the best of three rounds of 2,000 tasks, so a busy machine adds little.
# The chart divides each by the oldest Python's: below the dashed line is cheaper.

if __name__ == "__main__":
    from conc_examples.charts.pythons_chart import pythons_chart, pythons_table

    print(pythons_table(measured))
    pythons_chart(measured, title="The same measurements under each Python")

# %%
# What changed
# ------------
# **The default start method.**  On Linux, Python 3.11-3.13 start a process with
# ``fork`` unless told otherwise; 3.14 made ``forkserver`` the default (``fork`` in a
# process with threads can copy a lock that another thread held, and deadlock).  Code
# that relied on a child inheriting the parent's globals stops working on 3.14.

import sys

from conc_examples.claims import Need, claim
from conc_examples.work.pythons import before, needs_before_and_after

if __name__ == "__main__":
    labels = list(figure)
    both = needs_before_and_after(labels)
    linux = Need(
        "Linux (elsewhere spawn is the default)", sys.platform == "linux", sys.platform
    )
    default = {v: f["default_start_method"] for v, f in figure.items()}
    claim(
        "The default start method was fork up to 3.13 and forkserver from 3.14",
        all(d == ("fork" if before(v) else "forkserver") for v, d in default.items()),
        measured=", ".join(f"{v}: {d}" for v, d in default.items()),
        expected="fork before 3.14, forkserver from 3.14",
        needs=(linux, both),
    )

# %%
# **A forkserver start got cheaper.**  On 3.14+ the fork server hands out a child in a
# fraction of the time it took on 3.11-3.13, so the new default costs less than the
# old ``forkserver`` did.

if __name__ == "__main__":
    forkserver = {
        v: f["process_start_us"].get("forkserver", 0) / 1e3 for v, f in figure.items()
    }
    newest = max((ms for v, ms in forkserver.items() if not before(v)), default=0)
    oldest = min((ms for v, ms in forkserver.items() if before(v)), default=0)
    claim(
        "A forkserver start took under half as long on 3.14+ as on 3.11-3.13",
        newest < oldest / 2,
        measured=f"3.14+ at most {newest:.1f} ms, earlier at least {oldest:.1f} ms",
        expected="the slowest 3.14+ start under half the fastest earlier one",
        needs=(linux, both),
    )

# %%
# **Subinterpreters in the standard library.**  3.14 added
# :mod:`concurrent.interpreters` (3.13 has it only through a backport from PyPI, which
# this isolated probe does not load).

if __name__ == "__main__":
    has_them = {v: f["interpreter_us"] is not None for v, f in figure.items()}
    claim(
        "Only 3.14+ started a subinterpreter from its standard library",
        all(ok != before(v) for v, ok in has_them.items()),
        measured=", ".join(f"{v}: {'yes' if ok else 'no'}" for v, ok in has_them.items()),
        expected="no before 3.14, yes from 3.14",
        needs=both,
    )

# %%
# **Free-threading.**  A free-threaded build (``3.13t`` and later: ``uv python install
# 3.14t``) can run without the GIL.  Under each one found, the probe runs two threads
# on the same pure-Python work side by side, then two processes (what the CPUs allow),
# once with the GIL off (``-X gil=0``, what ``PYTHON_GIL=0`` sets) and once with it on.
#
# .. literalinclude:: /../conc_examples/measure/python_probe.py
#    :pyobject: two_workers

from conc_examples.claims import needs_cpus
from conc_examples.work.pythons import needs_free_threaded

if __name__ == "__main__":
    free_threaded = {v: f["two_workers"] for v, f in figure.items() if "two_workers" in f}
    speedups = [
        f"{v} GIL {gil}: threads {w['threads']:.2f}x, processes {w['processes']:.2f}x"
        for v, runs in free_threaded.items()
        for gil, w in runs.items()
    ]
    print("\n".join(speedups) or "no free-threaded build: no GIL to turn off")
    ceilings = [w["processes"] for runs in free_threaded.values() for w in runs.values()]
    needs = (needs_free_threaded(labels),)
    if ceilings:  # a second free CPU, read from the two processes beside the threads
        needs += (needs_cpus(ceilings),)
    claim(
        "With the GIL off two threads kept up with two processes; with it on they did not",
        all(
            r["off"]["threads"] > 0.8 * r["off"]["processes"] and r["on"]["threads"] < 1.2
            for r in free_threaded.values()
        ),
        measured="; ".join(speedups),
        expected="GIL off: over 0.8 of the processes' speed-up; GIL on: under 1.2x",
        needs=needs,
    )

# %%
# An asyncio task, a hand-off between two threads and a round trip to a pool are the
# bars a busy machine moves most, so this page states nothing about them: read them as
# this build's figures, not as a trend.
