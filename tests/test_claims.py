"""The claims API: three states, preconditions, what the reader sees, what tests judge."""

from __future__ import annotations

import os

import claims_ledger
import example_runner
import pytest
from example_runner import CLAIMS_CHECKED, EXAMPLES, ExampleRun, check_claims

from conc_examples import claims
from conc_examples.claims import (
    CPU_TAKEN,
    HELD,
    LOAD,
    MACHINE,
    NOT_HELD,
    NOT_SHOWN,
    Need,
    claim,
)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    claims.take()
    judged_before = dict(CLAIMS_CHECKED)
    yield
    claims.take()
    CLAIMS_CHECKED.clear()  # these claims are made up: keep them out of the run's count
    CLAIMS_CHECKED.update(judged_before)


def test_a_claim_that_holds_prints_its_sentence_with_the_numbers(capsys) -> None:
    found = claim("Threads took turns", True, measured="1.01 at once", expected="under 1.3")
    assert found.state == HELD and found.held
    assert (
        capsys.readouterr().out
        == "[held] Threads took turns: 1.01 at once (claim: under 1.3).\n"
    )
    assert claims.made() == [found]


def test_a_claim_that_fails_says_what_was_measured_and_why(capsys) -> None:
    found = claim("Processes were faster", False, measured="0.9x", why="the CPU was busy")
    assert found.state == NOT_HELD and not found.held
    out = capsys.readouterr().out
    assert out.startswith("[did not hold on this run] Processes were faster.")
    assert "measured: 0.9x" in out and "likely why: the CPU was busy" in out


def test_an_unmet_need_wins_over_the_check_and_names_what_was_lacking() -> None:
    busy = claims.needs_cpus(1.05)
    found = claim("Processes were faster", True, measured="1.6x", needs=(busy,))
    assert found.state == NOT_SHOWN
    if (os.cpu_count() or 1) >= 2:
        assert found.lacking == CPU_TAKEN and "1.05x" in found.reason
    # Load outranks a taken CPU, which outranks what the machine lacks.
    both = claim("P", True, measured="1", needs=(busy, Need("Y", False, "no Y", LOAD)))
    assert both.lacking == LOAD and "idle machine" in both.reason
    lacking = claim(
        "Threads ran in parallel", True, measured="2 CPUs", needs=Need("X", False, "no X")
    )
    assert lacking.lacking == MACHINE and lacking.reason == "it needs X: no X"


def test_needs_report_this_python() -> None:
    assert claims.needs_python((3, 0), "anything").met
    future = claims.needs_python((99, 0), "the future")
    assert not future.met and future.lacking == MACHINE and "this is Python" in future.seen
    assert claims.needs_gil().met != claims.needs_free_threading().met
    assert claims.needs_cpus(1.9).met == ((os.cpu_count() or 1) >= 2)


def test_a_ceiling_round_past_twice_one_process_means_unsteady_rounds() -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs_cpus asks for a second CPU first")
    assert claims.needs_cpus([1.5, 1.7, 2.1]).met
    assert not claims.needs_cpus([1.3, 1.7]).met
    unsteady = claims.needs_cpus([1.5, 3.7])
    assert not unsteady.met and unsteady.lacking == CPU_TAKEN
    assert "1.50x to 3.70x" in unsteady.seen


def test_take_hands_over_and_starts_afresh() -> None:
    claim("A", True, measured="1")
    assert [c.text for c in claims.take()] == ["A"]
    assert claims.made() == []


def _run(*made: claims.Claim) -> ExampleRun:
    return ExampleRun(EXAMPLES / "00_x" / "x.py", None, 0, "", "", 0.0, claims=list(made))


def test_check_claims_fails_on_a_claim_that_did_not_hold() -> None:
    failed = claim("B", False, measured="2")
    with pytest.raises(AssertionError, match="did not hold"):
        check_claims(_run(claim("A", True, measured="1"), failed))


def test_check_claims_skips_for_the_machine_and_a_taken_cpu_and_for_load_only_outside_ci(
    monkeypatch,
) -> None:
    machine = claim("A", True, measured="1", needs=Need("Python 99", False, "3.11"))
    load = claim("B", True, measured="1", needs=Need("a free CPU", False, "1.1x", LOAD))
    taken = claim(
        "C", True, measured="1", needs=Need("a free CPU", False, "1.1x", CPU_TAKEN)
    )
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.skip.Exception):
        check_claims(_run(machine))
    with pytest.raises(pytest.skip.Exception):
        check_claims(_run(taken))
    with pytest.raises(AssertionError, match="a free CPU"):
        check_claims(_run(load))
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        check_claims(_run(load))
    assert any(label.startswith("00_x/x.py") for label, _ in CLAIMS_CHECKED)


