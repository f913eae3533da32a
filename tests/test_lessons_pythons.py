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

from example_runner import check_claims, example

from conc_examples.work import pythons

PAGE = "09_benchmarking/08_what_each_python_changes.py"
HERE = f"{sys.version_info.major}.{sys.version_info.minor}"


def test_each_python_found_is_probed_and_the_page_says_what_it_lacked() -> None:
    run = example(PAGE)
    # The default start method; forkserver's start; subinterpreters.
    assert len(run.claims) == 3
    check_claims(run)
    found, lacking = run.values["pythons"], run.values["lacking"]
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


def test_before_and_after_need_one_of_each() -> None:
    assert pythons.before("3.13t") and not pythons.before("3.14")
    assert not pythons.before("3.15", (3, 15)) and pythons.before("3.9")
    assert pythons.needs_before_and_after(["3.11", "3.14"]).met
    unmet = pythons.needs_before_and_after(["3.11", "3.13"])
    assert not unmet.met and "3.11, 3.13" in unmet.seen
