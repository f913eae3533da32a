"""
Starting a child and reading its exit status
============================================

A process can start other processes: its *children*.  You learn how a child ended from
its *exit status*: 0 for success, another number the child chose for failure, or (on
POSIX) a negative number naming the signal that killed it.  On this page you start
children two ways: another program with :mod:`subprocess`, and a Python function with
:mod:`multiprocessing`.
"""

# %%
# Another program: :mod:`subprocess`
# -----------------------------------
# The child is a fresh Python interpreter running one line of code.  It chooses its exit
# status with :func:`sys.exit`; you read it from ``returncode``.
#
# Everything on this page that starts a process sits under ``if __name__ ==
# "__main__":``.  Why that matters is the last section's story; for now, read each block
# as "run this only when the file is run as a program".

import multiprocessing
import os
import queue
import signal
import subprocess
import sys

from conc_examples.claims import claim
from conc_examples.measure.machine import start_method
from conc_examples.work.workloads import report_whoami

if __name__ == "__main__":
    exit_status = {}
    for code in ["pass", "import sys; sys.exit(3)"]:
        child = subprocess.run([sys.executable, "-c", code], timeout=30)
        exit_status[code] = child.returncode
        print(f"child running {code!r:<26} exited with status {child.returncode}")
    claim(
        "Each child exited with the status it chose",
        exit_status == {"pass": 0, "import sys; sys.exit(3)": 3},
        measured=f"statuses {list(exit_status.values())}",
        expected="0 for the child that returned, 3 for sys.exit(3)",
    )

# %%
# A child that would run forever can be stopped.  :meth:`~subprocess.Popen.terminate`
# sends it ``SIGTERM``; once it has gone, :meth:`~subprocess.Popen.wait` collects its
# status, so no zombie is left behind.  A negative status means "killed by that signal"
# (POSIX).  Windows has no signals: ``terminate()`` ends the child with status 1.

if __name__ == "__main__":
    forever = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    forever.terminate()
    terminated_status = forever.wait(timeout=30)
    if terminated_status < 0:
        name = signal.Signals(-terminated_status).name
        print(f"terminated child: status {terminated_status} = killed by {name}")
    else:
        print(f"terminated child: status {terminated_status}")
    claim(
        "The terminated child's status named the signal that ended it",
        terminated_status == (-signal.SIGTERM if os.name == "posix" else 1),
        measured=f"status {terminated_status}",
        expected="minus SIGTERM's number (POSIX), 1 (Windows)",
    )

# %%
# Minus the signal, or 128 plus it
# --------------------------------
# The minus sign is Python's convention, not the operating system's.  A shell reports
# the same death as 128 plus the signal's number: 143 for ``SIGTERM``.  Ask ``sh``:

if __name__ == "__main__" and os.name == "posix":
    suicide = (
        f"{sys.executable} -c 'import os, signal; os.kill(os.getpid(), signal.SIGTERM)'"
    )
    shell = subprocess.run(
        ["sh", "-c", f"{suicide}; echo $?"], capture_output=True, text=True, timeout=30
    )
    shell_status = int(shell.stdout)
    print(f"the same death in a shell: $? = {shell_status} (128 + {signal.SIGTERM.value})")
    claim(
        "A shell reported the same death as 128 plus the signal's number",
        shell_status == 128 + signal.SIGTERM,
        measured=f"$? = {shell_status}",
        expected=f"128 + {signal.SIGTERM.value}",
    )

