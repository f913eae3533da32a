"""The child programs of the subprocess chapter do what the pages say they do."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

from conc_examples.work.child_programs import command


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=30)


def test_command_runs_this_interpreter() -> None:
    assert command("ticker", "a", 1, 0.0)[:3] == [
        sys.executable,
        "-m",
        "conc_examples.work.child_programs",
    ]
    assert command("ticker", "a", 1, 0.0)[3:] == ["ticker", "a", "1", "0.0"]


def test_show_args_reports_each_argument_whole() -> None:
    done = run("show_args", "a b; c", "")
    assert json.loads(done.stdout) == ["a b; c", ""]


def test_ticker_prints_numbered_lines() -> None:
    assert run("ticker", "t", 2, 0.0).stdout.splitlines() == [
        "t: line 1 of 2",
        "t: line 2 of 2",
    ]


def test_flood_writes_exactly_that_many_bytes() -> None:
    assert len(run("flood", 200_000).stdout) == 200_000


def test_unknown_program_is_a_usage_error() -> None:
    done = run("no-such-program")
    assert done.returncode == 2
    assert "usage" in done.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_stubborn_survives_sigterm_until_killed() -> None:
    with subprocess.Popen(command("stubborn"), stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout.readline().startswith("ready")
        child.terminate()
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=0.3)
        child.kill()
        assert child.wait(timeout=30) == -signal.SIGKILL
