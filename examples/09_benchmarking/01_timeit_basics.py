"""
Timing a snippet with timeit
============================

How long does ``sorted(data)`` take on a thousand numbers?  One call is far too short to
time with a stopwatch: the clock's own cost and a single interruption by the operating
system would swamp it.  :mod:`timeit` runs the snippet many times in a loop and divides,
and it keeps the set-up (building ``data``) out of the measurement.  You will try its
arguments one by one (``stmt``, ``setup``, ``number``, ``repeat``, ``globals``,
``timer``, a function instead of a string) and catch the one thing it switches off while
it times: the garbage collector.
"""

# %%
# ``stmt``, ``setup`` and ``number``
# ----------------------------------
# :func:`timeit.timeit` compiles ``setup`` and ``stmt``, runs ``setup`` once (untimed),
# then runs ``stmt`` ``number`` times and returns the **total** seconds of all the
# loops.  Divide by ``number`` to get the time of one run.

import statistics
import time
import timeit

from conc_examples.claims import claim

SIZE = 1_000
LOOPS = 200
setup = f"import random; random.seed(1); data = [random.random() for _ in range({SIZE})]"

total = timeit.timeit(stmt="sorted(data)", setup=setup, number=LOOPS)
per_loop = total / LOOPS
print(f"{LOOPS} loops took {total * 1e3:.2f} ms in total")
print(f"one sorted() of {SIZE} floats: {per_loop * 1e6:.1f} µs")

# %%
# One total can be disturbed by the rest of the machine (the end of this page shows by
# how much), so from here on every number is the best of five totals.
# :func:`timeit.repeat` takes the same arguments plus ``repeat``, and returns every total.


def best_per_loop(stmt, **options) -> float:
    """Seconds per loop: the fastest of five totals, divided by the number of loops."""
    return min(timeit.repeat(stmt, repeat=5, number=LOOPS, **options)) / LOOPS


sort_only = best_per_loop("sorted(data)", setup=setup)
print(f"one sorted() of {SIZE} floats, best of 5: {sort_only * 1e6:.1f} µs")

# %%
# ``setup`` is not timed
# ----------------------
# Building the list of random numbers is work too.  Put it in ``stmt`` instead and the
# measurement times the building as well as the sort: keep what you do *not* want to
# measure in ``setup``.

build = f"import random; data = [random.random() for _ in range({SIZE})]"
build_only = best_per_loop(build)
with_build = best_per_loop(build + "; sorted(data)")
print(f"sort only (build in setup): {sort_only * 1e6:7.1f} µs")
print(f"build only:                 {build_only * 1e6:7.1f} µs")
print(f"build + sort, both in stmt: {with_build * 1e6:7.1f} µs")
claim(
    "Moving the list's construction into stmt added its cost to the answer",
    with_build - sort_only > 0.5 * build_only,
    measured=f"{(with_build - sort_only) * 1e6:.0f} µs more than the sort alone;"
    f" the construction alone took {build_only * 1e6:.0f} µs",
    expected="more than half the construction's own time",
)

# %%
# ``globals``: where the names come from
# --------------------------------------
# :mod:`timeit` pastes ``stmt`` into a small function that it compiles in the
# namespace of the :mod:`timeit` module itself.  So the snippet sees timeit's own
# imports (``gc``, ``sys``, ``time``), not the variables of your script.  Timing a name
# defined here fails:

numbers = list(range(SIZE, 0, -1))
try:
    timeit.timeit("sorted(numbers)", number=1)
except NameError as error:
    name_error = str(error)
    print(f"NameError: {name_error}")
timeit.timeit("gc.isenabled()", number=1)  # no NameError: timeit imported gc itself

# %%
# Pass ``globals=`` a dictionary of names the snippet may use.  ``globals()`` (this
# module's own namespace) is the common choice; a small dictionary says exactly what the
# snippet depends on.

from_module = best_per_loop("sorted(numbers)", globals=globals())
explicit = best_per_loop("sorted(numbers)", globals={"numbers": numbers})
print(f"globals=globals():             {from_module * 1e6:6.1f} µs per loop")
print(f"globals={{'numbers': numbers}}: {explicit * 1e6:6.1f} µs per loop")

# %%
# ``numbers`` counts down, and ``sorted`` finds one long run in it and reverses it;
# random ``data`` has no runs to find.  A benchmark measures *its* data, so choose data
# like the real one.