def test_the_build_boxes_each_claim_that_did_not_hold_under_its_output() -> None:
    failed = claim("Processes were faster", False, measured="0.9x", why="busy")
    held = claim("Threads took turns", True, measured="1.0")
    source = "\n".join(
        [
            ".. rst-class:: sphx-glr-script-out",
            "",
            " .. code-block:: none",
            "",
            f"    {held}",
            *(f"    {line}" for line in str(failed).splitlines()),
            "",
            "",
            "next paragraph",
        ]
    )
    boxed = claims_ledger._boxes_after_outputs(source, [held.as_dict(), failed.as_dict()])
    lines = boxed.split("\n")
    box = lines.index(".. admonition:: Did not hold on this build")
    assert lines.index("next paragraph") > box > lines.index(f"    {held}")
    assert "   **Measured:** 0.9x." in lines and "   **Why:** busy." in lines
    assert boxed.count(".. admonition::") == 1


def test_the_ledger_and_the_summary_count_every_claim() -> None:
    page = "04_gil/02_cpu_bound_and_the_gil.py"
    records = [
        {**claim("A | B", True, measured="1").as_dict(), "page": page},
        {**claim("C", False, measured="2").as_dict(), "page": page},
    ]
    assert claims_ledger._summary(records) == (
        "2 claims checked while this copy was built: 1 held, 1 did not hold"
    )
    ledger = claims_ledger._ledger(records)
    assert "sphx_glr_chapters_04_gil_02_cpu_bound_and_the_gil.py" in ledger
    assert "A \\| B" in ledger and ledger.count("\n") == 3


def test_a_run_upset_by_load_is_taken_again_and_the_settled_take_judged(
    monkeypatch,
) -> None:
    upset = claim("D", True, measured="1", needs=Need("a quiet machine", False, "8x", LOAD))
    settled = claim("D", True, measured="2")
    takes = iter([_run(upset), _run(upset), _run(settled)])
    monkeypatch.setattr(example_runner, "run", lambda script, method: next(takes))
    example_runner.run_cached.cache_clear()
    try:
        judged = example_runner.run_cached(EXAMPLES / "00_x" / "x.py", None)
    finally:
        example_runner.run_cached.cache_clear()
    assert judged.claims == [settled]
    assert "D (not shown)" in example_runner.RETAKEN.pop(judged.label)


def test_a_run_short_of_a_free_cpu_is_judged_on_its_one_take(monkeypatch) -> None:
    taken = claim("F", True, measured="1", needs=Need("a free CPU", False, "1x", CPU_TAKEN))
    calls = []
    monkeypatch.setattr(example_runner, "run", lambda s, m: calls.append(s) or _run(taken))
    example_runner.run_cached.cache_clear()
    try:
        judged = example_runner.run_cached(EXAMPLES / "00_z" / "z.py", None)
    finally:
        example_runner.run_cached.cache_clear()
    assert len(calls) == 1 and judged.claims == [taken]
    assert judged.label not in example_runner.RETAKEN


def test_a_wrong_claim_fails_every_take_and_a_clean_run_is_taken_once(monkeypatch) -> None:
    wrong = claim("E", False, measured="0")
    calls = []

    def take(script, method):
        calls.append(script)
        return _run(wrong)

    monkeypatch.setattr(example_runner, "run", take)
    example_runner.run_cached.cache_clear()
    try:
        judged = example_runner.run_cached(EXAMPLES / "00_x" / "x.py", None)
        assert len(calls) == example_runner.TAKES and judged.claims == [wrong]
        example_runner.RETAKEN.pop(judged.label)
        calls.clear()
        monkeypatch.setattr(example_runner, "run", lambda s, m: calls.append(s) or _run())
        example_runner.run_cached(EXAMPLES / "00_y" / "y.py", None)
        assert len(calls) == 1
    finally:
        example_runner.run_cached.cache_clear()
    with pytest.raises(AssertionError, match="did not hold"):
        check_claims(judged)
