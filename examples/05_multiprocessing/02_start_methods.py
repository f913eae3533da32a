"""
Start methods: fork, spawn and forkserver
=========================================

:mod:`multiprocessing` can create a child in three ways, its :term:`start method`:

``fork``
  copy the parent (POSIX only): fast, and the child inherits everything, including
  what it should not (locks held by other threads, open connections).
``spawn``
  start a fresh interpreter that imports the main module and receives the function
  and its arguments :term:`pickled <pickling>`: slow, but clean; the only method on
  Windows, and the default on macOS.
``forkserver``
  start one clean server process early, then fork each child from it: clean and
  fairly fast (POSIX only).  Python 3.14 made it the default on Linux.

This page measures what each costs, shows what each child inherits, and what breaks.
The code never changes the program-wide default; it asks for a method with
:func:`multiprocessing.get_context`, which returns an object with the same API
(``Process``, ``Queue``, ``Pool``...) bound to one start method.
"""

# %%
# What each method costs
# ----------------------
# We time starting a child that does nothing and joining it: pure start-up cost.
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: do_nothing

import multiprocessing
import pickle
import queue
import subprocess
import sys
import tempfile
from functools import partial
from operator import mul
from pathlib import Path

from conc_examples import mp_workers
from conc_examples.machine import start_method
from conc_examples.results import record
from conc_examples.timing import measure


def start_and_join(context: multiprocessing.context.BaseContext) -> None:
    child = context.Process(target=mp_workers.do_nothing)
    child.start()
    child.join(timeout=30)
    if child.exitcode != 0:
        raise RuntimeError(f"the child failed with exit code {child.exitcode}")


if __name__ == "__main__":
    # Under the guard: a spawn child re-runs the script's top level (see below), and
    # matplotlib alone takes a good part of a second to import.
    from conc_examples import plotting

    methods = multiprocessing.get_all_start_methods()
    print(f"start methods here: {methods}; in force for this page: {start_method()}")
    costs = {}
    for method in methods:
        context = multiprocessing.get_context(method)
        # The warm-up run pays for one-off costs, e.g. starting the fork server.
        costs[method] = measure(lambda c=context: start_and_join(c), repeat=3).scaled(1000)
        print(f"{method:>10}: start + join {costs[method].median:7.1f} ms (median)")
        record(f"start_join_ms[{method}]", costs[method].median)
    plotting.bar_chart(
        costs, title="Starting and joining one child process", ylabel="milliseconds"
    )
    plotting.show()

# %%
# ``spawn`` pays for a whole interpreter start-up and the imports the child needs, per
# child; ``fork`` only copies the parent's page tables; ``forkserver`` forks a small
# server, plus a round trip to ask it.  For a pool that starts a few workers once this
# hardly matters; for a program that starts a child per task it decides everything.
#
# What each child inherits
# ------------------------
# The parent now changes a module-level setting at run time, and each child reports
# the value it sees and how many modules it has loaded:
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: report_inheritance

if __name__ == "__main__":
    mp_workers.SETTING = "changed by the parent at run time"
    inherited = {}
    for method in methods:
        context = multiprocessing.get_context(method)
        reports = context.Queue()
        child = context.Process(target=mp_workers.report_inheritance, args=(reports,))
        child.start()
        try:
            inherited[method] = reports.get(timeout=30)
        except queue.Empty:
            raise SystemExit(f"the {method} child sent no report within 30 s") from None
        finally:
            child.join(timeout=30)
            reports.close()
            reports.join_thread()
        report = inherited[method]
        print(
            f"{method:>10}: SETTING = {report['setting']!r:<36}"
            f" {report['modules']:4d} modules loaded"
        )
    print(f"{'parent':>10}: {len(sys.modules)} modules loaded")
    record("setting_seen", {m: r["setting"] for m, r in inherited.items()})
    mp_workers.SETTING = "as imported"

