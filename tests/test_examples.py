"""Every example script runs cleanly as a real script, under each relevant start method,
and every claim it makes holds."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from example_runner import (
    EXAMPLES,
    ExampleRun,
    check_claims,
    discover,
    run,
    run_cached,
    start_methods_for,
)


def _cases(first: bool) -> list:
    return [
        pytest.param(
            script, method, id=f"{script.relative_to(EXAMPLES).as_posix()}-{method}"
        )
        for script in discover()
        for method in start_methods_for(script)
        if (method == start_methods_for(script)[0]) == first
    ]


# The first start method's run is the one whose claims are judged, so those runs come
# first, one at a time.  The runs under the other start methods only have to be clean:
# they come after, two at a time, which halves the suite's longest part without
# running beside any measured claim.
RERUNS_AT_ONCE = 2


@pytest.fixture(scope="module")
def reruns(
    request: pytest.FixtureRequest,
) -> Iterator[dict[tuple[Path, str | None], Future[ExampleRun]]]:
    selected = [
        (item.callspec.params["script"], item.callspec.params["start_method"])
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_example_reruns_cleanly"
    ]
    with ThreadPoolExecutor(RERUNS_AT_ONCE, thread_name_prefix="rerun") as pool:
        futures = {key: pool.submit(run, *key) for key in selected}
        yield futures
        for future in futures.values():
            future.cancel()


def _assert_clean(result: ExampleRun) -> None:
    assert not result.problems(), (
        f"{result.label} failed:\n"
        + "\n".join(result.problems())
        + "\n--- stdout ---\n"
        + result.stdout[-3000:]
    )
    assert result.stdout.strip(), f"{result.label} printed nothing for the page"


def test_examples_were_found() -> None:
    assert len(discover()) >= 3, f"found no examples under {EXAMPLES}"


@pytest.mark.parametrize(("script", "start_method"), _cases(first=True))
def test_example_runs_cleanly_and_its_claims_hold(script, start_method) -> None:
    result = run_cached(script, start_method)
    _assert_clean(result)
    check_claims(result)


@pytest.mark.parametrize(("script", "start_method"), _cases(first=False))
def test_example_reruns_cleanly(script, start_method, reruns) -> None:
    _assert_clean(reruns[script, start_method].result())
