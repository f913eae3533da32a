"""
Timing from the shell: python -m timeit
=======================================

For a quick question ("is a set faster than a list for this?") there is no need to write
a script: ``python -m timeit`` times a statement from the command line.  It picks the
number of loops by itself, repeats the measurement, and prints the best time per loop.
Here it runs as a :term:`child process` of :mod:`subprocess`, and the page prints what
it wrote, because what a child prints would not reach this page by itself.
"""

# %%
# The question: membership in a list or a set?
# ---------------------------------------------
# ``x in a_list`` compares ``x`` with the items one by one; ``x in a_set`` hashes ``x``
# and looks in one place.  The options are those of the Python function: ``-s`` is
# ``setup`` (run once, untimed), ``-n`` is ``number`` and ``-r`` is ``repeat``.

import re
import shlex
import subprocess
import sys

from conc_examples.claims import claim

SETUP = "items = list(range(1000)); as_set = set(items); last = 999"


def python_m_timeit(*args: str) -> str:
    """Run ``python -m timeit ARGS`` and return what it printed."""
    command = [sys.executable, "-m", "timeit", *args]
    print("$ python -m timeit " + shlex.join(args))
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    print(done.stdout.strip())
    return done.stdout


RESULT = re.compile(
    r"(?P<loops>\d+) loops?, best of \d+: (?P<value>[\d.]+) (?P<unit>[num]?sec) per loop"
)
UNIT = {"nsec": 1e-9, "usec": 1e-6, "msec": 1e-3, "sec": 1.0}


def seconds_per_loop(output: str) -> float:
    found = RESULT.search(output)
    return float(found["value"]) * UNIT[found["unit"]]


in_list = seconds_per_loop(python_m_timeit("-s", SETUP, "-n", "2000", "last in items"))
in_set = seconds_per_loop(python_m_timeit("-s", SETUP, "-n", "2000", "last in as_set"))
list_over_set = in_list / in_set
print(f"the set answers {list_over_set:,.0f} times faster than the list")
claim(
    "The set answered the membership test far faster than the list",
    list_over_set > 50,
    measured=f"{list_over_set:,.0f}x faster",
    expected="over 50x (a hash lookup against up to a thousand comparisons)",
)

# %%
# "best of 5" is the minimum of five repeats (the default ``-r 5``), each of 2000 loops,
# divided by the number of loops: the same arithmetic as :func:`timeit.repeat` followed
# by ``min``.  For the set, 2000 loops add up to only tens of microseconds per repeat,
# too short to be precise; the next run lets timeit choose a better number.
#
# Letting timeit choose the number of loops
# -----------------------------------------
# Without ``-n``, ``python -m timeit`` calls :meth:`timeit.Timer.autorange`: it tries 1,
# 2, 5, 10, 20, 50, ... loops until one measurement lasts at least 0.2 seconds, so that
# fast statements are looped more.  ``-r 3`` keeps this page quick; the default is 5.

auto = python_m_timeit("-s", SETUP, "-r", "3", "last in as_set")
auto_loops = int(RESULT.search(auto)["loops"])
print(f"timeit chose {auto_loops:,} loops for the set lookup")
claim(
    "Autorange looped the fast statement far more often than the loops chosen by hand",
    auto_loops >= 100_000,
    measured=f"{auto_loops:,} loops",
    expected="at least 100,000 (fifty times the 2000 chosen by hand)",
)

# %%
# ``-u`` picks the unit of the answer (``nsec``, ``usec``, ``msec`` or ``sec``) and
# ``-v`` prints every total, not only the best: the raw numbers behind "best of".

python_m_timeit("-s", SETUP, "-n", "1000", "-r", "3", "-v", "-u", "usec", "last in items")

# %%
# Take-away: ``python -m timeit -s SETUP STATEMENT`` answers a "which is faster?"
# question in one line, and prints the best of several repeats per loop; above, it
# showed how much faster a set answers a membership test than a list (the claims).
