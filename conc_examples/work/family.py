"""A parent and its child: a page kills the parent and watches what becomes of the child.

``python -m conc_examples.work.family parent [pdeathsig]`` starts the child, prints
``ready: child pid N`` once the child is up, then sleeps until it is killed (at most
10 s).  The child sleeps too (at most 10 s, so that nothing outlives a page for long);
with ``pdeathsig`` it first asks Linux to send it ``SIGTERM`` when its parent dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def die_with_parent(parent_pid: int) -> bool:
    """Linux: have the kernel send this process ``SIGTERM`` when its parent dies.

    Returns False when the parent had already died before the request (the child was
    adopted, and no signal will come): check, then act on it.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    return os.getppid() == parent_pid


def child(parent_pid: int, pdeathsig: bool) -> None:
    if pdeathsig and not die_with_parent(parent_pid):
        return  # the parent is already gone: end now, as the signal would have made us
    print("ready", flush=True)
    time.sleep(10)  # stands for long work


def parent(pdeathsig: bool) -> None:
    command = [sys.executable, "-m", "conc_examples.work.family", "child", str(os.getpid())]
    kid = subprocess.Popen(
        command + (["pdeathsig"] if pdeathsig else []),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,  # its own pipe to this parent, not the page's
        stderr=subprocess.DEVNULL,
        text=True,
    )
    kid.stdout.readline()  # its "ready" (or the end of its output, if it ended)
    print(f"ready: child pid {kid.pid}", flush=True)
    time.sleep(10)  # until the page kills this process


if __name__ == "__main__":
    role, *rest = sys.argv[1:]
    if role == "child":
        child(int(rest[0]), "pdeathsig" in rest)
    else:
        parent("pdeathsig" in rest)
