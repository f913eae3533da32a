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
# The ``if __name__ == "__main__":`` guard matters under the ``spawn`` start method:
# the child imports the main script, and must not start children of its own
# (:doc:`02_start_methods` shows why).

import multiprocessing
import os
import queue
import subprocess
import sys

from conc_examples.measure.machine import start_method
from conc_examples.work.mp_workers import run_until_stopped
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
            child.join(timeout=30)
    reports.close()
    reports.join_thread()
    for report in sorted(received, key=lambda r: r["name"]):
        print(f"child:  pid {report['pid']}, name {report['name']!r}")
    for child in children:
        print(f"{child.name!r}: exitcode {child.exitcode}, alive {child.is_alive()}")
    child_names = sorted(report["name"] for report in received)
    child_pids = [report["pid"] for report in received]
    exitcodes = [child.exitcode for child in children]

# %%
# Each child reported a pid that is not the parent's, and the name you gave one of them.
# After ``join()`` a child is no longer alive, and its ``exitcode`` is 0: it returned
# normally.
#
# Stopping a child that would run forever
# ---------------------------------------
# A child that serves or polls runs until someone stops it.  ``terminate()`` sends it
# ``SIGTERM`` (``TerminateProcess`` on Windows); you still ``join()`` it to collect
# its exit status.  Its ``exitcode`` is minus the signal's number: killed by signal 15,
# ``SIGTERM``.
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
    service.terminate()
    service.join(timeout=30)
    exitcode_after_terminate = service.exitcode
    print(f"after terminate():   alive {service.is_alive()}, exitcode {service.exitcode}")

# %%
# ``join(timeout=...)`` returned after 0.3 s with the child still running (exitcode
# ``None`` means "not finished"); ``terminate()`` ended it.
#
# Daemon processes
# ----------------
# A :term:`daemon` process is a background helper that must not keep the program alive.
# When the parent's interpreter exits normally, :mod:`multiprocessing` terminates each
# daemonic child *and then joins it*, so none is left behind; non-daemonic children are
# only joined, and can keep the parent waiting.  On an abnormal end (``os._exit``, a
# kill signal) none of this runs.  To watch it you need a parent that exits, so you run
# a small program as a child of your own: it starts a daemon that would run forever,
# prints its pid, and returns without joining it.
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
    daemon_pid, alive_then = finished.stdout.split()
    print(f"the program's daemon child: pid {daemon_pid}, alive {alive_then}")
    print(f"the program exited with status {finished.returncode}")
    if os.name == "posix":  # signal 0 checks that a process exists (POSIX only)
        try:
            os.kill(int(daemon_pid), 0)
            daemon_gone = False
        except ProcessLookupError:
            daemon_gone = True
        print(f"its daemon is gone: {daemon_gone}")
    daemon_program_status = finished.returncode

# %%
# The program ended at once, although its daemon child would have run for ever: the
# daemon was terminated, and then joined, on the way out.  (A daemon process may not
# start children of its own: terminating it would leave them orphaned.)
#
# Take-away: ``start()`` then ``join()`` every child (with a timeout), name children so
# their logs say who is who, read ``exitcode`` to learn how each ended (minus the
# signal's number above, for the child that ``terminate()`` ended), and stop a child
# that would run forever with ``terminate()``, or make it a daemon that a normal exit
# terminates and joins for you.