claim(
    "Descending numbers sorted much faster than random data of the same size",
    sort_only > 1.5 * from_module,
    measured=f"random {sort_only * 1e6:.1f} µs, descending {from_module * 1e6:.1f} µs",
    expected="random over 1.5 times slower",
)
#
# A callable instead of a string
# ------------------------------
# ``stmt`` (and ``setup``) may also be a function that takes no arguments.  There is
# nothing to compile and the names are the function's own, at the price of one function
# call per loop, which matters only for the tiniest snippets.


def sort_numbers() -> list[int]:
    return sorted(numbers)


as_callable = best_per_loop(sort_numbers)
print(f"callable: {as_callable * 1e6:6.1f} µs per loop")
print(f"string:   {from_module * 1e6:6.1f} µs per loop (from above)")
claim(
    "The callable and the string timed the same sort, within the noise",
    0.2 < as_callable / from_module < 5,
    measured=f"callable {as_callable / from_module:.2f}x the string's time",
    expected="0.2x to 5x (one call per loop is small beside a sort)",
)

# %%
# ``repeat``: several totals, not one
# -----------------------------------
# Here are the five totals behind one such number, each turned into time per loop.
# They differ, because the rest of the machine does not stand still.  The
# :mod:`timeit` documentation advises the minimum.  Most noise adds time (another
# process on the CPU, an interrupt); some moves a run either way (the CPU's clock
# speed, what is in the caches), so the minimum is the least disturbed run, not the
# code's exact cost.  This site also prints the median, what a typical run sees (see
# :ref:`sphx_glr_chapters_09_benchmarking_04_noise_min_median.py`).

totals = timeit.repeat("sorted(data)", setup=setup, number=LOOPS, repeat=5)
per_loop_runs = [t / LOOPS * 1e6 for t in totals]
print("per loop, each repeat (µs):", ", ".join(f"{t:.1f}" for t in per_loop_runs))
print(
    f"min {min(per_loop_runs):.1f} µs, median {statistics.median(per_loop_runs):.1f} µs,"
    f" max {max(per_loop_runs):.1f} µs"
)

# %%
# ``timer``: which clock
# ----------------------
# By default :mod:`timeit` reads :func:`time.perf_counter`, the wall clock: the time a
# user waits.  ``timer=`` takes another clock; :func:`time.process_time` counts only the
# CPU time this process used, so a snippet that sleeps costs almost nothing by it.  The
# difference is the subject of :ref:`sphx_glr_chapters_09_benchmarking_03_three_clocks.py`.

nap = "time.sleep(0.01)"
wall = timeit.timeit(nap, setup="import time", number=5)
cpu = timeit.timeit(nap, setup="import time", number=5, timer=time.process_time)
print(f"5 naps of 10 ms, timer=perf_counter: {wall * 1e3:5.1f} ms")
print(f"5 naps of 10 ms, timer=process_time: {cpu * 1e3:5.1f} ms")
claim(
    "The wall clock counted the naps; process_time almost did not",
    wall >= 0.05 and cpu < 0.02,
    measured=f"perf_counter {wall * 1e3:.1f} ms, process_time {cpu * 1e3:.1f} ms",
    expected="at least the 50 ms of naps; under 20 ms",
)

# %%
# The garbage collector is off while timeit times
# ------------------------------------------------
# :meth:`timeit.Timer.timeit` switches the cyclic garbage collector off for the loop,
# and back on after, so that a collection does not land in one total and not another.
# Ask it from inside the snippet:

import gc

gc_during = []
timeit.timeit("gc_during.append(gc.isenabled())", globals=globals(), number=1)
gc_with_setup = []
timeit.timeit(
    "gc_with_setup.append(gc.isenabled())", "gc.enable()", number=1, globals=globals()
)
print(f"gc enabled here: {gc.isenabled()}; inside the timed loop: {gc_during[0]}")
print(f"inside, with setup='gc.enable()': {gc_with_setup[0]}")
claim(
    "The collector was off inside the timed loop, unless setup switched it on",
    gc_during == [False] and gc_with_setup == [True],
    measured=f"inside: {gc_during[0]}; with setup='gc.enable()': {gc_with_setup[0]}",
)

# %%
# That makes the numbers steadier, and flatters code that makes many objects: in a real
# program the collector runs.  If the snippet allocates a lot, time it both ways, with
# ``setup="gc.enable()"`` for the second.

# %%
# Take-away: put the work you measure in ``stmt`` and everything else in ``setup``;
# give the snippet its names with ``globals`` (or pass a function); repeat and report
# the minimum and the median; remember that the collector was off.  Above, where the
# list was built and which clock read the naps changed the answer (the claims above).
