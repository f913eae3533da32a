"""Readers find their way: the lesson comes first, symptoms lead to fixes, search works.

- Every example page opens with its title and promise; the download line sits under the
  promise and the note with the commands at the end (reader_downloads.py).
- The symptom index (symptoms.md, symptoms.py): every entry shows the code, what it
  printed when the site was built (which holds the entry's message), and links to the
  chapter page that fixes it; the code on the page, run again here, prints the message.
- The site's own search box puts the right page first or second for what readers type.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

SYMPTOMS = "symptoms.html"
MIN_SYMPTOMS = 10
SNIPPET_TIMEOUT = 30
SEARCH_TIMEOUT_MS = 15_000
# The title's top, in CSS pixels from the top of the page at 1280 px wide: under the
# navbar and the breadcrumbs, not under a note (it was ~530 px with the note first).
TITLE_TOP_MAX_PX = 250

# What readers type, and the pages that answer it (one of them first or second).
QUESTIONS = {
    "100 HTTP requests concurrently": [
        "chapters/08_aiohttp/04_how_many_at_once.html",
        "chapters/08_aiohttp/01_client_and_server.html",
    ],
    "ProcessPoolExecutor slower than sequential": [
        "chapters/06_futures/01_threads_vs_processes.html",
        "chapters/05_multiprocessing/04_pool.html",
    ],
    "why is my pool slower than a loop": [
        "chapters/05_multiprocessing/04_pool.html",
        "chapters/06_futures/01_threads_vs_processes.html",
    ],
    "p99 latency": ["chapters/09_benchmarking/07_latency_percentiles.html"],
    "is uvloop faster than asyncio": [
        "chapters/09_benchmarking/07_latency_percentiles.html"
    ],
}
# Each symptom's message, as a reader pastes it: the symptom page first or second.
MESSAGES = [
    "Can't get attribute 'f' on <module '__main__'>",
    "cannot pickle '_thread.lock' object",
    "BrokenProcessPool",
    "Task was destroyed but it is pending!",
    "RuntimeWarning: coroutine 'main' was never awaited",
    "asyncio.run() cannot be called from a running event loop",
    "Ctrl-C does not stop my program",
    "my awaits run one after another",
    "my threads are not faster",
    "Too many open files",
]

_LAYOUT = """() => {
  const top = (e) => e ? e.getBoundingClientRect().top + window.scrollY : null;
  const article = document.querySelector("article.bd-article");
  const title = article.querySelector("h1");
  const bar = article.querySelector("p.download-bar");
  const note = article.querySelector("div.sphx-glr-download-link-note");
  const code = article.querySelector("div.highlight, div.sphx-glr-script-out");
  return {
    title: top(title), bar: top(bar), note: top(note), first_code: top(code),
    bar_links: bar ? [...bar.querySelectorAll("a")].map((a) => a.getAttribute("href")) : [],
    note_target: note ? note.id : null,
  };
}"""


def test_example_page_starts_with_the_lesson(browser, example_page) -> None:
    """Title, promise, one download line; the note with the commands at the end."""
    with browser.open(example_page, settle=False) as tab:
        layout = tab.evaluate(_LAYOUT)
    assert layout["title"] is not None, f"{example_page}: no title"
    assert layout["title"] <= TITLE_TOP_MAX_PX, (
        f"{example_page}: the title starts {layout['title']:.0f} px down"
        f" (at most {TITLE_TOP_MAX_PX})"
    )
    assert layout["bar"] is not None, f"{example_page}: no download line"
    assert layout["title"] < layout["bar"], "the download line comes after the title"
    if layout["first_code"] is not None:
        assert layout["bar"] < layout["first_code"], "and before the first code"
    assert layout["note"] is not None, f"{example_page}: no note with the commands"
    assert layout["note"] > layout["bar"], "the note is at the end, not first"
    links = layout["bar_links"]
    suffixes = [link.rsplit(".", 1)[-1] for link in links[:3]]
    assert suffixes == ["py", "ipynb", "zip"], f"download line links: {links}"
    assert links[3] == f"#{layout['note_target']}", "'how to run it' leads to the note"


def _symptoms(browser) -> list[dict]:
    with browser.open(SYMPTOMS, settle=False) as tab:
        return tab.evaluate(
            """() => [...document.querySelectorAll("div.symptom")].map((box) => {
              const section = box.closest("section");
              return {
                heading: section.querySelector("h3, h2").textContent.replace("#", "")
                  .trim(),
                code: box.querySelector(".symptom-code pre").textContent,
                caption: box.querySelector("p.symptom-caption").textContent,
                message: box.querySelector("code.symptom-message").textContent,
                output: box.querySelector(".symptom-output pre").textContent,
                run_c: box.classList.contains("symptom-run-c"),
                links: [...section.querySelectorAll("a.reference.internal[href]")]
                  .map((a) => a.href).filter((href) => href.includes("/chapters/")),
              };
            })"""
        )


@pytest.fixture(scope="module")
def symptoms(browser) -> list[dict]:
    return _symptoms(browser)


def test_symptom_entries_were_printed_by_the_build(symptoms) -> None:
    assert len(symptoms) >= MIN_SYMPTOMS, [s["heading"] for s in symptoms]
    for entry in symptoms:
        heading = entry["heading"]
        assert entry["code"].strip(), f"{heading}: no code"
        assert "while this site was built" in entry["caption"], entry["caption"]
        assert entry["message"] and entry["message"] in entry["output"], (
            f"{heading}: the output shown does not hold {entry['message']!r}:\n"
            f"{entry['output']}"
        )


def test_every_symptom_links_to_the_page_that_fixes_it(browser, symptoms) -> None:
    for entry in symptoms:
        assert entry["links"], f"{entry['heading']}: links to no chapter page"
        for link in entry["links"]:
            target = browser.local_path(link)
            assert target is not None and target.is_file(), f"{link}: no such page"


ROOT = Path(__file__).resolve().parent.parent


def _builders_python(symptoms: list[dict]) -> str | None:
    """The Python X.Y that built the site (each caption names it), found here: on PATH
    or made by ``dev.py pythons``.  Pythons word their errors differently."""
    (version,) = {
        re.search(r"by Python (\d+\.\d+)", entry["caption"]).group(1) for entry in symptoms
    }
    beside = ROOT / ".pythons" / version / "bin" / f"python{version}"
    return shutil.which(f"python{version}") or (str(beside) if beside.exists() else None)


def _rerun(entry: dict, python: str) -> str:
    """The entry's code, run as the page says (a script, or ``python -c``)."""
    with tempfile.TemporaryDirectory() as folder:
        if entry["run_c"]:
            command = [python, "-c", entry["code"]]
        else:
            Path(folder, "script.py").write_text(entry["code"], encoding="utf-8")
            command = [python, "script.py"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        child = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = child.communicate(timeout=SNIPPET_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            output, _ = child.communicate()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)  # whatever it left behind
        return output


def test_the_code_shown_prints_the_message(symptoms) -> None:
    """Not pasted: the code on the page, run here by the Python that built the site,
    prints the message it is filed under."""
    python = _builders_python(symptoms)
    if python is None:
        pytest.skip(f"the Python that built the site is not here: {symptoms[0]['caption']}")
    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = list(pool.map(_rerun, symptoms, [python] * len(symptoms)))
    wrong = [
        f"{entry['heading']}: {entry['message']!r} not in:\n{output[-800:]}"
        for entry, output in zip(symptoms, outputs, strict=True)
        if entry["message"] not in output
    ]
    assert not wrong, "\n\n".join(wrong)


def _search(browser, query: str) -> list[str]:
    """The result pages, in order, for ``query`` typed into the site's search."""
    with browser.open(f"search.html?q={quote(query)}") as tab:
        tab.wait_for_function(
            "() => document.querySelector('#search-results p.search-summary')"
            "?.textContent.trim()",
            timeout=SEARCH_TIMEOUT_MS,
        )
        hrefs = tab.locator("#search-results ul.search li > a").evaluate_all(
            "(links) => links.map((a) => a.href)"
        )
    return [browser.local_path(h).relative_to(browser.site).as_posix() for h in hrefs]


@pytest.mark.parametrize("query", list(QUESTIONS))
def test_search_answers_the_question(browser, query) -> None:
    results = _search(browser, query)
    assert set(results[:2]) & set(QUESTIONS[query]), (
        f"searching {query!r}: first results {results[:5]}, wanted one of"
        f" {QUESTIONS[query]}"
    )


@pytest.mark.parametrize("message", MESSAGES)
def test_search_finds_the_symptom(browser, message) -> None:
    results = _search(browser, message)
    assert SYMPTOMS in results[:2], f"searching {message!r}: first results {results[:5]}"


def test_chapters_page_gives_each_chapter_its_question(browser, site) -> None:
    """A card per chapter, in order: its title, one question, a thumbnail, its link."""
    chapters = sorted(p.parent.name for p in site.glob("chapters/*/index.html"))
    with browser.open("chapters.html") as tab:
        cards = tab.evaluate(
            """() => [...document.querySelectorAll("div.chapter-card")].map((card) => {
              const img = card.querySelector("img.sd-card-img-top");
              return {
                title: card.querySelector(".sd-card-title").textContent.trim(),
                question: card.querySelector("p.sd-card-text").textContent.trim(),
                href: card.querySelector("a.sd-stretched-link").href,
                image: img ? img.naturalWidth > 0 && !!img.getAttribute("alt") : false,
              };
            })"""
        )
    linked = [browser.local_path(card["href"]).relative_to(site).parts[1] for card in cards]
    assert linked == chapters, f"cards link {linked}, chapters are {chapters}"
    for number, card in enumerate(cards, start=1):
        assert card["title"].startswith(f"{number}. "), card["title"]
        assert card["question"].endswith(("?", ".")), f"{card['title']}: no question"
        assert card["image"], f"{card['title']}: no thumbnail (or no alt text)"


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("wayfinding_page", ["symptoms.html", "chapters.html"])
def test_wayfinding_pages_are_accessible(browser, wayfinding_page, mode) -> None:
    """axe-core, as test_accessibility.py runs it, on the two pages these pieces make."""
    from axe_playwright_python.sync_playwright import Axe

    with browser.open(wayfinding_page, color_scheme=mode) as tab:
        violations = Axe().run(tab).response["violations"]
    blocking = [v for v in violations if v["impact"] in {"serious", "critical"}]
    report = [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in blocking
    ]
    assert not blocking, f"{wayfinding_page} ({mode}):\n" + "\n".join(report)
