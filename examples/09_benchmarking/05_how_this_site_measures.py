"""
How this site measures
======================

Every timing on the other pages comes from one small helper package,
``conc_examples.measure``, built on the lessons of this chapter: the wall clock
(:func:`time.perf_counter`), a warm-up run that is thrown away, several measured runs,
and a summary that keeps the spread (minimum, median, maximum) instead of one
number.  This page shows its code and uses it once, on a claim simple enough to check by
eye: four times the work takes four times the time, within the noise of the machine.
"""

# %%
# The helper
# ----------
# ``measure`` calls the function once unmeasured (the warm-up pays for first-call costs:
# imports, caches, the interpreter specialising the code), then ``repeat`` times
# measured:
#
# .. literalinclude:: /../conc_examples/measure/timing.py
#    :pyobject: measure
#
# and returns a ``Timing``, which keeps every run and summarises them:
#
# .. literalinclude:: /../conc_examples/measure/timing.py
#    :pyobject: Timing
#
# Work is sized from the machine, never hard-coded, so that pages stay fast on a slow
# machine and measurable on a fast one.  ``calibrate`` takes the best of three probes,
# for the reason the noise page showed:
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: calibrate

import time

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.machine import caption
from conc_examples.measure.rounds import race
from conc_examples.measure.timing import measure
from conc_examples.work.workloads import calibrate, cpu_bound

FACTOR = 4
iterations = calibrate(0.02)
once = measure(lambda: cpu_bound(iterations), repeat=7, warmup=1)
more = measure(lambda: cpu_bound(FACTOR * iterations), repeat=7, warmup=1)
print(f"the work x1: {once}")
print(f"the work x{FACTOR}: {more}")
more_over_once_best = more.min / once.min
more_over_once_median = more.median / once.median
print(f"{FACTOR} times the work took {more_over_once_best:.2f}x the time (fastest runs)")
print(f"{FACTOR} times the work took {more_over_once_median:.2f}x the time (medians)")

# %%
# Taking turns, and the best round
# --------------------------------
# The two measurements above ran one after the other.  On a shared machine the load
# changes from second to second, so timing A seven times and then B seven times can
# compare a quiet A with a busy B.  ``race`` runs each contender once per round,
# starting one place further on each round, and also counts the CPU seconds per
# second this process used while each one ran:
#
# .. literalinclude:: /../conc_examples/measure/rounds.py
#    :pyobject: race
#
# Which figure to report?  Load on the machine mostly adds time (not only: clock speeds
# and caches move both ways), so for "how fast can this go" the best round is usually the
# steadiest figure, as :mod:`timeit` suggests.  A chart of timed contenders draws each
# one's best round as the bar, with a whisker up to the slowest, and says so in its
# legend; a chart of what a typical run sees (the clocks page, chapter 10's cost per
# task) draws the median instead and names it on its axis.  The text prints the fastest,
# the median and the slowest.

compare = race(
    {
        "work x1": lambda: cpu_bound(iterations),
        f"work x{FACTOR}": lambda: cpu_bound(FACTOR * iterations),
    },
    rounds=5,
)
print(compare)
bar_chart(
    compare.timings,
    title=f"{FACTOR} times the work, in interleaved rounds",
    ideal=FACTOR * compare.timings["work x1"].min,
    ideal_label=f"{FACTOR} x the best round of x1",
)
show()

# %%
# How close to four is close enough?  As close as the rounds agree with each other: how
# far each contender's median round sits above its best.  Either best may have met a
# quieter moment than the other, so the ratio of the two may be off by both together;
# at least 10 %.  (The median, not the slowest: one round slowed by a neighbour's burst
# does not make the others disagree.)

from conc_examples.claims import LOAD, Need, claim

x1, x4 = compare.timings["work x1"], compare.timings[f"work x{FACTOR}"]
ratio = x4.min / x1.min
above_best = [t.median / t.min for t in (x1, x4)]
rounds_spread = max(above_best) - 1
spread = max(0.1, above_best[0] * above_best[1] - 1)
low, high = FACTOR / (1 + spread), FACTOR * (1 + spread)
claim(
    "Four times the work took four times the time, within the spread of the rounds",
    low <= ratio <= high,
    measured=f"{ratio:.2f}x, best round against best round; the median rounds sat up to"
    f" {rounds_spread:.0%} above their best",
    expected=f"{FACTOR}x, from {low:.2f}x to {high:.2f}x",
    why="the best round of one contender met a quieter moment than the other's",
    needs=Need(
        "rounds that agree within 50 %",
        rounds_spread <= 0.5,
        f"they spread {rounds_spread:.0%}",
        LOAD,
    ),
)

