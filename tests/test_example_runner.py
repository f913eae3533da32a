"""The example runner: what it lets through on stderr, and what fails a run."""

from __future__ import annotations

from example_runner import EXAMPLES, ExampleRun


def run_with_stderr(stderr: str) -> ExampleRun:
    script = EXAMPLES / "07_asyncio" / "01_coroutines_vs_subroutines.py"
    return ExampleRun(script, None, 0, "output\n", stderr, 1.0)


def slow_callback(seconds: float) -> str:
    task = "<Task pending name='Task-1' coro=<main() running>>"
    return f"Executing {task} took {seconds:.3f} seconds"


def test_a_short_slow_callback_is_load_and_passes() -> None:
    assert (
        run_with_stderr(slow_callback(0.104) + "\n" + slow_callback(0.45)).problems() == []
    )


def test_a_loop_blocked_for_longer_fails_the_run() -> None:
    problems = run_with_stderr(slow_callback(0.104) + "\n" + slow_callback(1.5)).problems()
    assert len(problems) == 1
    assert "took 1.500 seconds" in problems[0]
    assert "took 0.104" not in problems[0]


def test_any_other_stderr_line_fails_the_run() -> None:
    problems = run_with_stderr("ResourceWarning: unclosed <socket.socket fd=7>").problems()
    assert problems and "ResourceWarning" in problems[0]
