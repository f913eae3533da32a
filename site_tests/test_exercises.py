"""The exercises page and the cheat sheet, as a reader meets them.

- Every exercise of ``docs/exercises.toml`` is on the page, under its own heading, with
  the change as a diff, a link to the page it changes (a real page of the site), and
  its answer folded: closed until the reader opens it, then shown.
- The cheat sheet links every tool to a real page that measures it.
- The navigation leads to both.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "docs" / "_ext" / "exercises.py"
EXERCISES_PAGE = "exercises.html"
CHEATSHEET = "cheatsheet.html"
CHEATSHEET_TOOLS = 16  # rows of its tables: one per tool
STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

_EXERCISES = """() => [...document.querySelectorAll("article section")]
  .filter((s) => s.querySelector(":scope > h3") && s.querySelector("details"))
  .map((section) => {
    const details = section.querySelector("details.exercise-answer");
    return {
      heading: section.querySelector(":scope > h3").textContent.replace("#", "").trim(),
      diff: (section.querySelector("div.highlight-diff pre") || {}).textContent || "",
      links: [...section.querySelectorAll("a.reference.internal[href]")]
        .map((a) => a.href).filter((href) => href.includes("/chapters/")),
      folded: details ? !details.open : null,
      answer: details ? details.querySelector(".sd-summary-content").textContent.trim()
        : "",
    };
  })"""


def _load_exercises() -> list:
    spec = importlib.util.spec_from_file_location("docs_exercises", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.load()


@pytest.fixture(scope="module")
def shown(browser) -> list[dict]:
    with browser.open(EXERCISES_PAGE, settle=False) as tab:
        return tab.evaluate(_EXERCISES)


def test_every_exercise_is_on_the_page_with_its_answer_folded(shown) -> None:
    exercises = _load_exercises()
    assert len(shown) == len(exercises), [s["heading"] for s in shown]
    for entry, exercise in zip(shown, exercises, strict=True):
        heading = entry["heading"].translate(STRAIGHT)  # the build curls quotes
        assert heading.endswith(exercise.title), f"{heading!r} for {exercise.title!r}"
        removed = " ".join(f"- {exercise.line}".split())
        assert removed in " ".join(entry["diff"].split()), entry["diff"]
        assert entry["folded"] is True, f"{heading}: the answer is not folded"
        assert len(entry["answer"]) > 100, f"{heading}: the answer is empty or stub"


def test_every_exercise_links_to_the_page_it_changes(browser, shown) -> None:
    for entry, exercise in zip(shown, _load_exercises(), strict=True):
        stem = exercise.page.removesuffix(".py")
        wanted = f"/chapters/{exercise.chapter}/{stem}.html"
        assert any(link.split("#")[0].endswith(wanted) for link in entry["links"]), (
            f"{entry['heading']}: no link to {wanted}: {entry['links']}"
        )
        for link in entry["links"]:
            target = browser.local_path(link.split("#")[0])
            assert target is not None and target.is_file(), f"{link}: no such page"


def test_an_answer_opens_when_clicked(browser) -> None:
    with browser.open(EXERCISES_PAGE, settle=False) as tab:
        answer = tab.locator("details.exercise-answer").first
        body = answer.locator(".sd-summary-content")
        assert not body.is_visible()
        answer.locator("summary").click()
        body.wait_for(state="visible", timeout=5_000)
        assert body.inner_text().strip()


def test_the_cheat_sheet_links_each_tool_to_a_real_page(browser) -> None:
    with browser.open(CHEATSHEET, settle=False) as tab:
        rows = tab.evaluate(
            """() => [...document.querySelectorAll("article table tbody tr")].map((tr) =>
              [...tr.querySelectorAll("td:last-child a.reference.internal[href]")]
                .map((a) => a.href))"""
        )
    assert len(rows) == CHEATSHEET_TOOLS, f"{len(rows)} rows"
    for links in rows:
        assert links, "a tool without the page that measures it"
        for link in links:
            target = browser.local_path(link.split("#")[0])
            assert target is not None and target.is_file(), f"{link}: no such page"


def test_the_navigation_leads_to_both(browser) -> None:
    visit = browser.visit("index.html")
    for page in (EXERCISES_PAGE, CHEATSHEET):
        assert any(link.split("#")[0].endswith("/" + page) for link in visit.links), (
            f"index.html does not link to {page}"
        )