# %%
# A Python function: :mod:`multiprocessing`
# -----------------------------------------
# :class:`multiprocessing.Process` runs a function in a child process.  A process has no
# return value, and what a child prints goes to the terminal, not to you (nor to this
# page), so the child sends its report back over a :class:`multiprocessing.Queue`.
#
# The function lives in an importable module.  With the ``spawn`` and ``forkserver``
# start methods the child imports what it runs afresh: a function defined in your
# script is found when you run ``python script.py`` (the child re-imports the script),
# but not from Jupyter, the REPL, or the build of this page.
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: report_whoami
#
# .. literalinclude:: /../conc_examples/work/workloads.py
#    :pyobject: whoami
#
# Here is why the guard matters.  A ``spawn`` child starts a new interpreter and
# imports this script as a module (named ``__mp_main__``) to find what it needs.
# Without the guard, that import would run the whole page again inside each child: the
# :mod:`subprocess` children would start again, and the new ``Process`` would stop
# with a :exc:`RuntimeError` about the "bootstrapping phase".  With the guard, the
# import only defines names.
#
# ``join(timeout)`` alone bounds nothing: it returns with the child still running, and
# when your program ends, :mod:`multiprocessing` joins every non-daemon child with no
# timeout.  So a child that outlives its timeout is stopped: ``SIGTERM`` first, a
# grace period for it to clean up, then ``SIGKILL``, which it cannot refuse.
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: join_or_stop

from conc_examples.work.mp_workers import join_or_stop

if __name__ == "__main__":
    results = multiprocessing.Queue()
    child = multiprocessing.Process(target=report_whoami, args=(results,), name="reporter")
    child.start()
    try:
        report = results.get(timeout=30)
    except queue.Empty:
        raise SystemExit("the child sent no report within 30 s") from None
    finally:
        join_or_stop(child, timeout=30)
    results.close()
    results.join_thread()
    mp_child_exitcode = child.exitcode

    print(f"start method: {start_method()}")
    print(f"parent: pid {os.getpid()}")
    print(f"child:  pid {report['pid']}, name {report['name']!r}, ppid {report['ppid']}")
    print(f"child exit status: {mp_child_exitcode}")

# %%
# Under ``fork`` and ``spawn`` the child's parent is this process.  Under ``forkserver``
# it is not: a *fork server* process, started on first use, forks every child, so the
# child's ``ppid`` is the fork server's pid.

if __name__ == "__main__":
    forkserver = start_method() == "forkserver"
    claim(
        "The function ran in another process, a child of this one"
        " (of the fork server under forkserver)",
        report["pid"] != os.getpid() and (report["ppid"] == os.getpid()) != forkserver,
        measured=f"child pid {report['pid']}, its parent {report['ppid']},"
        f" this process {os.getpid()}, start method {start_method()}",
        expected="the parent is the fork server"
        if forkserver
        else "the parent is this pid",
    )

# %%
# The exit status of a :class:`~multiprocessing.Process` works like ``returncode``: here
# the function returned normally, so it is 0.  A child that calls ``sys.exit(3)`` has
# ``exitcode`` 3, and one killed by a signal has minus the signal's number.

if __name__ == "__main__":
    endings = {
        "sys.exit(3)": (sys.exit, (3,)),
        "signal.raise_signal(SIGTERM)": (signal.raise_signal, (signal.SIGTERM,)),
    }
    mp_exitcode = {}
    for label, (target, args) in endings.items():
        child = multiprocessing.Process(target=target, args=args)
        child.start()
        join_or_stop(child, timeout=30)
        mp_exitcode[label] = child.exitcode
        print(f"child calling {label:<28} exitcode {child.exitcode}")
    exitcodes = [mp_child_exitcode, *mp_exitcode.values()]
    claim(
        "A Process's exitcode read like returncode",
        exitcodes == [0, 3, -signal.SIGTERM],
        measured=f"exitcodes {exitcodes}",
        expected=f"0 (returned), 3 (sys.exit(3)), {-signal.SIGTERM} (SIGTERM)",
    )

# %%
# Take-away: you learn how each child ended from its exit status (0, 3, and minus
# ``SIGTERM``'s number above, which a shell shows as 128 plus it), and you wait for
# (join) every child you start, stopping it if it outlives your timeout.  Output you
# want to see is sent back by the child and printed by the parent.
