"""
Process basics: start, name, join, terminate
============================================

A :class:`multiprocessing.Process` runs one function in a :term:`child process`.  You
will start two children and read who they are and how they ended, stop one that would
never end by itself, and watch a *daemon* child go when its parent exits.
"""

# %%
# Start, join, and who is who
# ---------------------------
# ``start()`` creates the child and returns at once; ``join()`` waits for it to end.
# The child is another process, with its own :term:`PID`, and a name: ``Process-1``,
# ``Process-2``... unless you choose one.  The child puts what it knows about itself on
# a queue, because what it prints never reaches this page:
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: report_whoami
#
# ``join(timeout)`` returns when the time is up even if the child still runs, and
# carrying on then does not help: when your program exits, :mod:`multiprocessing` joins
# every child that is not a daemon, with no timeout, so the program would hang there.
# So a child that outlives its timeout is stopped: ``terminate()`` (``SIGTERM``, which
# the child may handle to clean up), a grace period, then ``kill()`` (``SIGKILL``,
# which it cannot), and a last ``join()``.
#
# The ``if __name__ == "__main__":`` guard matters under the ``spawn`` start method:
# the child imports the main script, and must not start children of its own
# (:doc:`02_start_methods` shows why).

import multiprocessing
import os
import queue
import signal
import subprocess
import sys

from conc_examples.claims import claim
from conc_examples.measure.machine import start_method
from conc_examples.work.mp_workers import join_or_stop, run_until_stopped
from conc_examples.work.workloads import report_whoami

if __name__ == "__main__":
    print(f"start method: {start_method()}")
    parent_pid = os.getpid()
    print(f"parent: pid {parent_pid}, name {multiprocessing.current_process().name!r}")
    reports = multiprocessing.Queue()
    children = [
        multiprocessing.Process(target=report_whoami, args=(reports,)),
        multiprocessing.Process(target=report_whoami, args=(reports,), name="reporter"),
    ]
    for child in children:
        child.start()
    try:
        received = [reports.get(timeout=30) for _ in children]
    except queue.Empty:
        raise SystemExit("a child sent no report within 30 s") from None
    finally:
        for child in children:
            join_or_stop(child, timeout=30)
    reports.close()
    reports.join_thread()
    for report in sorted(received, key=lambda r: r["name"]):
        print(f"child:  pid {report['pid']}, name {report['name']!r}")
    for child in children:
        print(f"{child.name!r}: exitcode {child.exitcode}, alive {child.is_alive()}")
    child_names = sorted(report["name"] for report in received)
    child_pids = [report["pid"] for report in received]
    exitcodes = [child.exitcode for child in children]
    claim(
        "Each child reported a pid of its own, not the parent's",
        len(set(child_pids)) == len(children) and parent_pid not in child_pids,
        measured=f"parent {parent_pid}, children {child_pids}",
    )
    claim(
        "The child you named reported that name, the other a default one",
        child_names[1] == "reporter" and child_names[0].startswith("Process-"),
        measured=f"names {child_names}",
    )
    claim(
        "Both children returned normally: exit code zero, no longer alive",
        exitcodes == [0, 0] and not any(child.is_alive() for child in children),
        measured=f"exit codes {exitcodes}",
    )

# %%
# Stopping a child that would run forever
# ---------------------------------------
# A child that serves or polls runs until someone stops it.  ``join(timeout=0.3)``
# returns with the child still running (exitcode ``None`` means "not finished"), so
# ``join_or_stop`` goes on to ``terminate()``: ``SIGTERM`` (``TerminateProcess`` on
# Windows), then the join that collects its exit status.  Its ``exitcode`` is minus
# the signal's number.
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: run_until_stopped

if __name__ == "__main__":
    service = multiprocessing.Process(target=run_until_stopped, name="service")
    service.start()
    service.join(timeout=0.3)
    alive_before_terminate = service.is_alive()
    print(
        f"after waiting 0.3 s: alive {alive_before_terminate}, exitcode {service.exitcode}"
    )
    join_or_stop(service, timeout=0)
    exitcode_after_terminate = service.exitcode
    print(f"after terminate():   alive {service.is_alive()}, exitcode {service.exitcode}")
    claim(
        "The service outlived the timeout, and terminate() ended it by SIGTERM",
        alive_before_terminate and exitcode_after_terminate == -signal.SIGTERM,
        measured=f"alive after 0.3 s: {alive_before_terminate};"
        f" exitcode {exitcode_after_terminate}",
        expected=f"exitcode {-signal.SIGTERM}, minus SIGTERM",
    )

# %%
# Daemon processes
# ----------------
# A :term:`daemon` process is a background helper that must not keep the program alive.
# When the parent's interpreter exits normally, :mod:`multiprocessing` terminates each
# daemonic child *and then joins it*, so none is left behind; non-daemonic children are
# only joined, and can keep the parent waiting.  On an abnormal end (``os._exit``, a
# kill signal) none of this runs.  To watch it you need a parent that exits, so you run
# a small program as a child of your own: it starts a daemon that would run forever,
# prints its pid, and returns without joining it.  Its very last act, after
# :mod:`multiprocessing` has terminated and joined the daemon, prints the daemon's exit
# code.
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: leave_a_daemon_behind

if __name__ == "__main__":
    program = (
        "from conc_examples.work.mp_workers import leave_a_daemon_behind;"
        f"leave_a_daemon_behind({start_method()!r})"
    )
    finished = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    daemon_pid, alive_then, daemon_exitcode = finished.stdout.split()
    print(f"the program's daemon child: pid {daemon_pid}, alive {alive_then}")
    print(f"at the program's exit the daemon ended with exitcode {daemon_exitcode}")
    print(f"the program exited with status {finished.returncode}")
    daemon_program_status = finished.returncode
    claim(
        "The program exited cleanly, and its exit terminated its daemon",
        finished.returncode == 0 and int(daemon_exitcode) == -signal.SIGTERM,
        measured=f"program status {finished.returncode}, daemon exitcode {daemon_exitcode}",
        expected=f"status 0, daemon {-signal.SIGTERM}",
    )

# %%
# The program ended at once, although its daemon child would have run for ever: the
# daemon was terminated, and then joined, on the way out.  (A daemon process may not
# start children of its own: terminating it would leave them orphaned.)
#
# Take-away: ``start()`` then ``join()`` every child with a timeout, and stop one that
# outlives it (``terminate()``, a grace period, ``kill()``); name children so their logs
# say who is who; read ``exitcode`` to learn how each ended (minus the signal's
# number, as above); or make a helper a daemon that a normal exit terminates and joins
# for you.
