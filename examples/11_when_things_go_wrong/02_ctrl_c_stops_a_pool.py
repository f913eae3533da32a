"""
Ctrl-C stops a process pool
===========================

You will press Ctrl-C, for real, on a program that runs a process pool: by default the
pool ignores your wish and runs every job left before the program dies.  Then the
workers ignore ``SIGINT``, the parent cancels what has not started, stops or finishes
what runs, exits with status 130, and leaves no process behind.
"""

# %%
# What Ctrl-C really sends
# ------------------------
# A terminal runs your command in a :term:`process group`.  Ctrl-C sends ``SIGINT`` to the
# whole group: your program and every worker it started.  A page cannot press keys,
# so it does what the terminal does: it starts the program in a new session (its own
# group) and sends ``SIGINT`` to the group with :func:`os.killpg`.  This is POSIX
# only (Linux, macOS).  On Windows, Ctrl-C reaches every process of the console as
# ``CTRL_C_EVENT``; the initializer and the cancelling below work the same there.
#
# The program is small: a :class:`~concurrent.futures.ProcessPoolExecutor` with two
# workers and sixteen 0.2 s jobs.  It prints ``ready`` once the first job is done,
# so both workers are busy when the signal comes.
#
# .. literalinclude:: /../conc_examples/trouble/shutdown_programs.py
#    :pyobject: pool
#
# See how the parent waits for the jobs: it sleeps and counts the futures that ended,
# rather than call :func:`~concurrent.futures.wait` or
# :func:`~concurrent.futures.as_completed`.  Those take every future's lock, one by
# one, each time round; a :exc:`KeyboardInterrupt` raised between two of them leaves a
# lock held that nothing will release.  The pool's own thread then blocks on it, and
# ``shutdown`` never returns.  This page hung that way twice in about two hundred
# runs on a busy machine, until its parent slept instead.

import multiprocessing
import os
import signal
import time

from conc_examples.trouble.shutdown_programs import (
    alive_in_group,
    start,
    wait_for_end,
    wait_until_ready,
)


def press_ctrl_c(mode: str) -> dict:
    """Run the pool program in MODE, send its group SIGINT, and see how it ended."""
    child = start("pool", mode, multiprocessing.get_start_method())
    wait_until_ready(child)
    pressed = time.perf_counter()
    os.killpg(child.pid, signal.SIGINT)  # Ctrl-C, as a terminal sends it
    out, err = wait_for_end(child, timeout=10)  # or kill the group 10 s later
    return {
        "status": child.returncode,
        "seconds to stop": round(time.perf_counter() - pressed, 2),
        "jobs": out.split("jobs=")[-1].strip(),
        "tracebacks": err.count("Traceback"),
        "last stderr line": (err.strip().splitlines() or [""])[-1],
        "left running": alive_in_group(child.pid),
    }


# %%
# By default
# ----------
# Every process in the group gets ``SIGINT``, and in each one Python raises
# :exc:`KeyboardInterrupt` wherever the main thread is.

default = press_ctrl_c("default")
for key, value in default.items():
    print(f"{key:>16}: {value}")

from conc_examples.claims import claim

claim(
    "By default the program died of SIGINT, with a traceback",
    default["status"] == -signal.SIGINT
    and default["tracebacks"] >= 1
    and default["last stderr line"] == "KeyboardInterrupt",
    measured=f"status {default['status']}, {default['tracebacks']} traceback(s),"
    f" ending {default['last stderr line']!r}",
    expected="status -2, a traceback ending 'KeyboardInterrupt'",
)
claim(
    "By default Ctrl-C interrupted the running jobs, yet every queued job still ran",
    "interrupted:2" in default["jobs"] and "cancelled" not in default["jobs"],
    measured=default["jobs"],
    expected="2 interrupted, none cancelled",
)

# %%
# Read it from the top.  The status is ``-2``: the program died *of* ``SIGINT``
# (a shell shows 130, 128 + 2).  The two running jobs were interrupted inside the
# workers: their futures hold the :exc:`KeyboardInterrupt`.  But the workers lived on
# and ran every job still queued, and only then did the program stop, with a
# traceback.  The pool's exit waits for all submitted work: Ctrl-C did not stop it.
# (Had the signal found a worker *between* two jobs, that worker would have died with
# a traceback of its own, and every job left would fail with ``BrokenProcessPool``.)
#
# Workers that ignore Ctrl-C, a parent that decides
# -------------------------------------------------
# Let one process decide: the parent.  The pool's ``initializer`` runs in each worker
# as it starts; there it ignores ``SIGINT``.  The parent catches
# :exc:`KeyboardInterrupt`, calls ``shutdown(cancel_futures=True)`` so that jobs not
# yet started are dropped, waits for those that run, and exits with 130, the status a
# shell gives a program stopped by Ctrl-C.
#
# .. literalinclude:: /../conc_examples/trouble/shutdown_programs.py
#    :pyobject: prepare_worker

finish = press_ctrl_c("finish")
for key, value in finish.items():
    print(f"{key:>16}: {value}")


def stopped_cleanly(ended: dict) -> bool:
    return (
        ended["status"] == 130
        and ended["tracebacks"] == 0
        and "cancelled:" in ended["jobs"]
        and "interrupted" not in ended["jobs"]
    )


claim(
    "With workers that ignore SIGINT, the parent cancelled the queued jobs and exited 130",
    stopped_cleanly(finish) and "abandoned" not in finish["jobs"],
    measured=f"status {finish['status']}, {finish['tracebacks']} tracebacks,"
    f" jobs {finish['jobs']}",
    expected="status 130, no traceback, some cancelled, none interrupted",
)

# %%
# No traceback, status 130, and the jobs that were never started are ``cancelled``.
# Those that ran finished; so did the few that the pool had already handed to the
# workers' queue (``cancel_futures`` cannot take those back).
#
# Abandoning what runs
# --------------------
# Finishing a running job may take too long.  A job can be asked to stop: the
# parent sets a :class:`multiprocessing.Event` it gave every worker, and the job
# checks it between small steps and returns early.  (There is no safe way to stop a
# job from outside but killing its process.)
#
# .. literalinclude:: /../conc_examples/trouble/shutdown_programs.py
#    :pyobject: job

abandon = press_ctrl_c("abandon")
for key, value in abandon.items():
    print(f"{key:>16}: {value}")

# %%
# The running jobs returned ``abandoned`` within their next 10 ms step, so the
# program stopped sooner than by finishing them.

claim(
    "Asking the running jobs to stop ended the program sooner than finishing them",
    stopped_cleanly(abandon)
    and "abandoned:" in abandon["jobs"]
    and abandon["seconds to stop"] < finish["seconds to stop"],
    measured=f"{abandon['seconds to stop']} s against {finish['seconds to stop']} s,"
    f" jobs {abandon['jobs']}",
    expected="sooner, status 130, some jobs abandoned",
)
left = [pid for ended in (default, finish, abandon) for pid in ended["left running"]]
claim(
    "No process of the program was left running, whichever way it stopped",
    left == [],
    measured=f"{len(left)} left running",
    expected="none",
)

# %%
# Take-away: make the workers ignore ``SIGINT``, let the parent wait where a
# :exc:`KeyboardInterrupt` holds no lock (a sleep), then cancel, stop and wait; Ctrl-C
# then ends the pool with status 130 and no worker left running, instead of after
# every queued job and a traceback.
