"""The chapters' "try this" exercises, from one source of truth: ``docs/exercises.toml``.

Each exercise names a chapter's page, one exact line of it, and what to change that line
to; the question a reader answers before running it ("predict: ..."); the answer, which
says why; and, for those the tests run, what the changed run must show (``check``).
``tests/test_exercises.py`` applies each change to a copy of the page and checks it;
this extension renders the same data on ``docs/exercises.md``, in place of its
``<!-- exercises -->`` marker: a section per chapter, and per exercise the page, the
change as a diff, the question, and the answer folded in a dropdown.

Why one page, not a block at the end of each chapter: the chapters' galleries are
sphinx-gallery's (each README is the section's header, above the pages), so an
exercise there would sit before the pages it changes.  One page, linked from the
navigation, reads after the chapters and links back to every page it changes.

The build fails (as a warning, which the strict build turns into an error) when an
exercise names a page that does not exist, or a line that its page does not hold
exactly once: an exercise whose line has changed cannot stay on the site.

This module imports nothing from Sphinx at the top, so the tests (which run without
Sphinx) load the same data with :func:`load`.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "docs" / "exercises.toml"
EXAMPLES = ROOT / "examples"
MARKER = "<!-- exercises -->"
DOCNAME = "exercises"

# What a check may ask of the changed run (tests/test_exercises.py reads these).
CHECK_KEYS = {"claims", "stdout", "stderr", "returncode", "hangs"}


@dataclass(frozen=True)
class Exercise:
    """One "try this": change ``line`` of ``page`` to ``to``, predict, run."""

    chapter: str  # the chapter's folder, e.g. "03_threading"
    page: str  # the page's file name, e.g. "02_race_condition_and_locks.py"
    title: str
    line: str  # the line as it stands, without its indentation
    to: str  # what it becomes, without indentation (the old line's is kept)
    predict: str
    answer: str
    check: dict[str, Any] = field(default_factory=dict)  # empty: not run by the tests

    @property
    def script(self) -> Path:
        return EXAMPLES / self.chapter / self.page

    @property
    def label(self) -> str:
        """sphinx-gallery's label for the page: ``sphx_glr_chapters_<ch>_<stem>.py``."""
        return f"sphx_glr_chapters_{self.chapter}_{self.page}"

    @property
    def checked(self) -> bool:
        return bool(self.check)

    def problems(self) -> list[str]:
        """What is wrong with this exercise against the page as it stands now."""
        where = f"exercise {self.title!r} ({self.chapter}/{self.page})"
        if not self.script.exists():
            return [f"{where}: no such page"]
        found = [i for i, text in enumerate(self._lines()) if text.strip() == self.line]
        wrong = [] if len(found) == 1 else [f"{where}: {len(found)} lines read that"]
        if unknown := set(self.check) - CHECK_KEYS:
            wrong.append(f"{where}: unknown check keys {sorted(unknown)}")
        if self.line == self.to:
            wrong.append(f"{where}: the change changes nothing")
        return wrong

    def _lines(self) -> list[str]:
        return self.script.read_text(encoding="utf-8").splitlines(keepends=True)

    def changed_source(self) -> str:
        """The page's source with the one line changed (its indentation kept)."""
        lines = self._lines()
        (at,) = [i for i, text in enumerate(lines) if text.strip() == self.line]
        old = lines[at]
        indent = old[: len(old) - len(old.lstrip())]
        ending = old[len(old.rstrip("\r\n")) :]
        lines[at] = indent + self.to + ending
        return "".join(lines)

    def indented(self, text: str) -> str:
        """``text`` with the indentation the line has on its page."""
        (old,) = [t for t in self._lines() if t.strip() == self.line]
        return old[: len(old) - len(old.lstrip())] + text


def load(path: Path = DATA) -> list[Exercise]:
    """Every exercise in ``path``, in the file's order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Exercise(**entry) for entry in data["exercise"]]


def chapter_title(chapter: str) -> str:
    """The chapter's title: the first reST title of its README (a line over ``===``)."""
    lines = (EXAMPLES / chapter / "README.rst").read_text(encoding="utf-8").splitlines()
    for text, under in itertools.pairwise(lines):
        if text.strip() and re.fullmatch(r"=+", under.strip()):
            return text.strip()
    return chapter


def _fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _what_is_checked(check: dict[str, Any]) -> str:
    """The check, in words, for the reader."""
    said = []
    for text, state in check.get("claims", {}).items():
        said.append(f'the claim starting "{text}" reads *{state}*')
    said += [f"the output shows `{s}`" for s in check.get("stdout", [])]
    said += [f"the errors show `{s}`" for s in check.get("stderr", [])]
    if "returncode" in check:
        said.append(f"the script exits with status {check['returncode']}")
    if "hangs" in check:
        said.append(f"the script is still running after {check['hangs']} s (then killed)")
    return "; ".join(said)


def render(exercises: list[Exercise]) -> str:
    """The exercises as MyST Markdown: a section per chapter, one per exercise."""
    out: list[str] = []
    chapters: dict[str, list[Exercise]] = {}
    for exercise in exercises:
        chapters.setdefault(exercise.chapter, []).append(exercise)
    for chapter, listed in sorted(chapters.items()):
        number = int(chapter[:2])
        out.append(f"## {number}. {chapter_title(chapter)}\n")
        out.append(f"From {{doc}}`the chapter <chapters/{chapter}/index>`.\n")
        for n, exercise in enumerate(listed, 1):
            diff = (
                f"- {exercise.indented(exercise.line)}\n"
                f"+ {exercise.indented(exercise.to)}\n"
            )
            fence = _fence(diff)
            badge = (
                "{bdg-success}`checked by the tests`"
                if exercise.checked
                else "{bdg-secondary}`not run by the tests`"
            )
            out.append(f"### {number}.{n} {exercise.title}\n")
            out.append(
                f"On {{ref}}`{exercise.label}` (`{exercise.page}`), change one line:\n"
            )
            out.append(f"{fence}diff\n{diff}{fence}\n")
            out.append(f"**Predict:** {exercise.predict.strip()} {badge}\n")
            out.append("::::{dropdown} Answer\n:class-container: exercise-answer\n")
            out.append(exercise.answer.strip() + "\n")
            if exercise.checked:
                out.append(
                    f"**Checked:** the tests run this change and check that "
                    f"{_what_is_checked(exercise.check)}.\n"
                )
            out.append("::::\n")
    return "\n".join(out)


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    if docname != DOCNAME or MARKER not in source[0]:
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    app.env.note_dependency(str(DATA))
    exercises = load()
    for exercise in exercises:
        app.env.note_dependency(str(exercise.script))
        for problem in exercise.problems():
            logger.warning(problem, location=docname)
    usable = [e for e in exercises if not e.problems()]
    source[0] = source[0].replace(MARKER, render(usable))


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
