"""The helpers chapter 11 reads hangs and stops programs with do what they say."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from conc_examples.trouble.hangs import (
    Frame,
    frames_in,
    py_spy_dump,
    sampling_dump,
    trimmed,
)
from conc_examples.trouble.shutdown_programs import (
    alive_in_group,
    command,
    start,
    wait_for_end,
    wait_until_ready,
)

FAULTHANDLER = """\
Thread 0x00007f0000000002 (most recent call first):
  File "/somewhere/page.py", line 35 in b_then_a
  File "/usr/lib/python3.11/threading.py", line 975 in run

Current thread 0x00007f0000000001 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
  File "/somewhere/page.py", line 60 in <module>
"""

PY_SPY = """\
Process 42: python page.py
Thread 43 (idle): "a_then_b"
    a_then_b (page.py:28)
    run (threading.py:975)
Thread 42 (idle): "MainThread"
    <module> (page.py:60)
"""

# Python 3.15's `python -m profiling.sampling dump -a`: the innermost call last.
SAMPLING = """\
Stack dump for PID 42, thread 44 (idle; most recent call last):
  File "/usr/lib/python3.15/threading.py", line 1161, in Thread.run
    self._target(*self._args, **self._kwargs)
  File "/somewhere/page.py", line 20, in outer
    inner()
  File "/somewhere/page.py", line 35, in inner
    if lock_a.acquire(timeout=STUCK_FOR):

Stack dump, thread 42 (main thread, idle; most recent call last):
  File "/somewhere/page.py", line 60, in <module>
    dump = sampling_dump(os.getpid())
"""


def test_frames_in_reads_every_dump_format_and_skips_module_level() -> None:
    assert frames_in(FAULTHANDLER, "page.py") == [
        Frame("0x00007f0000000002", "b_then_a", 35)
    ]
    assert frames_in(PY_SPY, "/elsewhere/page.py") == [Frame("a_then_b", "a_then_b", 28)]
    assert frames_in(PY_SPY, "other.py") == []
    assert frames_in(SAMPLING, "page.py") == [Frame("44", "inner", 35)]


def test_trimmed_keeps_the_threads_with_page_frames_and_those_frames_only() -> None:
    assert trimmed(FAULTHANDLER, "page.py").splitlines() == [
        "Thread 0x00007f0000000002 (most recent call first):",
        '  File "page.py", line 35 in b_then_a',
    ]  # the main thread waits at module level only: left out, no empty stack
    assert trimmed(PY_SPY, "page.py").splitlines() == [
        'Thread 43 (idle): "a_then_b"',
        "    a_then_b (page.py:28)",
    ]
    assert trimmed(PY_SPY, "other.py") == ""
    assert trimmed(SAMPLING, "page.py").splitlines() == [
        "Stack dump for PID 42, thread 44 (idle; most recent call last):",
        '  File "page.py", line 20, in outer',
        '  File "page.py", line 35, in inner',
    ]


def test_py_spy_dump_of_no_process_says_why_in_one_line() -> None:
    dump, why_not = py_spy_dump(2**22 + 12345)  # above Linux's pid_max default: no such
    assert dump == ""
    assert why_not is not None and "\n" not in why_not


def test_sampling_dump_of_no_process_or_before_3_15_says_why_in_one_line() -> None:
    dump, why_not = sampling_dump(2**22 + 12345)
    assert dump == ""
    assert why_not is not None and "\n" not in why_not
    if sys.version_info < (3, 15):
        assert "new in Python 3.15" in why_not


def test_an_empty_group_has_nobody_alive_and_a_bad_program_name_gets_usage() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    child.wait(timeout=30)
    assert alive_in_group(child.pid, grace=1) == []
    done = subprocess.run(command("nonsense"), capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "usage:" in done.stderr


def test_a_program_that_ignores_its_signal_is_killed_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", IGNORES_SIGINT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_until_ready(child)
    os.killpg(child.pid, signal.SIGINT)
    wait_for_end(child, timeout=0.5)
    assert child.returncode == -signal.SIGKILL
    assert "was still running 0.5 s after its signal: killed" in capsys.readouterr().out
    assert alive_in_group(child.pid, grace=1) == []


IGNORES_SIGINT = (
    "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(30)"
)


def test_asyncio_program_takes_ctrl_c_even_when_started_with_it_ignored() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the child
    try:
        child = start("asyncio_ctrl_c")
    finally:
        signal.signal(signal.SIGINT, previous)
    wait_until_ready(child)
    os.killpg(child.pid, signal.SIGINT)
    out, _ = wait_for_end(child, timeout=10)
    assert child.returncode == 130
    assert "asyncio.run raised=KeyboardInterrupt" in out
