"""Chapter 2 shows what it says: errors, concurrency of children, pipes, kills, safety."""

from __future__ import annotations

import sys

from example_runner import example


def test_missing_program_and_failing_program_raise_the_documented_errors() -> None:
    records = example("02_subprocess/01_run_a_command.py").records
    assert records["missing_program_error"] == "FileNotFoundError"
    assert records["failing_program_error"] == "CalledProcessError"
    assert records["failing_program_returncode"] != 0
    # The error carries the child's own explanation, from its stderr.
    assert "missing.py" in records["failing_program_stderr"]


def test_poll_lets_the_parent_work_while_the_child_runs() -> None:
    records = example("02_subprocess/02_popen_and_poll.py").records
    assert records["poll_turns"] >= 3  # a 0.3 s child, 20 ms turns: ~15 when idle
    assert records["poll_status"] == 0


def test_many_children_at_once_take_far_less_than_one_by_one() -> None:
    records = example("02_subprocess/03_many_children.py").records
    children, sleep = records["children"], records["sleep_seconds"]
    # One by one cannot beat the sum of the sleeps; at once it takes a fraction of it.
    assert records["one_by_one_median"] >= children * sleep
    assert records["all_at_once_median"] < 0.5 * children * sleep
    assert records["all_at_once_median"] < records["one_by_one_median"] / 2
    assert records["ratio_to_ideal"] == records["all_at_once_median"] / sleep
    assert records["ratio_to_ideal"] >= 1.0  # nothing beats one sleep
    # Starting a child costs far less than the sleep, which is why at once wins.
    assert records["start_cost_median"] < sleep


def test_wait_without_reading_deadlocks_and_communicate_does_not() -> None:
    records = example("02_subprocess/04_pipes_and_chains.py").records
    assert records["chains_match"] is True
    assert records["wait_deadlocked"] is True
    assert 0 < records["pipe_held_bytes"] < 2**20  # stuck with most of it unwritten
    assert records["communicate_bytes"] == 2**20
    assert records["communicate_status"] == 0


def test_timeouts_kill_with_the_right_statuses_and_leave_no_child() -> None:
    records = example("02_subprocess/05_timeouts_and_killing.py").records
    assert records["run_timed_out"] is True
    assert records["partial_lines"] < 20  # killed before it could print them all
    assert records["stop_status[obedient]"] == -15
    assert records["stop_status[stubborn]"] == -9
    if sys.platform == "linux":  # /proc shows the state; os.waitid exists
        assert records["before_wait"] == "a zombie"
    assert records["children_started"] == 4
    assert records["left_running"] == []


def test_hostile_file_name_arrives_as_one_argument() -> None:
    records = example("02_subprocess/06_safe_arguments.py").records
    assert records["shell_ran_second_command"] is True
    assert records["hostile_arguments"] == [records["hostile_name"]]
    assert " " in records["hostile_name"] and "; rm -rf" in records["hostile_name"]
    assert records["quoted_is_one_word"] is True
    assert "DEMO_API_TOKEN" in records["env_names[inherited]"]
    assert "DEMO_API_TOKEN" not in records["env_names[minimal]"]
    assert len(records["env_names[minimal]"]) <= 3  # PATH, plus what Python sets itself


def test_asyncio_runs_children_concurrently_with_a_timeout_each() -> None:
    records = example("02_subprocess/07_children_from_asyncio.py").records
    assert records["status[fast]"] == 0
    assert records["status[medium]"] == 0
    assert records["status[slow]"] == -9
    assert records["lines[fast]"] == 3
    assert records["lines[medium]"] == 4
    assert records["lines[slow]"] < 10
    assert records["elapsed"] < records["one_by_one_lower_bound"]
