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
  start one server per program, a fresh interpreter like ``spawn``'s, the first time a
  child is needed, then ask it to fork each child from itself: clean, and fairly
  fast (POSIX only).  Python 3.14 made it the default on Linux.

You will time each, see what each child inherits, and watch a script without the
``__main__`` guard fail.  The page never changes the program-wide default: it asks for a
method with :func:`multiprocessing.get_context`, which returns an object with the same
API (``Process``, ``Queue``, ``Pool``...) bound to one start method.
"""

# %%
# What each method costs
# ----------------------
# Time starting a child that does nothing, and joining it: the start-up cost alone.
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: do_nothing

import multiprocessing
import queue
import sys

from conc_examples.claims import claim
from conc_examples.work import mp_workers


def start_and_join(context: multiprocessing.context.BaseContext) -> None:
    child = context.Process(target=mp_workers.do_nothing)
    child.start()
    child.join(timeout=30)
    if child.exitcode != 0:
        raise RuntimeError(f"the child failed with exit code {child.exitcode}")


if __name__ == "__main__":
    # Under the guard: a spawn child re-runs the script's top level (see below), and
    # matplotlib alone takes a good part of a second to import.
    from conc_examples.charts import plotting
    from conc_examples.measure.timing import measure

    methods = multiprocessing.get_all_start_methods()
    costs = {}
    for method in methods:
        context = multiprocessing.get_context(method)
        # The warm-up run pays for one-off costs, e.g. starting the fork server.
        costs[method] = measure(lambda c=context: start_and_join(c), repeat=3).scaled(1000)
        print(f"{method:>10}: start + join {costs[method].min:7.1f} ms (best of 3)")
    plotting.bar_chart(costs, title="Starting and joining one child", ylabel="milliseconds")
    plotting.show()
    if "fork" in costs:  # POSIX
        spawn_ms, fork_ms = costs["spawn"].min, costs["fork"].min
        claim(
            "Starting a child by spawn cost several times more than by fork",
            spawn_ms > 2 * fork_ms,
            measured=f"spawn {spawn_ms:.1f} ms, fork {fork_ms:.1f} ms, best of 3",
            expected="spawn over twice fork",
        )

# %%
# ``spawn`` pays for a whole interpreter start-up and the imports the child needs, per
# child; ``fork`` only copies the parent's page tables; ``forkserver`` pays for a round
# trip to its server and a fork of that small process (and, once per program, for
# starting the server: the untimed warm-up run did that).  For a pool that starts a
# few workers once, this hardly matters.  For a program that starts a child per task,
# it decides everything.
#
# What each child inherits
# ------------------------
# The parent now changes a module-level setting at run time, and each child reports
# the value it sees and how many modules it has loaded:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
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
        seen, modules = inherited[method]["setting"], inherited[method]["modules"]
        print(f"{method:>10}: SETTING = {seen!r:<36} {modules:4d} modules loaded")
    parent_modules = len(sys.modules)
    print(f"{'parent':>10}: {parent_modules} modules loaded")
    mp_workers.SETTING = "as imported"
    changed = [m for m, report in inherited.items() if report["setting"] != "as imported"]
    claim(
        "Only the forked child saw the parent's run-time change",
        changed == [m for m in methods if m == "fork"],
        measured=f"the change seen under: {changed}",
    )
    if "fork" in inherited:
        loaded = {method: report["modules"] for method, report in inherited.items()}
        claim(
            "The forked child had the parent's modules; the spawned one far fewer",
            abs(loaded["fork"] - parent_modules) <= 5
            and loaded["spawn"] < loaded["fork"] - 50,
            measured=f"parent {parent_modules}, fork {loaded['fork']},"
            f" spawn {loaded['spawn']} modules",
            expected="fork within 5 of the parent; spawn over 50 fewer",
        )

# %%
# The forked child is a copy of the parent: it sees the change and the modules the
# parent had loaded.  The spawned child imported what it needed afresh, and sees the
# value as the module defines it.  So does the forkserver child: its server is a fresh
# interpreter too, which imported the modules itself and never saw the parent's
# memory, whenever the change was made.  So under ``spawn`` and ``forkserver``, pass a
# child the state it needs as arguments; never set it up in globals.
#
# Why ``if __name__ == "__main__":``
# ----------------------------------
# A ``spawn`` child (and the fork server) imports your main script, as the module
# ``__mp_main__``, to find the functions it defines.  Without the guard, that import
# runs the script's top level again, which starts a child again...
# :mod:`multiprocessing` stops this with an error instead of a fork bomb.  Here is a
# short script that defines ``greet`` and runs it in a ``spawn`` child, first without
# the guard, then with it:

SCRIPT = """\
import multiprocessing

