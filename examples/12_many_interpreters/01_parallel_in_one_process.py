"""
Many interpreters in one process
================================

You will see two interpreters, each in its own thread of one process, compute in
parallel, where two plain threads take turns.  Beside them: two processes, and the
machine's measured ceiling, the best that two CPUs give here.
"""

# %%
# One GIL per interpreter
# -----------------------
# The :term:`GIL` belongs to an interpreter, not to a process.  Python 3.12 gave each
# interpreter its own (PEP 684), and Python 3.14 lets your code create them:
# :mod:`!concurrent.interpreters` and :class:`!concurrent.futures.InterpreterPoolExecutor`
# (PEP 734).  On 3.13 the backport from PyPI gives the same API
# (``pip install interpreters-pep-734``).  On 3.11 and 3.12 there is nothing to import,
# so this page then shows threads and processes only.
#
# .. literalinclude:: /../conc_examples/work/subinterpreters.py
#    :pyobject: load

import sys

from conc_examples.work.subinterpreters import MISSING, load

interpreters, InterpreterPoolExecutor = load()
has_interpreters = interpreters is not None
print(f"Python {sys.version.split()[0]}")
print(f"interpreters from: {interpreters.__name__}" if has_interpreters else MISSING)

# %%
# The same work in three pools
# ----------------------------
# Each pool has two workers: two threads, two processes, or two interpreters (each in a
# thread of its own).  The work is the pure-Python loop of chapter 4, about a twentieth
# of a second of CPU per task, and each pool runs two tasks at once.  In the same
# rounds, the ceiling's probe times one task alone in a bare process, then two side by
# side in two processes (chapter 9).
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: cpu_bound

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack

from conc_examples.measure.ceiling import CeilingProbe
from conc_examples.measure.timing import measure_interleaved
from conc_examples.work.workloads import calibrate, cpu_bound

# Processes first: forking a process that already runs threads is unsafe.
KINDS = {"processes": ProcessPoolExecutor, "threads": ThreadPoolExecutor}
if has_interpreters:
    KINDS["interpreters"] = InterpreterPoolExecutor


def two_tasks(pool, work: int):
    return lambda: list(pool.map(cpu_bound, [work, work], timeout=60))


if __name__ == "__main__":
    WORK = calibrate(0.05)
    contenders = {}
    with ExitStack() as stack:  # shuts every pool down at the end of the block
        for kind, executor in KINDS.items():
            pool = stack.enter_context(executor(max_workers=2))
            list(pool.map(time.sleep, [0.05, 0.05], timeout=60))  # start both workers
            contenders[f"2 tasks, {kind}"] = two_tasks(pool, WORK)
        contenders["ceiling"] = stack.enter_context(CeilingProbe(2, WORK))
        timings = measure_interleaved(contenders, repeat=5, warmup=0)
    ceiling = contenders["ceiling"].ceiling()
    print(ceiling)

# %%
# Two tasks over one
# ------------------
# Two workers that run in parallel finish two tasks in the time of one task alone:
# twice the work per second.  Two that take turns need twice as long: the same work
# per second.  Each round gives its own ratio; the median of the five is printed.

import statistics


def gain(kind: str) -> float:
    one, two = ceiling.alone.runs, timings[f"2 tasks, {kind}"].runs
    return statistics.median(2 * a / b for a, b in zip(one, two, strict=True))


if __name__ == "__main__":
    gains = {kind: gain(kind) for kind in KINDS}
    for kind, value in gains.items():
        print(f"2 {kind:<12}: {value:.2f}x the work per second of one")
    print(f"2 independent processes (the ceiling): {ceiling.speedup:.2f}x")

# %%
# The chart shows how long two tasks took in each pool, with the ceiling's two
# independent processes as the line to reach (medians of five rounds, whiskers from
# the fastest to the slowest).

from conc_examples.charts.plotting import bar_chart, show

if __name__ == "__main__":
    both = {f"2 {kind}": timings[f"2 tasks, {kind}"] for kind in KINDS}
    line = {"ideal": ceiling.together.median, "ideal_label": "2 independent processes"}
    bar_chart(both, title="Two pure-Python tasks at once", ylabel="wall time (s)", **line)
    show()

# %%
# On a GIL build, two threads give about 1x: they share one GIL.  Processes reach
# about the ceiling.  Interpreters (Python 3.13+) reach it too, from one process: each
# has its own GIL.  On a free-threaded build with the GIL off, threads would climb too.
#
# Take-away: compare the ``2 interpreters`` line above with ``2 threads``: that gap is
# parallel Python inside one process.  What it costs, and what may cross between
# interpreters, is the next page.
