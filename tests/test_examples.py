"""Every example script runs cleanly as a real script, under each relevant start method."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from example_runner import (
    EXAMPLES,
    ExampleRun,
    discover,
    run,
    run_cached,
    start_methods_for,
)

CASES = [
    pytest.param(script, method, id=f"{script.relative_to(EXAMPLES).as_posix()}-{method}")
    for script in discover()
    for method in start_methods_for(script)
]

# The first start method's run is the one claim tests measure, so it runs alone.  The
# runs under the other start methods only have to be clean: two at a time, in the
# background, they halve the suite's longest part without touching any measured claim.
RERUNS_AT_ONCE = 2


@pytest.fixture(scope="module")
def reruns(
    request: pytest.FixtureRequest,
) -> Iterator[dict[tuple[Path, str | None], Future[ExampleRun]]]:
    selected = [
        (item.callspec.params["script"], item.callspec.params["start_method"])
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_example_runs_cleanly"
    ]
    with ThreadPoolExecutor(RERUNS_AT_ONCE, thread_name_prefix="rerun") as pool:
        futures = {
            (script, method): pool.submit(run, script, method)
            for script, method in selected
            if method != start_methods_for(script)[0]
        }
        yield futures
        for future in futures.values():
            future.cancel()


def test_examples_were_found() -> None:
    assert len(discover()) >= 3, f"found no examples under {EXAMPLES}"


@pytest.mark.parametrize(("script", "start_method"), CASES)
def test_example_runs_cleanly(script, start_method, reruns) -> None:
    if start_method == start_methods_for(script)[0]:
        result = run_cached(script, start_method)
    else:
        result = reruns[script, start_method].result()
    assert not result.problems(), (
        f"{result.label} failed:\n"
        + "\n".join(result.problems())
        + "\n--- stdout ---\n"
        + result.stdout[-3000:]
    )
    assert result.stdout.strip(), f"{result.label} printed nothing for the page"