def greet(name):
    print("hello,", name, "from", multiprocessing.current_process().name)

print("running the top level in", multiprocessing.current_process().name)
"""
START_A_CHILD = """\
child = multiprocessing.get_context("spawn").Process(target=greet, args=("you",))
child.start()
child.join(timeout=30)
print("the child's exit code:", child.exitcode)
"""

if __name__ == "__main__":
    import subprocess
    import tempfile
    import textwrap
    from pathlib import Path

    guarded_start = 'if __name__ == "__main__":\n' + textwrap.indent(START_A_CHILD, "    ")
    scripts = {"unguarded": SCRIPT + START_A_CHILD, "guarded": SCRIPT + guarded_start}
    ran = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, source in scripts.items():
            script = Path(folder, f"{label}.py")
            script.write_text(source, encoding="utf-8")
            command = [sys.executable, str(script)]
            ran[label] = subprocess.run(command, capture_output=True, text=True, timeout=60)
    unguarded_stdout, guarded_stdout = ran["unguarded"].stdout, ran["guarded"].stdout
    lines = [line.strip() for line in ran["unguarded"].stderr.splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if line.startswith("RuntimeError"))
    unguarded_error = " ".join(lines[at : at + 3])
    print(f"without the guard:\n{unguarded_stdout}the child's error: {unguarded_error}")
    print(f"\nwith the guard:\n{guarded_stdout}", end="")
    claim(
        "Unguarded, the spawn child died asking for the guard; guarded, it ran greet",
        unguarded_error.startswith("RuntimeError: An attempt has been made")
        and "running the top level in SpawnProcess-1" in unguarded_stdout
        and "exit code: 1" in unguarded_stdout
        and "hello," not in unguarded_stdout
        and "hello, you from SpawnProcess-1\nthe child's exit code: 0" in guarded_stdout,
        measured=f"{unguarded_error[:40]}...; then {guarded_stdout.splitlines()[-2]!r}",
    )

# %%
# Without the guard, the child ran the top level (the second line) and reached
# ``start()`` while still importing.  With it, the child imported the script as
# ``__mp_main__``, skipped the guarded lines and found ``greet``.  So a real ``python
# script.py`` under ``spawn`` *can* run functions defined in the script; a main module
# that is not a file (the REPL, a notebook, this site's docs build) cannot.  So the
# children here run functions from a module, ``conc_examples.work.mp_workers``.
#
# The default changes: Python 3.14
# --------------------------------
# The first entry of :func:`multiprocessing.get_all_start_methods` is the platform's
# default.  It was ``fork`` on Linux until Python 3.13.  Python 3.14 made it
# ``forkserver``, because forking a process while other threads are alive can copy a
# lock that one of them holds, and deadlock the child (since Python 3.12, ``fork``
# then warns with a :exc:`DeprecationWarning`, which the default warning filters hide:
# run with ``-X dev`` to see it).  macOS has used ``spawn`` since Python 3.8, and Windows
# has only ``spawn``.  Code written for ``spawn`` runs under all three.

if __name__ == "__main__":
    version = ".".join(map(str, sys.version_info[:2]))
    print(f"Python {version} on {sys.platform}: default start method {methods[0]!r}")

# %%
# Take-away: ``fork`` is fastest to start (the claim above) but copies everything;
# ``spawn`` and ``forkserver`` start clean, so pass children what they need as
# picklable arguments, and guard the script's entry point.  What a child runs and
# receives must pickle: :doc:`04_pool` shows what cannot.
