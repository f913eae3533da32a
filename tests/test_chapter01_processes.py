"""Chapter 1 shows what it says: distinct processes, their parents, their memory, exit
statuses; the pages' claims say it, these add what a claim cannot."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys

import pytest
from example_runner import EXAMPLES, check_claims, example, run_cached

from conc_examples.work.whoami import peak_memory

MiB = 2**20


def test_one_program_run_twice_is_two_processes_of_ours() -> None:
    run = example("01_processes/01_program_vs_process.py")
    # Two processes, both ours, and a process far bigger than its program.
    assert len(run.claims) == (3 if run.values["peak"] is not None else 2)
    check_claims(run)
    if sys.platform == "linux":
        # The figure is the child's own: a bare interpreter is tens of MiB, not more.
        assert run.values["source"].startswith("VmHWM")
        assert run.values["peak"] < 64 * MiB


@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM is Linux's")
def test_whoami_reports_its_own_peak_not_its_parents() -> None:
    """Linux carries ru_maxrss over fork and exec; whoami's figure must not be that."""
    ballast = bytearray(256 * MiB)
    for page in range(0, len(ballast), 4096):  # touch every page
        ballast[page] = 1
    assert peak_memory()[0] > 256 * MiB  # the parent's own peak, for comparison
    done = subprocess.run(
        [sys.executable, "-m", "conc_examples.work.whoami"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    del ballast
    assert json.loads(done.stdout)["peak_memory_bytes"] < 64 * MiB


def test_process_knows_cpu_time_from_wall_time() -> None:
    run = example("01_processes/02_what_a_process_knows.py")
    # The environment, the pinned child (Linux), computing and sleeping.
    assert len(run.claims) == (4 if hasattr(os, "sched_setaffinity") else 3)
    check_claims(run)


@pytest.mark.parametrize("method", multiprocessing.get_all_start_methods())
def test_parent_reads_each_exit_status(method: str) -> None:
    run = run_cached(EXAMPLES / "01_processes/03_children_and_exit_status.py", method)
    assert not run.problems(), run.problems()
    # Statuses from subprocess (chosen, signalled, the shell's view), the child's parent
    # (this process, or the fork server under forkserver), and Process.exitcode.
    assert len(run.claims) == 5
    parent = run.claim("The function ran in another process")
    assert f"start method {method}" in parent.measured
    check_claims(run)
    assert run.values["report"]["name"] == "reporter"


def test_nothing_starts_a_process_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page teaches the guard: importing it (as a spawn child does) starts nothing."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process was started at import")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(multiprocessing.Process, "start", refuse)
    script = example("01_processes/03_children_and_exit_status.py").script
    code = compile(script.read_text(encoding="utf-8"), str(script), "exec")
    exec(code, {"__name__": "__mp_main__"})
