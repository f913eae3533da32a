"""09/08 "What each Python changes": every Python found, probed in a child of its own.

The page states what changed as claims (they need a Python before 3.14 and one after,
which CI without ``python3 dev.py pythons`` lacks: then they skip for the machine).
These tests add what a claim cannot say: that the page names which Pythons it had and
lacked, that the running Python is always among them, and how the helpers decide.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import sysconfig

import pytest
from example_runner import check_claims, example

from conc_examples.claims import NOT_SHOWN
from conc_examples.work import pythons

PAGE = "09_benchmarking/08_what_each_python_changes.py"
HERE = f"{sys.version_info.major}.{sys.version_info.minor}"


def test_each_python_found_is_probed_and_the_page_says_what_it_lacked() -> None:
    run = example(PAGE)
    # The default start method; forkserver's start; subinterpreters; the GIL off.
    assert len(run.claims) == 4
    check_claims(run)
    found, lacking = run.values["pythons"], run.values["lacking"]
    free_threaded = [label for label in found if label.endswith("t")]
    gil_off = run.claim("With the GIL off")
    if not free_threaded:
        assert gil_off.state == NOT_SHOWN
    assert set(run.values["free_threaded"]) == set(free_threaded)
    assert sorted([*found, *lacking]) == sorted(pythons.WANTED)
    assert [m.label for m in run.values["measured"]] == list(found)
    assert f"this build had: {', '.join(found)}" in run.stdout
    assert f"it lacked: {', '.join(lacking) or 'nothing'}" in run.stdout
    for label, figures in run.values["figure"].items():
        assert figures["version"].startswith(label.removesuffix("t") + ".")
        assert (figures["interpreter_us"] is None) == pythons.before(label)


def test_the_running_python_is_always_found() -> None:
    # A venv's interpreter counts, so the page has at least this Python anywhere.
    label = HERE + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")
    if label in pythons.WANTED:
        assert label in pythons.find_pythons()


def test_the_probe_runs_isolated_on_this_python() -> None:
    done = subprocess.run(
        [sys.executable, "-I", str(pythons.PROBE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    figures = json.loads(done.stdout)
    assert figures["version"] == sys.version.split()[0]
    assert figures["asyncio_task_us"] > 0 and figures["thread_hand_off_us"] > 0
    methods = multiprocessing.get_all_start_methods()
    assert set(figures["process_start_us"]) == set(methods)


def test_two_workers_under_the_gil_do_not_run_side_by_side() -> None:
    # -X gil=1 is what the page passes a free-threaded build; every build accepts it.
    done = subprocess.run(
        [sys.executable, "-I", "-X", "gil=1", str(pythons.PROBE), "two-workers"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    figures = json.loads(done.stdout)
    assert figures["gil"] is True and figures["processes"] > 0
    assert figures["threads"] < 1.3  # one thread at a time, however idle the machine


def test_a_free_threaded_build_runs_two_workers_with_the_gil_off_and_on() -> None:
    found = pythons.find_pythons()
    free_threaded = {label: path for label, path in found.items() if label.endswith("t")}
    if not free_threaded:
        pytest.skip(f"no free-threaded build (3.1Xt) found, only {', '.join(found)}")
    for measured in pythons.probe_each(free_threaded):
        runs = measured.figures["two_workers"]
        assert runs["off"]["gil"] is False and runs["on"]["gil"] is True
        assert runs["on"]["threads"] < 1.3


def test_free_threaded_needs_a_3_x_t() -> None:
    assert pythons.needs_free_threaded(["3.13", "3.14t"]).met
    unmet = pythons.needs_free_threaded(["3.11", "3.15"])
    assert not unmet.met and "3.11, 3.15" in unmet.seen


def test_before_and_after_need_one_of_each() -> None:
    assert pythons.before("3.13t") and not pythons.before("3.14")
    assert not pythons.before("3.15", (3, 15)) and pythons.before("3.9")
    assert pythons.needs_before_and_after(["3.11", "3.14"]).met
    unmet = pythons.needs_before_and_after(["3.11", "3.13"])
    assert not unmet.met and "3.11, 3.13" in unmet.seen
