"""Chapter 2 shows what it says: errors, concurrency of children, pipes, kills, safety."""

from __future__ import annotations

import os
import subprocess
import sys

from example_runner import example


def test_missing_program_and_failing_program_raise_the_documented_errors() -> None:
    run = example("02_subprocess/01_run_a_command.py")
    values = run.values
    assert isinstance(values["missing_program_error"], FileNotFoundError)
    failing = values["failing_program_error"]
    assert isinstance(failing, subprocess.CalledProcessError)
    assert failing.returncode != 0
    # The error carries the child's own explanation, from its stderr.
    assert "missing.py" in failing.stderr
    # getstatusoutput ran the string in a shell: the shell's exit status, its output.
    assert (values["shell_status"], values["shell_output"]) == (3, "from the shell")
    if os.name == "posix":
        assert "getoutput('date') -> '" in run.stdout


def test_poll_lets_the_parent_work_while_the_child_runs() -> None:
    values = example("02_subprocess/02_popen_and_poll.py").values
    assert values["turns"] >= 3  # a 0.3 s child, 20 ms turns: ~15 when idle
    assert values["poll_status"] == 0
    assert values["out"] == "child: line 1 of 2\nchild: line 2 of 2\n"


def test_many_children_at_once_take_far_less_than_one_by_one() -> None:
    values = example("02_subprocess/03_many_children.py").values
    children, sleep = values["CHILDREN"], values["SLEEP"]
    at_once = values["times"]["all at once"]
    # One after another, ten sleeps take at least 0.5 s; at once a fraction of that.
    assert at_once.median < 0.5 * children * sleep
    assert at_once.median < values["times"]["one by one"].median / 2
    # Starting (and collecting) a child costs far less than the sleep.
    assert 0 < values["start_cost"] < sleep
    # wait(timeout) polls (through 3.14), napping 1, 2, 4 ... ms, at most 50 ms: it sees
    # an exit later than a blocking wait() does (medians of 5 children each way): the
    # 50 ms child ends between the checks at 31 and 63 ms, so about 10 ms later.
    if os.name == "posix" and sys.version_info < (3, 15):
        assert values["polled"] - values["blocking"] > 0.003


def test_chains_of_children_deliver_every_document() -> None:
    values = example("02_subprocess/04_pipes_and_chains.py").values
    assert len(values["matches"]) == values["DOCUMENTS"]
    assert all(values["matches"].values())


def test_wait_without_reading_deadlocks_and_communicate_does_not() -> None:
    values = example("02_subprocess/05_pipe_deadlock.py").values
    assert values["deadlocked"] is True
    # Stuck with most of it unwritten: only what the pipe holds got through.
    assert 0 < len(values["stuck_in_pipe"]) < values["FLOOD"]
    assert len(values["received"]) == values["FLOOD"]
    assert values["communicate_status"] == 0


def test_timeouts_end_the_wait_and_keep_what_arrived() -> None:
    run = example("02_subprocess/06_timeouts.py")
    values = run.values
    assert isinstance(values["run_timed_out"], subprocess.TimeoutExpired)
    assert values["elapsed"] < 5  # the child would have slept 30 s
    assert 0 < len(values["lines"]) < 20  # killed before it could print them all
    status = -9 if os.name == "posix" else 1
    assert f"killed after the timeout, status {status};" in run.stdout


def test_stopping_children_with_the_right_statuses_leaves_no_child() -> None:
    values = example("02_subprocess/07_stopping_a_child.py").values
    assert values["stop_status"] == {"obedient": -15, "stubborn": -9}
    if os.name == "posix":
        # kill() left the grandchild holding the pipe; the group kill closed it at once.
        assert values["pipe_open_after_kill"] is True
        assert values["killpg_seconds"] < 0.4  # communicate had waited 0.5 s in vain
    if sys.platform == "linux":  # /proc shows the state; os.waitid exists
        assert values["before_wait"] == "a zombie"
    if hasattr(os, "waitid"):
        assert values["started_pids"]  # the check looked at every child it started
        assert values["left"] == []


def test_hostile_file_name_arrives_as_one_argument() -> None:
    values = example("02_subprocess/08_safe_arguments.py").values
    assert values["shell"].stdout.splitlines() == ["hello", "second command ran"]
    names = [os.path.basename(argument) for argument in values["arguments"]]
    assert names == [values["hostile_name"]]
    # Quoted, the shell echoed the user input as one word and ran nothing else.
    assert values["echoed"].stdout.strip() == values["user_input"]
    if os.name == "posix":
        # ls took the file "-l" for an option, and listed the folder long; with "--"
        # it listed that one file.
        listings = values["listings"]
        assert listings["ls -- -l"] == ["-l"]
        assert any(values["hostile_name"] in line for line in listings["ls -l"])


def test_a_minimal_environment_keeps_the_secret_from_the_child() -> None:
    values = example("02_subprocess/09_child_environment.py").values
    assert "DEMO_API_TOKEN" in values["env_names"]["inherited"]
    assert "DEMO_API_TOKEN" not in values["env_names"]["minimal"]
    assert "PATH" in values["env_names"]["minimal"]
    # PATH, plus what Python sets itself (LC_CTYPE; a build may add one more)
    assert len(values["env_names"]["minimal"]) <= 3


def test_asyncio_runs_children_concurrently_with_a_timeout_each() -> None:
    values = example("02_subprocess/10_children_from_asyncio.py").values
    outcomes = {name: (status, lines) for name, status, lines in values["outcomes"]}
    assert outcomes["fast"] == (0, 3)
    assert outcomes["medium"] == (0, 4)
    status, lines = outcomes["slow"]
    assert status == (-9 if os.name == "posix" else 1)
    assert lines < 10
    assert values["elapsed"] < values["one_by_one"]
