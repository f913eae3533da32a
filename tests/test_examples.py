"""Every example script runs cleanly as a real script, under each relevant start method."""

from __future__ import annotations

import pytest
from example_runner import EXAMPLES, discover, run_cached, start_methods_for

CASES = [
    pytest.param(script, method, id=f"{script.relative_to(EXAMPLES).as_posix()}-{method}")
    for script in discover()
    for method in start_methods_for(script)
]


def test_examples_were_found() -> None:
    assert len(discover()) >= 3, f"found no examples under {EXAMPLES}"


@pytest.mark.parametrize(("script", "start_method"), CASES)
def test_example_runs_cleanly(script, start_method) -> None:
    result = run_cached(script, start_method)
    assert not result.problems(), (
        f"{result.label} failed:\n"
        + "\n".join(result.problems())
        + "\n--- stdout ---\n"
        + result.stdout[-3000:]
    )
    assert result.stdout.strip(), f"{result.label} printed nothing for the page"
