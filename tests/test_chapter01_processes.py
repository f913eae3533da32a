"""Chapter 1 shows what it says: distinct processes, their parents, exit statuses."""

from __future__ import annotations

from example_runner import example


def test_one_program_run_twice_is_two_processes_of_ours() -> None:
    records = example("01_processes/01_program_vs_process.py").records
    assert records["distinct_pids"] == 2
    assert records["children_of_parent"] is True
    # Any interpreter holds megabytes; the program is under a few KiB.
    assert records["memory_over_program"] > 1000


def test_process_knows_cpu_time_from_wall_time() -> None:
    records = example("01_processes/02_what_a_process_knows.py").records
    assert records["cpu_while_computing"] > 0.1  # of 0.2 s spent computing
    assert records["cpu_while_sleeping"] < 0.05  # of 0.2 s spent asleep
    assert records["pinned_child_usable"] == 1


def test_parent_reads_each_exit_status() -> None:
    records = example("01_processes/03_children_and_exit_status.py").records
    assert records["exit_status[pass]"] == 0
    assert records["exit_status[import sys; sys.exit(3)]"] == 3
    assert records["terminated_status"] == -15
    assert records["mp_child_pid_differs"] is True
    assert records["mp_child_name"] == "reporter"
    assert records["mp_child_exitcode"] == 0
    assert records["mp_exitcode[exit]"] == 3
    assert records["mp_exitcode[raise_signal]"] == -15
