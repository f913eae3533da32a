"""The symptom index, whose error messages this build's Python printed; and search.

A page (``docs/symptoms.md``) lists what readers paste into a search box: an error
message, a warning, a behaviour ("Ctrl-C does nothing").  Under each heading a
``symptom`` directive holds a few lines of code that make it happen::

    ```{symptom}
    :message: cannot pickle '_thread.lock' object
    :tail: 1

    import threading ...
    ```

The build runs every snippet of the page in a child process of its own (all of them at
once, each with a timeout, in a fresh temporary folder, killed with its process group
when it ends or times out), before the page is parsed.  The page shows the code, then
what the child printed, word for word (paths shortened).  ``:message:`` must be in that
output, or the build fails: a heading that this Python no longer prints cannot stay on
the page.  The message also becomes an index entry, so that the site's search takes a
pasted message straight to its entry.  Where Pythons word it differently, ``:message:``
lists each wording, separated by `` || `` (``A || B``): one must be in the output, the
page shows the one this build's Python printed, and every wording is indexed.

Options: ``:run: c`` runs the code as ``python -c CODE`` (no script file: the
``__main__`` of the REPL and of notebooks) instead of ``python script.py``; ``:tail:
N`` shows only the output's last N lines (the end of a traceback), from the message's
line if it is above them (3.14+ adds notes under a pickling error); ``:timeout:``
seconds (default 10).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
SCRIPT = "script.py"
# A ```{symptom} fence of a MyST page: its options, a blank line, its code.
_FENCE = re.compile(
    r"^(?P<fence>`{3,})\{symptom\}[ \t]*\n(?P<options>(?:[ \t]*:\w+:[^\n]*\n)*)\n?"
    r"(?P<code>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)
_OPTION = re.compile(r"^[ \t]*:(\w+):[ \t]*(.*?)[ \t]*$", re.M)


@dataclass(frozen=True)
class Outcome:
    """What one snippet did: its output (stdout and stderr), exit status, seconds."""

    output: str
    returncode: int | None
    seconds: float
    timed_out: bool


_OUTCOMES: dict[tuple[str, str, float], Outcome] = {}
# The heading each snippet stands under (a MyST heading line, without its backquotes).
_HEADINGS: dict[tuple[str, str, float], str] = {}
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*$", re.M)


def _key(code: str, run: str, timeout: float) -> tuple[str, str, float]:
    return (code.strip("\n"), run, timeout)


def _shorten(text: str, folder: str) -> str:
    """Paths that say where this build ran, not what went wrong, made short."""
    stdlib = sysconfig.get_path("stdlib")
    text = text.replace(folder + os.sep, "").replace(folder, ".")
    text = text.replace(sys.executable, "python")
    return text.replace(
        stdlib + os.sep, f"python{sys.version_info[0]}.{sys.version_info[1]}/"
    )


def run_snippet(
    code: str, run: str = "script", timeout: float = DEFAULT_TIMEOUT
) -> Outcome:
    """Run ``code`` in a child Python, in a fresh folder; nothing it starts survives it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    with tempfile.TemporaryDirectory(prefix="symptom-") as folder:
        if run == "c":
            command = [sys.executable, "-c", code]
        else:
            Path(folder, SCRIPT).write_text(code, encoding="utf-8")
            command = [sys.executable, SCRIPT]
        start = time.perf_counter()
        child = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # in the order the program printed them
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        timed_out = False
        try:
            output, _ = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(child.pid, signal.SIGKILL)
            output, _ = child.communicate()
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)  # whatever it left behind
        seconds = time.perf_counter() - start
        output = _shorten(output, os.path.realpath(folder))
        output = _shorten(output, folder)
    return Outcome(output.rstrip(), child.returncode, seconds, timed_out)


def _options(text: str) -> dict[str, str]:
    return {m[1]: m[2] for m in _OPTION.finditer(text)}


def _timeout(options: dict[str, str]) -> float:
    return float(options.get("timeout") or DEFAULT_TIMEOUT)


