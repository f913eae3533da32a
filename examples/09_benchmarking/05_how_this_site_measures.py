"""
How this site measures
======================

Every timing on the other pages comes from one small helper, ``conc_examples.timing``,
built on the lessons of this chapter: the wall clock (:func:`time.perf_counter`), a
warm-up run that is thrown away, several measured runs, and a summary that keeps the
spread (minimum, median, maximum) instead of one number.  This page shows its code and
uses it once, on a claim simple enough to check by eye: four times the work takes four
times the time.
"""

# %%
# The helper
# ----------
# ``measure`` calls the function once unmeasured (the warm-up pays for first-call costs:
# imports, caches, the interpreter specialising the code), then ``repeat`` times
# measured:
#
# .. literalinclude:: /../conc_examples/timing.py
#    :pyobject: measure
#
# and returns a ``Timing``, which keeps every run and summarises them:
#
# .. literalinclude:: /../conc_examples/timing.py
#    :pyobject: Timing
#
# Work is sized from the machine, never hard-coded, so that pages stay fast on a slow
# machine and measurable on a fast one.  ``calibrate`` takes the best of three probes,
# for the reason the noise page showed:
#
# .. literalinclude:: /../conc_examples/workloads.py
#    :pyobject: calibrate

import time

from conc_examples.machine import caption
from conc_examples.plotting import bar_chart, show
from conc_examples.results import record
from conc_examples.timing import measure
from conc_examples.workloads import calibrate, cpu_bound

FACTOR = 4
iterations = calibrate(0.02)
once = measure(lambda: cpu_bound(iterations), repeat=7, warmup=1)
more = measure(lambda: cpu_bound(FACTOR * iterations), repeat=7, warmup=1)
print(f"the work x1: {once}")
print(f"the work x{FACTOR}: {more}")
print(f"{FACTOR} times the work took {more.min / once.min:.2f}x the time (fastest runs)")
print(f"{FACTOR} times the work took {more.median / once.median:.2f}x the time (medians)")
record("more_over_once_min", more.min / once.min)
record("more_over_once_median", more.median / once.median)

# %%
# The picture
# -----------
# Each bar is a median, each whisker runs from the fastest to the slowest run, and the
# dashed line is the ideal the claim is measured against: exactly four times the median
# of the single work.  Every chart on the site is drawn this way, with the machine caption
# underneath.

figure = bar_chart(
    {"work x1": once.scaled(1e3), f"work x{FACTOR}": more.scaled(1e3)},
    title=f"{FACTOR} times the work, measured with conc_examples.timing",
    ideal=FACTOR * once.median * 1e3,
    ideal_label=f"{FACTOR} x the median of x1",
    ylabel="wall time (ms)",
)
figure.axes[0].legend(loc="upper left")
show()

# %%
# Another clock, same helper
# --------------------------
# ``clock=`` swaps the wall clock for another one, like ``timer=`` in :mod:`timeit`.
# :func:`time.process_time` counts only the CPU time of this process (see the
# :ref:`clocks page <sphx_glr_chapters_09_benchmarking_03_three_clocks.py>`), so time
# that other programs spend on the CPU does not count, and on a busy machine the CPU-time
# ratio usually wanders less than the wall-clock one.  Neither clock is exact for runs
# this short (some systems count CPU time in ticks of a few milliseconds).  The site
# still reports wall time, because waiting is what concurrency is about.

cpu_clock = time.process_time
once_cpu = measure(lambda: cpu_bound(iterations), repeat=7, clock=cpu_clock)
more_cpu = measure(lambda: cpu_bound(FACTOR * iterations), repeat=7, clock=cpu_clock)
print(f"the work x1 by process_time: {once_cpu}")
print(f"the work x{FACTOR} by process_time: {more_cpu}")
print(f"{FACTOR} times the work took {more_cpu.median / once_cpu.median:.2f}x the CPU time")
record("more_over_once_cpu", more_cpu.median / once_cpu.median)

# %%
# What a measurement is printed with
# ----------------------------------
# A number without its machine means little, so every figure and the landing page
# carry this one line:

print(caption())

# %%
# For parallel work the pages draw two more lines: the ideal :term:`speed-up` (the
# number of usable CPUs) and the :term:`measured ceiling`, the speed-up that fully
# independent processes reach on this machine (``conc_examples.ceiling``); on a machine
# whose two CPUs are one core's two hardware threads it is well below 2.
# :ref:`sphx_glr_chapters_06_futures_01_threads_vs_processes.py` draws both.
#
# Comparisons are measured in rounds, not one contender after another: on a shared
# machine the speed of a CPU changes from one second to the next, so timing A five
# times and then B five times can compare a quiet A with a busy B.
# ``measure_interleaved`` runs each contender once per round, starting one place
# further on each round:
#
# .. literalinclude:: /../conc_examples/timing.py
#    :pyobject: measure_interleaved
#
# Where a page says how close a pool comes to the ceiling, the ceiling takes its turn
# in the same short rounds (``conc_examples.ceiling.CeilingProbe`` keeps its
# independent processes waiting, so a turn costs only the work), and each round of the
# pool is judged against that round's ceiling.  The median of those ratios changes
# far less from one build to the next than a ratio of two medians measured seconds
# apart.
#
# Take-away: warm up, repeat, keep the minimum, median and maximum, and draw the ideal
# beside the measurement.  Above, four times the work took several times as long by
# both clocks (the ratios printed, against an ideal of 4), and the whiskers show how much
# the runs varied around the medians.