# %%
# Another clock, same helper
# --------------------------
# ``clock=`` swaps the wall clock for another one, like ``timer=`` in :mod:`timeit`.
# :func:`time.process_time` counts only the CPU time of this process (see the
# :ref:`clocks page <sphx_glr_chapters_09_benchmarking_03_three_clocks.py>`), so time
# that other programs spend on the CPU does not count (a neighbour on the same core
# still slows the work itself).  Neither clock is exact for runs this short (some
# systems count CPU time in ticks of a few milliseconds).  The site still reports wall
# time, because waiting is what concurrency is about.

cpu_clock = time.process_time
once_cpu = measure(lambda: cpu_bound(iterations), repeat=7, clock=cpu_clock)
more_cpu = measure(lambda: cpu_bound(FACTOR * iterations), repeat=7, clock=cpu_clock)
print(f"the work x1 by process_time: {once_cpu}")
print(f"the work x{FACTOR} by process_time: {more_cpu}")
more_over_once_cpu = more_cpu.median / once_cpu.median
print(f"{FACTOR} times the work took {more_over_once_cpu:.2f}x the CPU time")

# %%
# What a measurement is printed with
# ----------------------------------
# A number without its machine means little, so every figure and the landing page
# carry this one line:

print(caption())

# %%
# The ideal, and what this machine can really do
# ----------------------------------------------
# For parallel work the pages draw two more lines: the ideal :term:`speed-up` (the
# number of usable CPUs) and the :term:`measured ceiling`.  "2 CPUs" does not mean "2x".
# Two vCPUs may be the two hardware threads of one core, which share its execution units;
# clocks drop when more cores are busy (turbo runs one core fastest); and on a shared
# machine other programs take their turns.  So the site measures what independent
# processes reach here: N Python processes, started once and kept waiting, each running
# the same pure-Python work with nothing to share (no pool, no pickling, no start
# method).  A pool only adds costs to that; but the ceiling is a measurement, not a law:
# a pool timed a few seconds apart from it can beat it by the noise between the two
# moments.  The probe runs the work on one child alone, then on all side by side:
#
# .. literalinclude:: /../conc_examples/measure/ceiling.py
#    :pyobject: CeilingProbe.__call__

from conc_examples.measure.ceiling import CeilingProbe

with CeilingProbe(2, iterations) as probe:
    for _ in range(3):
        probe()
ceiling = probe.ceiling()
print(ceiling)

# %%
# The speed-up of a round is ``2 x alone / side by side``: two units of work in the time
# of ``side by side`` instead of one unit in the time of ``alone``.
#
# Paired rounds
# -------------
# The speed a CPU gives changes from one second to the next, so a ceiling measured a few
# seconds away from the program it judges says little about it.  Where a page says how
# close a process pool comes to the ceiling, the probe takes its turn in the same rounds,
# right after the pool's two workers did the same halves of the same job.  Each round's
# ratio (``together / pool``) is the share of the ceiling the pool reached at that
# moment, and the median of the rounds is the figure to report:
#
# .. literalinclude:: /../conc_examples/measure/ceiling.py
#    :pyobject: shares_of_ceiling
#
# ``measure_scaling`` does all of this in one call: a pool of each kind, workers started
# before any timing, the job split over 1, 2, ... workers in interleaved rounds, the
# probe's turn right after the 2-worker process pool, and the CPU seconds per second.
# Its chart draws the best round of one worker over each point's best round, so no pool
# starts above 1x, and beside it the CPUs in use: load on the machine can only lower
# that figure, so "threads used at most one CPU" holds in every build.  Where that is
# the claim (the GIL page), the page draws the CPUs in use alone (``cpus_chart``).
# :ref:`sphx_glr_chapters_04_gil_02_cpu_bound_and_the_gil.py` and
# :ref:`sphx_glr_chapters_06_futures_01_threads_vs_processes.py` use it.
#
# Take-away: warm up, repeat, take turns, report the best round with the spread, and
# draw the ideal and the measured ceiling beside the measurement.  Above, four times the
# work took four times the time within the spread of the rounds (the claims), and two
# independent processes reached the speed-up printed: this machine's ceiling, at that
# moment.