def run_page_snippets(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before a page with symptoms is parsed, run all its snippets at once."""
    if "{symptom}" not in source[0]:
        return
    wanted = []
    for match in _FENCE.finditer(source[0]):
        options = _options(match["options"])
        key = _key(match["code"], options.get("run", "script"), _timeout(options))
        above = _HEADING.findall(source[0], 0, match.start())
        _HEADINGS[key] = above[-1].replace("`", "").strip() if above else ""
        if key not in _OUTCOMES:
            wanted.append(key)
    if not wanted:
        return
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        for key, outcome in zip(
            wanted, pool.map(lambda k: run_snippet(*k), wanted), strict=True
        ):
            _OUTCOMES[key] = outcome
    logger.info(
        f"{docname}: ran {len(wanted)} symptom snippets in"
        f" {time.perf_counter() - start:.1f} s"
    )


def _status(outcome: Outcome) -> str:
    if outcome.timed_out:
        return f"killed after its {outcome.seconds:.1f} s timeout"
    if outcome.returncode is not None and outcome.returncode < 0:
        try:
            name = signal.Signals(-outcome.returncode).name
        except ValueError:
            name = f"signal {-outcome.returncode}"
        return f"ended by {name} after {outcome.seconds:.2f} s"
    return f"exit status {outcome.returncode}, {outcome.seconds:.2f} s"


class SymptomDirective(SphinxDirective):
    """The code, and what it printed when this build ran it."""

    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], object]]] = {
        "message": directives.unchanged_required,
        "run": lambda arg: directives.choice(arg, ("script", "c")),
        "tail": directives.positive_int,
        "timeout": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        run = self.options.get("run", "script")
        timeout = float(self.options.get("timeout", DEFAULT_TIMEOUT))
        key = _key(code, run, timeout)
        if key not in _OUTCOMES:
            _OUTCOMES[key] = run_snippet(*key)
        outcome = _OUTCOMES[key]
        wordings = self.options.get("message", "").split(" || ")
        messages = [m.strip() for m in wordings if m.strip()]
        where = f"{self.env.docname}.md, line {self.lineno}"
        if not messages:
            raise ExtensionError(f"{where}: a symptom needs a :message:")
        printed_here = [m for m in messages if m in outcome.output]
        if not printed_here:
            raise ExtensionError(
                f"{where}: the snippet no longer prints"
                f" {' or '.join(map(repr, messages))}; it printed"
                f" ({_status(outcome)}):\n{outcome.output}"
            )
        message = printed_here[0]
        shown = outcome.output
        if "tail" in self.options:  # the last lines, and the message's line above them
            lines = shown.splitlines()
            said_at = max(
                (n for n, line in enumerate(lines) if message in line), default=len(lines)
            )
            start = min(len(lines) - self.options["tail"], said_at)
            shown = "\n".join(["...", *lines[max(start, 0) :]])

        target_id = f"symptom-{self.env.new_serialno('symptom')}"
        target = nodes.target("", "", ids=[target_id])
        # The search box matches a pasted message, or the heading's words, to an entry.
        names = [message, *(m for m in messages if m != message)]
        heading = _HEADINGS.get(key, "")
        if heading and heading not in names:
            names.append(heading)
        index = addnodes.index(
            entries=[("single", name, target_id, "main", None) for name in names]
        )
        how = "python -c CODE" if run == "c" else f"python {SCRIPT}"
        box = nodes.container(classes=["symptom", f"symptom-run-{run}"])
        source = nodes.literal_block(code, code, language="python")
        source["classes"].append("symptom-code")
        said = nodes.paragraph(classes=["symptom-caption"])
        said += nodes.Text("Run as ")
        said += nodes.literal(how, how)
        said += nodes.Text(
            f" by Python {sys.version.split()[0]} while this site was built"
            f" ({_status(outcome)}), it printed "
        )
        said += nodes.literal(message, message, classes=["symptom-message"])
        said += nodes.Text(":")
        printed = nodes.literal_block(shown, shown, language="none")
        printed["classes"].append("symptom-output")
        box += [source, said, printed]
        return [index, target, box]


# --- search: the lessons, not the bookkeeping ----------------------------------------

# What readers type into a search box, and the example page that answers it.  Each
# becomes a main index entry under the page's title, which the site's search ranks
# first for a query that is most of the entry's text.
QUESTIONS: dict[str, list[str]] = {
    "chapters/09_benchmarking/07_latency_percentiles": [
        "p99 latency",
        "coordinated omission in a load test",
        "is uvloop faster than asyncio",
    ],
    "chapters/08_aiohttp/04_how_many_at_once": [
        "100 HTTP requests concurrently",
        "how many requests at once",
        "limit concurrent requests with a semaphore",
    ],
    "chapters/08_aiohttp/03_sequential_threads_coroutines": [
        "requests one after another, from threads, from coroutines",
    ],
    "chapters/06_futures/01_threads_vs_processes": [
        "ProcessPoolExecutor slower than sequential",
        "ThreadPoolExecutor or ProcessPoolExecutor for CPU-bound work",
    ],
    "chapters/05_multiprocessing/04_pool": [
        "process pool slower than a loop",
        "chunksize for many small tasks",
        "what can be pickled and sent to a process",
    ],
    "chapters/04_gil/02_cpu_bound_and_the_gil": [
        "threads do not speed up CPU-bound code",
    ],
    "chapters/11_when_things_go_wrong/01_a_deadlock_diagnosed": [
        "my program hangs: where is each thread waiting",
    ],
}
_TITLE = re.compile(r"^.+\n=+\n", re.M)


def add_questions(app: Sphinx, docname: str, source: list[str]) -> None:
    """The page's questions, as main index entries right under its title."""
    if docname not in QUESTIONS:
        return
    title = _TITLE.search(source[0])
    if title is None:
        raise ExtensionError(f"{docname}: no title to put its search questions under")
    entries = "".join(f"   !single: {question}\n" for question in QUESTIONS[docname])
    source[0] = (
        source[0][: title.end()] + f"\n.. index::\n{entries}\n" + source[0][title.end() :]
    )


def keep_timings_out_of_search(app: Sphinx, docname: str, source: list[str]) -> None:
    """sphinx-gallery's "Computation times" pages: out of search, out of navigation.

    They name every example, so a search for a topic listed them above the lesson.
    ``:nosearch:`` leaves them out of the search index; ``:orphan:`` out of every
    toctree (sphinx-gallery marks them so already).
    """
    if docname.rsplit("/", 1)[-1] != "sg_execution_times":
        return
    text = source[0].lstrip("\n")
    if text.startswith(":orphan:\n"):
        text = text.removeprefix(":orphan:\n")
    source[0] = ":orphan:\n:nosearch:\n" + text


# --- the chapters page: what each chapter answers ------------------------------------

# The one question each chapter answers; a chapter missing here shows its README's
# first sentence instead.
CHAPTER_QUESTIONS = {
    "01_processes": "What is a process, and what does the OS tell it about itself?",
    "02_subprocess": "How do I run other programs, many at once, with timeouts?",
    "03_threading": "How do threads share data without losing updates or deadlocking?",
    "04_gil": "When do threads make Python faster, and when does the GIL stop them?",
    "05_multiprocessing": "How do I use every CPU from Python, and what does it cost?",
    "06_futures": "Threads or processes: how do I run work in a pool and collect it?",
    "07_asyncio": "How does one thread wait on many things at once?",
    "08_aiohttp": "How many HTTP requests at once, and how do I bound them?",
    "09_benchmarking": "How do I measure concurrent code honestly?",
    "10_beyond_one_machine": "What do Celery, Dask, Ray and gevent add beyond one pool?",
    "11_when_things_go_wrong": "What do I do when it hangs, is interrupted or overwhelmed?",
    "12_many_interpreters": "Can one process compute on many CPUs, one interpreter each?",
}
CHAPTER_CARDS = "<!-- chapter-cards -->"
_README_TITLE = re.compile(r"^(\S.*)\n=+\n\n(?P<intro>(?:\S.*\n)+)", re.M)
_ROLE = re.compile(r":\w+:`(?:([^`<]*?)\s*<[^`]*>|([^`]*))`")


def first_sentence(text: str) -> str:
    plain = _ROLE.sub(lambda m: m[1] or m[2], " ".join(text.split()))
    plain = plain.replace("``", "").replace("*", "")
    return plain.split(". ")[0].rstrip(".") + "."


def _thumbnails(gallery: Path) -> list[Path]:
    """The chapter's thumbnails, those of pages that drew a figure first."""
    images = gallery / "images"
    thumbs = sorted((images / "thumb").glob("sphx_glr_*_thumb.*"))

    def drew_nothing(thumb: Path) -> bool:
        stem = thumb.name.removeprefix("sphx_glr_").rsplit("_thumb.", 1)[0]
        return not any(images.glob(f"sphx_glr_{stem}_0*.*"))

    return sorted(thumbs, key=drew_nothing)  # stable: in page order within each group


def chapter_cards(app: Sphinx) -> str:
    """A card per chapter: its number and title, its question, and the thumbnail of
    its first page that drew a figure (sphinx-gallery's placeholder if none did)."""
    conf = app.config.sphinx_gallery_conf
    cards = ["::::{grid} 1 2 2 3", ":gutter: 3", ""]
    pairs = zip(conf["examples_dirs"], conf["gallery_dirs"], strict=True)
    for number, (source, gallery) in enumerate(pairs, start=1):
        chapter = Path(source).name
        readme = (Path(source) / "README.rst").read_text(encoding="utf-8")
        title = _README_TITLE.search(readme)
        if title is None:
            raise ExtensionError(f"{chapter}/README.rst: no title")
        question = CHAPTER_QUESTIONS.get(chapter) or first_sentence(title["intro"])
        thumbs = _thumbnails(Path(app.srcdir, gallery))
        cards += [
            f":::{{grid-item-card}} {number}. {title[1].strip()}",
            f":link: /{gallery}/index",
            ":link-type: doc",
            ":class-card: chapter-card",
        ]
        if thumbs:
            path = thumbs[0].relative_to(app.srcdir).as_posix()
            cards += [f":img-top: /{path}", f":img-alt: {title[1].strip()}"]
        cards += ["", question, ":::", ""]
    return "\n".join([*cards, "::::"]) + "\n"


def add_chapter_cards(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == "chapters" and CHAPTER_CARDS in source[0]:
        source[0] = source[0].replace(CHAPTER_CARDS, chapter_cards(app))


def read_again(app: Sphinx, env: object, added: set, changed: set, removed: set) -> list:
    """Pages whose content this extension makes: read at every build, changed or not.

    The symptom index runs its snippets again (this build's Python prints them), the
    chapters page picks up new thumbnails, and the pages with questions keep their index
    entries (an incremental build drops the index entries of pages it does not read).
    """
    for page in sorted(set(QUESTIONS) - app.env.found_docs):
        logger.warning(
            f"symptoms.QUESTIONS names {page}, which is no page (renamed?): its"
            " questions lead nowhere",
            type="symptoms",
        )
    pages = {"symptoms", "chapters", *QUESTIONS}
    return sorted(page for page in pages if page in app.env.found_docs)


def _let_ctrl_c_through() -> None:
    """Give the snippets Ctrl-C's default action, as a program run from a terminal has.

    A build started in the background by a script (``cmd &`` without job control)
    inherits SIGINT ignored, and an ignored signal stays ignored across ``exec``: the
    "Ctrl-C does not stop my program" snippet then printed no ``KeyboardInterrupt``.
    A Python handler is reset to the default action in a child, so this one is.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def setup(app: Sphinx) -> dict[str, object]:
    _let_ctrl_c_through()
    app.add_directive("symptom", SymptomDirective)
    app.connect("source-read", run_page_snippets)
    app.connect("source-read", keep_timings_out_of_search)
    app.connect("source-read", add_questions)
    app.connect("source-read", add_chapter_cards)
    app.connect("env-get-outdated", read_again)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
