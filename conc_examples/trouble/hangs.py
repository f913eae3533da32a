"""Read where a hung program waits: a ``py-spy dump`` or (Python 3.15+) a
``python -m profiling.sampling dump`` taken from outside, and the frames of those dumps
and of a ``faulthandler`` one, as (thread, function, line) you can print.

``python -m conc_examples.trouble.hangs count_lines`` is the child that chapter 11
leaves hung: it counts the lines on its stdin, so it waits for end-of-file until its
parent closes the pipe.  It registers :mod:`faulthandler` on ``SIGUSR1`` (POSIX), so that
the parent can also ask it, from inside, where it waits.

Chapter 11 uses these so that a page shows the diagnosis, not text parsing.  ``py-spy``
is a separate program (``pip install py-spy``) that reads another process's memory: on
Linux it needs ptrace permission (root, ``CAP_SYS_PTRACE``, or
``kernel.yama.ptrace_scope`` set to 0), on macOS ``sudo``.  When it is missing or not
permitted, :func:`py_spy_dump` says so in one line instead of failing.  Python 3.15's
standard library reads another process the same way (:func:`sampling_dump`), with the
same permission.
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

from conc_examples.claims import too_old

__all__ = [
    "Frame",
    "asyncio_pstree",
    "count_lines",
    "frames_in",
    "py_spy_dump",
    "py_spy_path",
    "sampling_dump",
    "trimmed",
]


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


def _read_from_outside(
    command: list[str], name: str, pid: int, timeout: float
) -> tuple[str, str | None]:
    """Run a reader of process ``pid``: (its output, None), or ("", why, in one line).

    ``subprocess.run`` kills and reaps a reader that outlives ``timeout``.
    """
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return "", f"{name} did not answer within {timeout:g} s"
    if done.returncode != 0 or not done.stdout.strip():
        why = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        return "", f"{name} could not read process {pid}: {why[-1]}"
    return done.stdout, None


def py_spy_dump(pid: int, timeout: float = 20.0) -> tuple[str, str | None]:
    """``py-spy dump --pid PID``: (the dump, None), or ("", why it could not be taken)."""
    program = py_spy_path()
    if program is None:
        return "", "py-spy is not installed here (pip install py-spy)"
    return _read_from_outside([program, "dump", "--pid", str(pid)], "py-spy", pid, timeout)


def sampling_dump(pid: int, timeout: float = 20.0) -> tuple[str, str | None]:
    """``python -m profiling.sampling dump -a PID`` (Python 3.15+): every thread's stack,
    as (the dump, None), or ("", why it could not be taken)."""
    if why := too_old((3, 15), "profiling.sampling"):
        return "", why
    command = [sys.executable, "-m", "profiling.sampling", "dump", "-a", str(pid)]
    return _read_from_outside(command, "profiling.sampling", pid, timeout)


def asyncio_pstree(pid: int, task: str, timeout: float = 20.0) -> tuple[str, str | None]:
    """``python -m asyncio pstree PID`` (Python 3.14+), cut to the tree of the task named
    ``task`` with file names for paths: (that tree, None), or ("", why it could not be
    taken).

    It reads the process from outside, like py-spy; a process may ask it about itself
    from a thread (:func:`asyncio.to_thread`) while its loop waits.
    """
    name = "python -m asyncio pstree"
    if why := too_old((3, 14), name):
        return "", why
    command = [sys.executable, "-m", "asyncio", "pstree", str(pid)]
    output, why = _read_from_outside(command, name, pid, timeout)
    if why:
        return "", why
    # Each top-level task starts a line "└── (T) NAME"; its tree runs to the next one.
    tree, inside = [], False
    for line in output.splitlines():
        if line.startswith("└── (T) "):
            inside = line == f"└── (T) {task}"
        if inside and line.strip():
            tree.append(re.sub(r"/\S*/", "", line))  # a file's name, not its path
    if not tree:
        return "", f"no task named {task!r} in the tree"
    return "\n".join(tree), None


# faulthandler:  'Thread 0x00007f... (most recent call first):'  then
#                '  File "/path/page.py", line 42 in transfer'
# py-spy:        'Thread 9234 (idle): "Thread-1 (transfer)"'  then
#                '    transfer (page.py:42)'
# 3.15 sampling: 'Stack dump, thread 9234 (idle; most recent call last):'  then
#                '  File "/path/page.py", line 42, in transfer'  (innermost last)
_THREAD = re.compile(
    r"^(?:(?:Current )?[Tt]hread|Stack dump(?: for PID \d+)?, thread) (\S+)"
    r'(?: \(\w+\))?(?:: "(.*)")?'
)
_FAULTHANDLER_FRAME = re.compile(r'^\s+File "(.*)", line (\d+),? in (\S+)')
_PY_SPY_FRAME = re.compile(r"^\s+(\S+) \((.*):(\d+)\)")


def frames_in(dump: str, filename: str) -> list[Frame]:
    """The innermost frame in ``filename`` of each thread in a dump (faulthandler, py-spy
    or profiling.sampling; the last lists the innermost call last)."""
    found: dict[int, Frame] = {}
    thread, number, innermost_last = "?", 0, False
    for text in dump.splitlines():
        if match := _THREAD.match(text):
            thread = match.group(2) or match.group(1)
            number += 1
            innermost_last = "most recent call last" in text
            continue
        if match := _FAULTHANDLER_FRAME.match(text):
            path, line, function = match.group(1), int(match.group(2)), match.group(3)
        elif match := _PY_SPY_FRAME.match(text):
            function, path, line = match.group(1), match.group(2), int(match.group(3))
        else:
            continue
        in_file = Path(path).name == Path(filename).name and function != "<module>"
        if in_file and (innermost_last or number not in found):
            found[number] = Frame(thread, function, line)
    return list(found.values())


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
