"""Read where a hung program waits: a ``py-spy dump`` taken from outside, and the frames
of a ``faulthandler`` or ``py-spy`` dump, as (thread, function, line) you can print.

``python -m conc_examples.trouble.hangs count_lines`` is the child that chapter 11
leaves hung: it counts the lines on its stdin, so it waits for end-of-file until its
parent closes the pipe.  It registers :mod:`faulthandler` on ``SIGUSR1`` (POSIX), so that
the parent can also ask it, from inside, where it waits.

Chapter 11 uses these so that a page shows the diagnosis, not text parsing.  ``py-spy``
is a separate program (``pip install py-spy``) that reads another process's memory: on
Linux it needs ptrace permission (root, ``CAP_SYS_PTRACE``, or
``kernel.yama.ptrace_scope`` set to 0), on macOS ``sudo``.  When it is missing or not
permitted, :func:`py_spy_dump` says so in one line instead of failing.
"""

from __future__ import annotations

import faulthandler
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

__all__ = ["Frame", "count_lines", "frames_in", "py_spy_dump", "py_spy_path", "trimmed"]


class Frame(NamedTuple):
    """One frame of one thread in a dump: the function and the line it is waiting on."""

    thread: str
    function: str
    line: int

    def __str__(self) -> str:
        return f"{self.thread}: waiting in {self.function}(), line {self.line}"


def py_spy_path() -> str | None:
    """The ``py-spy`` program: on ``PATH``, or next to this Python (an unactivated venv)."""
    beside = Path(sys.executable).parent / "py-spy"
    return shutil.which("py-spy") or (str(beside) if beside.exists() else None)


def py_spy_dump(pid: int, timeout: float = 20.0) -> tuple[str, str | None]:
    """``py-spy dump --pid PID``: (the dump, None), or ("", why it could not be taken)."""
    program = py_spy_path()
    if program is None:
        return "", "py-spy is not installed here (pip install py-spy)"
    done = subprocess.run(
        [program, "dump", "--pid", str(pid)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        return "", f"py-spy could not read process {pid}: {why[-1]}"
    return done.stdout, None


# faulthandler:  'Thread 0x00007f... (most recent call first):'  then
#                '  File "/path/page.py", line 42 in transfer'
# py-spy:        'Thread 9234 (idle): "Thread-1 (transfer)"'  then
#                '    transfer (page.py:42)'
_THREAD = re.compile(r'^(?:Current )?[Tt]hread (\S+)(?: \(\w+\))?(?:: "(.*)")?')
_FAULTHANDLER_FRAME = re.compile(r'^\s+File "(.*)", line (\d+) in (\S+)')
_PY_SPY_FRAME = re.compile(r"^\s+(\S+) \((.*):(\d+)\)")


def frames_in(dump: str, filename: str) -> list[Frame]:
    """The innermost frame in ``filename`` of each thread in a faulthandler/py-spy dump."""
    found: list[Frame] = []
    thread, seen = "?", False
    for text in dump.splitlines():
        if match := _THREAD.match(text):
            thread = match.group(2) or match.group(1)
            seen = False
            continue
        if match := _FAULTHANDLER_FRAME.match(text):
            path, line, function = match.group(1), int(match.group(2)), match.group(3)
        elif match := _PY_SPY_FRAME.match(text):
            function, path, line = match.group(1), match.group(2), int(match.group(3))
        else:
            continue
        if not seen and Path(path).name == Path(filename).name and function != "<module>":
            found.append(Frame(thread, function, line))
            seen = True
    return found


def trimmed(dump: str, filename: str) -> str:
    """A faulthandler/py-spy dump cut to what a reader needs: the threads with a frame in
    ``filename``, each with its first line and those frames (not the standard
    library's, nor ``<module>``); a thread with none there (the main thread, waiting at
    module level) is left out, not shown with an empty stack."""
    threads: list[list[str]] = []
    for text in dump.splitlines():
        if _THREAD.match(text):
            threads.append([text])
            continue
        if match := _FAULTHANDLER_FRAME.match(text):
            path, function = match.group(1), match.group(3)
        elif match := _PY_SPY_FRAME.match(text):
            path, function = match.group(2), match.group(1)
        else:
            continue
        if threads and Path(path).name == Path(filename).name and function != "<module>":
            threads[-1].append(text.replace(str(Path(path).parent) + "/", ""))
    return "\n".join(line for thread in threads if len(thread) > 1 for line in thread)


def count_lines() -> None:
    """Read stdin to its end, then print how many lines it had."""
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1)  # on SIGUSR1: every stack to stderr
    print("ready", flush=True)
    lines = sys.stdin.readlines()  # returns at end-of-file: when the parent closes
    print(f"{len(lines)} lines", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["count_lines"]:
        raise SystemExit(f"usage: python -m {__spec__.name} count_lines")
    count_lines()
