"""Chapter 1 shows what it says: distinct processes, their parents, exit statuses."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess

import pytest
from example_runner import example


def test_one_program_run_twice_is_two_processes_of_ours() -> None:
    values = example("01_processes/01_program_vs_process.py").values
    assert len(values["pids"]) == 2
    assert values["children_of_ours"] is True
    # Any interpreter holds megabytes; the program is under a few KiB.
    assert values["memory_over_program"] > 1000


def test_process_knows_cpu_time_from_wall_time() -> None:
    values = example("01_processes/02_what_a_process_knows.py").values
    cpu_computing, _ = values["computing"]
    cpu_sleeping, _ = values["sleeping"]
    assert cpu_computing > 0.1  # of 0.2 s spent computing
    assert cpu_sleeping < 0.05  # of 0.2 s spent asleep
    if hasattr(os, "sched_setaffinity"):
        assert values["pinned_usable"] == 1


def test_parent_reads_each_exit_status() -> None:
    run = example("01_processes/03_children_and_exit_status.py")
    values = run.values
    assert values["exit_status"] == {"pass": 0, "import sys; sys.exit(3)": 3}
    assert values["terminated_status"] == -15
    if os.name == "posix":
        assert values["shell_status"] == 128 + 15
    parent = re.search(r"^parent: pid (\d+)$", run.stdout, re.M)
    assert parent and values["report"]["pid"] != int(parent[1])
    assert values["report"]["name"] == "reporter"
    assert values["mp_child_exitcode"] == 0
    assert values["mp_exitcode"] == {
        "sys.exit(3)": 3,
        "signal.raise_signal(SIGTERM)": -15,
    }


def test_nothing_starts_a_process_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page teaches the guard: importing it (as a spawn child does) starts nothing."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process was started at import")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(multiprocessing.Process, "start", refuse)
    script = example("01_processes/03_children_and_exit_status.py").script
    code = compile(script.read_text(encoding="utf-8"), str(script), "exec")
    exec(code, {"__name__": "__mp_main__"})
