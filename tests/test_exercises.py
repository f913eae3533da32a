"""The chapters' exercises (``docs/exercises.toml``) say true things about the pages.

Every exercise names a page and one line of it that is there, exactly once; each
chapter has two or three.  Those with a ``check`` are run: the one line is changed in a
copy of the page (in a temporary folder, under the page's own file name), the copy runs
the way every example runs (:func:`example_runner.run`: ``python -X dev``, a timeout,
nothing left behind), and what the exercise's answer predicts is checked.  The checked
ones are few and quick, together well under a minute.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import example_runner
import pytest
from example_runner import run, start_methods_for

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "docs" / "_ext" / "exercises.py"
PER_CHAPTER = range(2, 4)  # two or three exercises per chapter
KILLED = "<killed: still running after"


def _load_extension():
    """docs/_ext/exercises.py, which reads the data without importing Sphinx."""
    spec = importlib.util.spec_from_file_location("docs_exercises", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


exercises_module = _load_extension()
EXERCISES = exercises_module.load()
CHECKED = [e for e in EXERCISES if e.checked]


def _id(exercise) -> str:
    return f"{exercise.chapter[:2]}-{exercise.page[:2]}-{exercise.title}"


def test_every_exercise_names_a_line_its_page_holds_once() -> None:
    problems = [p for exercise in EXERCISES for p in exercise.problems()]
    assert not problems, "\n".join(problems)


def test_every_chapter_has_two_or_three_exercises() -> None:
    chapters = sorted(p.name for p in example_runner.EXAMPLES.glob("[0-9][0-9]_*"))
    counts = {c: sum(e.chapter == c for e in EXERCISES) for c in chapters}
    wrong = {c: n for c, n in counts.items() if n not in PER_CHAPTER}
    assert not wrong, f"exercises per chapter, outside 2 or 3: {wrong}"


def test_the_change_touches_one_line_and_keeps_its_indentation() -> None:
    for exercise in EXERCISES:
        before = exercise.script.read_text(encoding="utf-8").splitlines()
        after = exercise.changed_source().splitlines()
        differ = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
        assert len(differ) == 1, f"{_id(exercise)}: {len(differ)} lines changed"
        ((old, new),) = differ
        assert old.strip() == exercise.line and new.strip() == exercise.to.strip()
        assert old[: len(old) - len(old.lstrip())] == new[: len(new) - len(new.lstrip())]


def _claim_state(found: example_runner.ExampleRun, text: str) -> str:
    matching = [c for c in found.claims if c.text.startswith(text)]
    made = "\n  ".join(c.text for c in found.claims) or "(none)"
    assert len(matching) == 1, f"{len(matching)} claims start with {text!r}:\n  {made}"
    return matching[0].state


@pytest.mark.parametrize("exercise", CHECKED, ids=_id)
def test_the_changed_page_does_what_the_answer_says(
    exercise, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / exercise.chapter / exercise.page
    copy.parent.mkdir()
    for helper in exercise.script.parent.glob("_*.py"):  # a page's own helpers, if any
        shutil.copy(helper, copy.parent)
    copy.write_text(exercise.changed_source(), encoding="utf-8")
    check = exercise.check
    if "hangs" in check:
        monkeypatch.setattr(example_runner, "TIMEOUT_SECONDS", check["hangs"])
    found = run(copy, start_methods_for(copy)[0])
    said = f"status {found.returncode}\nstdout:\n{found.stdout}\nstderr:\n{found.stderr}"

    if "hangs" in check:
        assert KILLED in found.stderr, f"it ended within {check['hangs']} s:\n{said}"
        return
    assert found.returncode == check.get("returncode", 0), said
    assert not found.leftovers, f"left running: {found.leftovers}"
    if "stderr" not in check and found.returncode == 0:
        assert not found.unexpected_stderr(), said
    for text in check.get("stdout", []):
        assert text in found.stdout, f"{text!r} not in the output:\n{said}"
    for text in check.get("stderr", []):
        assert text in found.stderr, f"{text!r} not in the errors:\n{said}"
    for text, state in check.get("claims", {}).items():
        assert _claim_state(found, text) == state, f"{text!r}:\n{said}"
