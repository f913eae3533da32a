"""
Starting a child and reading its exit status
============================================

A process can start other processes: its *children*.  The parent learns how a child
ended from its *exit status*: 0 for success, another number the child chose for
failure, or (on POSIX) a negative number naming the signal that killed it.  This page
starts children two ways: another program with :mod:`subprocess`, and a Python
function with :mod:`multiprocessing`.
"""

# %%
# Another program: :mod:`subprocess`
# -----------------------------------
# The child is a fresh Python interpreter running one line of code.  It chooses its
# exit status with :func:`sys.exit`; the parent reads it from ``returncode``.

import multiprocessing
import os
import queue
import signal
import subprocess
import sys

from conc_examples.machine import start_method
from conc_examples.results import record
from conc_examples.workloads import report_whoami

for code in ["pass", "import sys; sys.exit(3)"]:
    child = subprocess.run([sys.executable, "-c", code], timeout=30)
    print(f"child running {code!r:<26} exited with status {child.returncode}")
    record(f"exit_status[{code}]", child.returncode)

# %%
# A child that would run forever can be stopped.  :meth:`~subprocess.Popen.terminate`
# sends it ``SIGTERM``; once it has gone, :meth:`~subprocess.Popen.wait` collects its
# status, so no zombie is left behind.  A negative status means "killed by that signal"
# (POSIX).  Windows has no signals: ``terminate()`` ends the child with status 1.

forever = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
forever.terminate()
status = forever.wait(timeout=30)
if status < 0:
    print(f"terminated child: status {status} = killed by {signal.Signals(-status).name}")
else:
    print(f"terminated child: status {status}")
record("terminated_status", status)

# %%
# A Python function: :mod:`multiprocessing`
# -----------------------------------------
# :class:`multiprocessing.Process` runs a function in a child process.  A process has
# no return value, and what a child prints goes to the terminal, not to us (nor to this
# page), so the child sends its report back over a :class:`multiprocessing.Queue`.
# The function lives in an importable module, because with the ``spawn`` and
# ``forkserver`` start methods the child imports it afresh:
#
# .. literalinclude:: /../conc_examples/workloads.py
#    :pyobject: report_whoami
#
# .. literalinclude:: /../conc_examples/workloads.py
#    :pyobject: whoami
#
# The ``if __name__ == "__main__":`` guard keeps a ``spawn`` child, which imports this
# script as a module, from starting children of its own.

if __name__ == "__main__":
    results = multiprocessing.Queue()
    child = multiprocessing.Process(target=report_whoami, args=(results,), name="reporter")
    child.start()
    try:
        report = results.get(timeout=30)
    except queue.Empty:
        raise SystemExit("the child sent no report within 30 s") from None
    finally:
        child.join(timeout=30)
    results.close()
    results.join_thread()

    print(f"start method: {start_method()}")
    print(f"parent: pid {os.getpid()}")
    print(f"child:  pid {report['pid']}, name {report['name']!r}, ppid {report['ppid']}")
    print(f"child exit status: {child.exitcode}")
    record("mp_child_pid_differs", report["pid"] != os.getpid())
    record("mp_child_name", report["name"])
    record("mp_child_exitcode", child.exitcode)

# %%
# Under ``fork`` and ``spawn`` the child's parent is this process.  Under
# ``forkserver`` it is not: a *fork server* process, started on first use, forks every
# child, so the child's ``ppid`` is the fork server's pid.
#
# The exit status of a :class:`~multiprocessing.Process` works like ``returncode``:
# here the function returned normally, so it is 0.  A child that calls ``sys.exit(3)``
# has ``exitcode`` 3, and one killed by a signal has minus the signal's number.

if __name__ == "__main__":
    endings = {
        "sys.exit(3)": (sys.exit, (3,)),
        "signal.raise_signal(SIGTERM)": (signal.raise_signal, (signal.SIGTERM,)),
    }
    for label, (target, args) in endings.items():
        child = multiprocessing.Process(target=target, args=args)
        child.start()
        child.join(timeout=30)
        print(f"child calling {label:<28} exitcode {child.exitcode}")
        record(f"mp_exitcode[{target.__name__}]", child.exitcode)

# %%
# Take-away: a parent learns how each child ended from its exit status, and must wait
# for (join) every child it starts.  Output the reader should see is sent back by the
# child and printed by the parent.
