"""Chapter 2 shows what it says: errors, concurrency of children, pipes, kills, safety.

The pages' claims carry the checks; these tests count them (a claim that silently
stopped being made is a failure too) and add what a claim cannot say.
"""

from __future__ import annotations

import os
import subprocess
import sys

from example_runner import check_claims, example

POSIX = os.name == "posix"
LINUX = sys.platform == "linux"


def test_missing_program_and_failing_program_raise_the_documented_errors() -> None:
    run = example("02_subprocess/01_run_a_command.py")
    # getstatusoutput, the missing program, the failing one, one line per command.
    assert len(run.claims) == 4
    check_claims(run)
    assert isinstance(run.values["failing_program_error"], subprocess.CalledProcessError)
    # The reasons name the program by its file name, and a file that is not a program
    # is an OSError too (Permission denied), not a traceback.
    assert run.values["answers"][2].startswith("cannot run 'notes.txt'")
    if POSIX:
        assert "getoutput('date') -> '" in run.stdout


def test_poll_lets_the_parent_work_while_the_child_runs() -> None:
    run = example("02_subprocess/02_popen_and_poll.py")
    assert len(run.claims) == 2
    check_claims(run)


def test_many_children_at_once_take_far_less_than_one_by_one() -> None:
    run = example("02_subprocess/03_many_children.py")
    # Under half the sleeps, under half the one-by-one time, the start cost, and
    # (POSIX) how late wait(timeout) saw the end: late before 3.15, where it polls, at
    # once from 3.15, where it waits on a pidfd.
    assert len(run.claims) == (4 if POSIX else 3)
    if POSIX:
        run.claim("On 3.15+" if sys.version_info >= (3, 15) else "The wait with a timeout")
    check_claims(run)
    times = run.values["times"]
    assert set(times) == {"one by one", "all at once"}
    # Ten sleeps one after another cannot take less than ten sleeps.
    assert times["one by one"].min >= run.values["CHILDREN"] * run.values["SLEEP"]


def test_chains_of_children_deliver_every_document() -> None:
    run = example("02_subprocess/04_pipes_and_chains.py")
    assert len(run.claims) == 1
    check_claims(run)


def test_wait_without_reading_deadlocks_and_communicate_does_not() -> None:
    run = example("02_subprocess/05_pipe_deadlock.py")
    assert len(run.claims) == 2
    check_claims(run)


def test_timeouts_end_the_wait_and_keep_what_arrived() -> None:
    run = example("02_subprocess/06_timeouts.py")
    assert len(run.claims) == 2
    check_claims(run)
    # The kept lines are the child's first ones, in order.
    lines = run.values["lines"]
    assert lines == [f"slow: line {n} of 20" for n in range(1, len(lines) + 1)]


def test_stopping_children_with_the_right_statuses_leaves_no_child() -> None:
    run = example("02_subprocess/07_stopping_a_child.py")
    # The two statuses and the group kill (POSIX), the zombie (Linux), none left
    # (where os.waitid exists).
    expected = 2 * POSIX + LINUX + hasattr(os, "waitid")
    assert len(run.claims) == expected
    check_claims(run)


def test_hostile_file_name_arrives_as_one_argument() -> None:
    run = example("02_subprocess/08_safe_arguments.py")
    # The argument list everywhere; the shell, the quoted echo and ls on POSIX.
    assert len(run.claims) == (4 if POSIX else 1)
    check_claims(run)


def test_a_minimal_environment_keeps_the_secret_from_the_child() -> None:
    run = example("02_subprocess/09_child_environment.py")
    assert len(run.claims) == 2
    check_claims(run)
    minimal = set(run.values["env_names"]["minimal"])
    if LINUX:
        # PATH, and LC_CTYPE when Python coerces the C locale (PEP 538): nothing of
        # this project's reaches a child started with -I.
        assert minimal <= {"PATH", "LC_CTYPE"}
        assert "OPENBLAS_NUM_THREADS" not in minimal


def test_asyncio_runs_children_concurrently_with_a_timeout_each() -> None:
    run = example("02_subprocess/10_children_from_asyncio.py")
    assert len(run.claims) == 3
    check_claims(run)
