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
# The :term:`GIL` belongs to an interpreter, not to a process.  Since Python 3.12 an
# interpreter created isolated has its own (PEP 684), and Python 3.14 lets your code
# create such interpreters: :mod:`concurrent.interpreters` and
# :class:`concurrent.futures.InterpreterPoolExecutor` (PEP 734).  On 3.13 the
# backport from PyPI gives the same API (``pip install interpreters-pep-734``).  On
# 3.11 and 3.12 there is nothing to import, so this page shows threads and processes.
#
# .. literalinclude:: /../conc_examples/work/subinterpreters.py
#    :pyobject: load

import sys

from conc_examples.work.subinterpreters import MISSING, load

interpreters, InterpreterPoolExecutor = load()
has_interpreters = interpreters is not None
if __name__ == "__main__":  # the process pool below imports this page again (spawn)
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


def two_tasks(pool, work: int, cpus: list[float]):
    """Two tasks at once; note the CPUs this process kept busy meanwhile."""

    def run() -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        list(pool.map(cpu_bound, [work, work], timeout=60))
        cpus.append((time.process_time() - cpu) / (time.perf_counter() - wall))

    return run


if __name__ == "__main__":
    WORK = calibrate(0.05)
    contenders, cpus = {}, {kind: [] for kind in KINDS}
    with ExitStack() as stack:  # shuts every pool down at the end of the block
        for kind, executor in KINDS.items():
            pool = stack.enter_context(executor(max_workers=2))
            list(pool.map(time.sleep, [0.05, 0.05], timeout=60))  # start both workers
            contenders[f"2 tasks, {kind}"] = two_tasks(pool, WORK, cpus[kind])
        contenders["ceiling"] = stack.enter_context(CeilingProbe(2, WORK))
        timings = measure_interleaved(contenders, repeat=5, warmup=0)
    ceiling = contenders["ceiling"].ceiling()
    print(ceiling)

# %%
# CPUs kept busy
# --------------
# Threads and interpreters run in *this* process, so :func:`time.process_time`
# counts their CPU time, and ``cpu / wall`` is how many CPUs they kept busy (the
# median of five rounds).  Load can only lower that figure.  (A process pool's
# work runs in its children, where this process's clock cannot see it.)  Whether a
# second CPU was free in every one of these rounds, the ceiling's rounds say.

import statistics

from conc_examples.claims import claim, needs_cpus, needs_gil
from conc_examples.work.subinterpreters import needs_interpreters

if __name__ == "__main__":
    ceiling_need = needs_cpus(ceiling.speedups)
    busy = {kind: statistics.median(cpus[kind]) for kind in KINDS if kind != "processes"}
    for kind, value in busy.items():
        print(f"2 {kind:<12}: {value:.2f} CPUs busy in this process")
    claim(
        "Two threads running pure Python kept at most one CPU busy",
        busy["threads"] < 1.15,
        measured=f"{busy['threads']:.2f} CPUs",
        expected="under 1.15 CPUs",
        needs=needs_gil(),
    )
    claim(
        "Two interpreters in one process kept more than one CPU busy",
        busy.get("interpreters", 0.0) > 1.3,
        measured=f"{busy.get('interpreters', 0.0):.2f} CPUs",
        expected="over 1.3 CPUs",
        needs=(needs_interpreters(), ceiling_need),
    )

# %%
# Two tasks against two tasks
# ---------------------------
# Which pool finished its two tasks sooner?  Each round ran every pool once, back to
# back, so each round gives its own ratio; the median of the five is the figure.


def faster(kind: str, than: str) -> float:
    mine, other = timings[f"2 tasks, {kind}"].runs, timings[f"2 tasks, {than}"].runs
    return statistics.median(o / m for m, o in zip(mine, other, strict=True))


if __name__ == "__main__":
    claim(
        "Two processes finished their tasks sooner than two threads",
        faster("processes", "threads") > 1.2,
        measured=f"{faster('processes', 'threads'):.2f}x as fast",
        expected="over 1.2x",
        needs=(needs_gil(), ceiling_need),
    )
    interpreters_vs_threads = faster("interpreters", "threads") if has_interpreters else 0
    claim(
        "Two interpreters finished their tasks sooner than two threads",
        interpreters_vs_threads > 1.2,
        measured=f"{interpreters_vs_threads:.2f}x as fast",
        expected="over 1.2x: parallel Python inside one process",
        needs=(needs_interpreters(), needs_gil(), ceiling_need),
    )

# %%
# Against the ceiling
# -------------------
# The ceiling is what two independent processes, with no pool at all, reached in the
# same rounds: the most two CPUs give here right now.  A pool only adds overhead, so
# its share of the ceiling stays near or under 100 %.  One round above that is load
# that hit the ceiling's turn more than the pool's; a pool above it in *every* round
# would mean the ceiling is no ceiling, and the page reports that too.

from conc_examples.measure.ceiling import shares_of_ceiling

if __name__ == "__main__":
    shares = [0.0]
    if has_interpreters:
        shares = shares_of_ceiling(timings["2 tasks, interpreters"], ceiling)
    need = (needs_interpreters(), ceiling_need)
    claim(
        "Two interpreters came close to two independent processes",
        statistics.median(shares) > 0.65,
        measured=f"{statistics.median(shares):.0%} of the ceiling, median of rounds",
        expected="over 65 %",
        needs=need,
    )
    claim(
        "The ceiling held: no round of two interpreters beat it by more than a tenth",
        min(shares) < 1.1,
        measured=f"{min(shares):.0%} to {max(shares):.0%} of the ceiling, round by round",
        expected="at least one round under 110 %",
        needs=need,
        why="the probe's processes paid a cost the pool did not, or load hit every round",
    )

# %%
# The chart shows how long two tasks took in each pool: the best of five rounds,
# with a whisker up to the slowest.  The line is the best round of the ceiling's two
# independent processes, the time to reach.

from conc_examples.charts.plotting import bar_chart, show

if __name__ == "__main__":
    both = {f"2 {kind}": timings[f"2 tasks, {kind}"] for kind in KINDS}
    line = {"ideal": ceiling.together.min, "ideal_label": "2 independent processes"}
    bar_chart(both, title="Two pure-Python tasks at once", ylabel="wall time (s)", **line)
    show()

# %%
# On a GIL build two threads share one GIL, so they take turns.  Processes and
# interpreters each have their own GIL.  (On a free-threaded build with the GIL off,
# threads would keep two CPUs busy too.)
#
# Take-away: the gap between ``2 interpreters`` and ``2 threads`` in the claims above
# is parallel Python inside one process.  What it costs, and what may cross between
# interpreters, is the next page.
