"""
Noise: why this site reports the minimum and the median
=======================================================

Run the same code twice and it takes two different times.  The operating system
interrupts it to run other processes, caches are warm or cold, the CPU changes its clock
speed.  Most of that adds time; clock speed and caches move a run either way, but by
far less than an interruption costs.  So a single run is not a measurement, and an
average of runs says little about a typical one.  You will time one small piece of work
200 times and look at the spread.
"""

# %%
# Many runs of the same work
# --------------------------
# The work is the pure-Python loop that the other chapters use, sized to about 2 ms.
# Each run is timed with :func:`time.perf_counter`, the wall clock.

import statistics
import time

from conc_examples.charts.plotting import show
from conc_examples.work.workloads import calibrate, cpu_bound

RUNS = 200
iterations = calibrate(0.002)


def time_runs(count: int) -> list[float]:
    durations = []
    for _ in range(count):
        start = time.perf_counter()
        cpu_bound(iterations)
        durations.append(time.perf_counter() - start)
    return durations


runs_ms = [d * 1e3 for d in time_runs(RUNS)]
fastest, typical, average, slowest = (
    min(runs_ms),
    statistics.median(runs_ms),
    statistics.mean(runs_ms),
    max(runs_ms),
)
print(f"{RUNS} runs of the same work, in ms:")
print(
    f"  min {fastest:.3f}   median {typical:.3f}   mean {average:.3f}   max {slowest:.3f}"
)
slowest_over_fastest = slowest / fastest
print(f"the slowest run took {slowest_over_fastest:.1f}x the fastest")

# %%
# The distribution
# ----------------
# Look at where the runs pile up and how far they spread.  On a quiet machine they
# pile up just above the minimum, with a tail of slower runs on the right, where
# something else had the CPU for a while.  On a busy machine, or one whose CPU speed
# moves with its neighbours' load, the pile itself widens, both ways: a faster clock or
# warmer caches take time off a run as surely as an interruption adds it.  The time
# axis is logarithmic, so that a long tail fits beside the pile.

from conc_examples.charts.benchmark_charts import spread_histogram

summaries_ms = {"min": fastest, "median": typical, "mean": average}
spread_histogram(runs_ms, summaries_ms, title="The same work, timed again and again")
show()

# %%
# What one hiccup does to each summary
# ------------------------------------
# To see why the summaries behave differently, time one more run that is interrupted on
# purpose: it sleeps for 50 ms after its work, as if the OS had given the CPU to someone
# else.  Put it in place of a typical run above and summarise again.

HICCUP = 0.05
start = time.perf_counter()
cpu_bound(iterations)
time.sleep(HICCUP)
interrupted_ms = (time.perf_counter() - start) * 1e3

# Replace a typical run (the one closest to the median) with the interrupted one.
with_hiccup = runs_ms.copy()
typical_run = min(range(RUNS), key=lambda index: abs(runs_ms[index] - typical))
with_hiccup[typical_run] = interrupted_ms
summaries = {"min": min, "median": statistics.median, "mean": statistics.mean}
print(f"the interrupted run took {interrupted_ms:.1f} ms")
print(f"{'':<7}{'as measured':>12}{'one hiccup':>12}{'moved by':>11}")
moved = {}
for name, summary in summaries.items():
    before, after = summary(runs_ms), summary(with_hiccup)
    moved[name] = after - before
    print(f"{name:<7}{before:>11.3f} {after:>11.3f} {moved[name]:>+10.3f}  ms")

# %%
# The replaced run sat at the median, so the median can move only to a neighbour.

from conc_examples.claims import claim

ordered = sorted(runs_ms)
middle = RUNS // 2
step = max(ordered[middle + 1] - ordered[middle], ordered[middle] - ordered[middle - 1])
extra = interrupted_ms - runs_ms[typical_run]
claim(
    "One hiccup did not move the minimum at all",
    moved["min"] == 0,
    measured=f"moved by {moved['min']:+.3f} ms",
)
claim(
    "One hiccup moved the median by at most one step between neighbouring runs",
    0 <= moved["median"] <= step,
    measured=f"moved by {moved['median']:+.3f} ms; the step {step:.3f} ms",
)
claim(
    "One hiccup moved the mean by the hiccup's extra time over the number of runs",
    abs(moved["mean"] - extra / RUNS) < 0.05 * extra / RUNS,
    measured=f"moved by {moved['mean']:+.3f} ms; extra / runs = {extra / RUNS:.3f} ms",
    expected="within 5 %",
)

# %%
# How this site reports
# ---------------------
# * The **minimum** is the best estimate of what the code itself costs: the run that was
#   disturbed least (on a quiet machine; a turbo clock can make it a little optimistic).
#   :mod:`timeit` reports it ("best of 5").
#   The charts on this site draw the best run as the bar, and say so in the legend.
# * The **median** is what a typical run sees, and one or two outliers cannot drag it.
#   The text prints it beside the minimum; a chart that draws it names it.
# * The **maximum** stays on the chart as the top of the whisker, so the noise is visible
#   rather than hidden.
# * The **mean** is the wrong figure for a typical run, as the hiccup showed.  But total
#   time over the number of runs is the right one for *throughput* (work per second,
#   as :mod:`timeit`'s loops and chapter 10's tasks per second use it), where every
#   slow run counts.
#
# Take-away: repeated runs of identical work spread out above a floor, the minimum
# (above, the slowest run and the fastest differ by the printed factor); report the
# minimum and the median of several runs, never a single run, and a mean only for
# throughput.