# %%
# The forked child is a copy of the parent: it sees the change and every module the
# parent had loaded.  The spawned child imported what it needed afresh and sees the
# value as the module defines it; so does the forkserver child, forked from a server
# that imported its modules before our change.  So under ``spawn`` and
# ``forkserver``, state a child needs must be passed to it as arguments, never set up
# in globals.  What a fresh child imports is also its start-up cost: it re-runs the
# top level of the main script (when the script is a file), which is why this page
# imports matplotlib under the guard.
#
# Why ``if __name__ == "__main__":``
# ----------------------------------
# A ``spawn`` child (and the fork server) imports the main script to find what it
# defines.  Without the guard, that import runs the script's top level again, which
# starts a child again... :mod:`multiprocessing` stops this with an error instead of
# a fork bomb.  Here is a three-line script without the guard, run as a program:

UNGUARDED = """\
import multiprocessing
print("running the main script in", multiprocessing.current_process().name)
child = multiprocessing.get_context("spawn").Process(target=print, args=("hi",))
child.start()
child.join(timeout=30)
print("the child's exit code:", child.exitcode)
"""

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder, "unguarded.py")
        script.write_text(UNGUARDED, encoding="utf-8")
        ran = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=60
        )
    print(ran.stdout, end="")
    lines = [line.strip() for line in ran.stderr.splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if line.startswith("RuntimeError"))
    error = " ".join(lines[at : at + 3])
    print("the child's error:", error)
    record("unguarded_error", error)
    record("unguarded_stdout", ran.stdout)

# %%
# The child ran the script's top level (the second line of output), reached
# ``start()`` while still importing, and died with a ``RuntimeError`` that asks for the
# guard: its exit code is 1, and the child's real work never ran.  Everything that
# starts processes goes under ``if __name__ == "__main__":``, as on every page here.
#
# The default changes: Python 3.14
# --------------------------------
# The first entry of :func:`multiprocessing.get_all_start_methods` is the platform's
# default.  It was ``fork`` on Linux until Python 3.13; Python 3.14 made it
# ``forkserver``, because forking a process that runs threads can copy a lock that
# another thread holds, and deadlock the child (Python 3.12 warns about it with a
# :exc:`DeprecationWarning`).  macOS has used ``spawn`` since Python 3.8, and Windows
# has only ``spawn``.  Code written for ``spawn`` runs under all three.

if __name__ == "__main__":
    version = ".".join(map(str, sys.version_info[:2]))
    print(f"Python {version} on {sys.platform}: default start method {methods[0]!r}")
    if sys.version_info >= (3, 14):
        print("from Python 3.14 the Linux default is 'forkserver'")

# %%
# What cannot cross: lambdas and closures
# ---------------------------------------
# ``spawn`` and ``forkserver`` children receive the function to run pickled, and every
# pool pickles each task under every start method.  A function pickles as its
# importable name (module + qualified name), so a ``lambda`` (no name) and a closure
# (a local name) cannot be sent.  We call :func:`pickle.dumps` ourselves, as
# :mod:`multiprocessing` would:


def make_multiplier(factor: int):
    def multiply(x: int) -> int:
        return factor * x

    return multiply


if __name__ == "__main__":
    for label, func in {
        "a lambda": lambda x: 3 * x,
        "a closure": make_multiplier(3),
    }.items():
        try:
            pickle.dumps(func)
            print(f"{label}: pickled")
        except (pickle.PicklingError, AttributeError) as exc:
            print(f"{label}: {type(exc).__name__}: {exc}")
            record(f"unpicklable[{label}]", type(exc).__name__)
    triple = partial(mul, 3)
    sent_and_back = pickle.loads(pickle.dumps(triple))
    print(f"partial(mul, 3) pickles, and still works: {sent_and_back(14)}")
    record("partial_result", sent_and_back(14))

# %%
# :func:`functools.partial` of an importable function pickles fine: it is sent as the
# function's name plus its arguments.  Even a top-level ``def`` in a script is risky:
# it pickles as ``__main__.name``, which a ``spawn`` child finds only if it can import
# the script.  That is why every function a child runs on this site lives in a module.
#
# Take-away: ``fork`` is fastest to start (the plot above, in milliseconds) but copies
# everything; ``spawn`` and ``forkserver`` start clean, so pass children what they need
# as picklable arguments, put what they run in an importable module, and guard the
# script's entry point.
