"""What a reader takes home runs, from the served site alone, in a venv outside the repo.

For one example of every chapter (the one that ran quickest in the build), the test
fetches the page from the site served on 127.0.0.1, downloads what the page's note links
(the script and the wheel of ``conc_examples``) and the page's notebook into an empty
folder outside the clone, runs the note's commands literally in a fresh virtual
environment, and executes the notebook there with nbclient in an ipykernel kernel.  The
script runs under ``spawn`` (the start method of macOS and Windows, the one that re-
imports the script): ``python -c SPAWN_RUNNER SCRIPT.py`` (below) is ``python
SCRIPT.py`` with ``multiprocessing.set_start_method('spawn')`` first, the script run by
:func:`runpy.run_path` as ``__main__`` (so the children re-import it).  One more test
unpacks a chapter's zip and runs every script in it after ``pip install -r
requirements.txt``.

The venv is made once per test session (pip takes the wheel's dependencies, nbclient and
ipykernel from the package index; pip's cache makes that quick after the first run).
"""

from __future__ import annotations

import contextlib
import html.parser
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT_SECONDS = 240
ARCHIVE_CHAPTER = "01_processes"  # the chapter whose zip is unpacked and run whole
SPAWN_RUNNER = (
    "import multiprocessing, runpy, sys; multiprocessing.set_start_method('spawn');"
    " sys.argv[:] = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)
EXECUTE_NOTEBOOK = (
    "import sys, nbformat; from nbclient import NotebookClient;"
    " nb = nbformat.read(sys.argv[1], as_version=4);"
    " NotebookClient(nb, timeout=180, kernel_name='python3',"
    " resources={'metadata': {'path': '.'}}).execute()"
)


# --- reading the page ----------------------------------------------------------------


class _PageParser(html.parser.HTMLParser):
    """The run note (its download links and its commands) and the notebook link."""

    def __init__(self) -> None:
        super().__init__()
        self.note_links: list[str] = []
        self.note_commands = ""
        self.notebook_links: list[str] = []
        self.chapter_zip_links: list[str] = []
        self._depth = 0  # <div> nesting inside the note
        self._in_pre = False
        self._in_jupyter = 0
        self._in_chapter_download = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "div":
            if self._depth:
                self._depth += 1
            elif "sphx-glr-download-link-note" in classes:
                self._depth = 1
            if self._in_jupyter:
                self._in_jupyter += 1
            elif "sphx-glr-download-jupyter" in classes:
                self._in_jupyter = 1
        if tag == "p" and "chapter-download" in classes:
            self._in_chapter_download = True
        if tag == "a" and "download" in classes and a.get("href"):
            if self._depth:
                self.note_links.append(a["href"])
            if self._in_jupyter:
                self.notebook_links.append(a["href"])
            if self._in_chapter_download:
                self.chapter_zip_links.append(a["href"])
        if tag == "pre" and self._depth:
            self._in_pre = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._depth = max(0, self._depth - 1)
            self._in_jupyter = max(0, self._in_jupyter - 1)
        if tag == "pre":
            self._in_pre = False
        if tag == "p":
            self._in_chapter_download = False

    def handle_data(self, data: str) -> None:
        if self._in_pre:
            self.note_commands += data


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def read_page(url: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(fetch(url).decode("utf-8"))
    return parser


def download(url: str, folder: Path) -> Path:
    """Save what a link points to under the name a browser gives it (the URL's end)."""
    target = folder / unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    target.write_bytes(fetch(url))
    return target


# --- the reader's machine ------------------------------------------------------------


def reader_env(home: Path) -> dict[str, str]:
    """A plain environment: no PYTHONPATH, no venv of the tests, no Jupyter settings."""
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    env = {
        k: v
        for k, v in os.environ.items()
        if k in keep or k.startswith("PIP_") or k.lower().endswith("_proxy")
    }
    env.update(
        HOME=str(home),
        PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache/pip")),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"),
        IPYTHONDIR=str(home / ".ipython"),
        MPLBACKEND="Agg",
        PYTHONIOENCODING="utf-8",
    )
    return env


def run_in(
    folder: Path, command: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess:
    """Run ``command`` in ``folder``, with a timeout; nothing it started survives it."""
    child = subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )
    try:
        stdout, stderr = child.communicate(timeout=RUN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        stdout, stderr = child.communicate()
        stderr += f"\n<killed: still running after {RUN_TIMEOUT_SECONDS} s>"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)  # whatever it left behind
    return subprocess.CompletedProcess(command, child.returncode, stdout, stderr)


def _check(done: subprocess.CompletedProcess, what: str) -> str:
    shown = shlex.join(str(part) for part in done.args)
    assert done.returncode == 0, (
        f"{what} failed (exit {done.returncode}): {shown}\n"
        f"--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-5000:]}"
    )
    return done.stdout


class Reader:
    """A fresh venv outside the clone, and how to run the page's commands in it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = reader_env(home)
        self.python = (
            home / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        )

    def create(self) -> None:
        venv.EnvBuilder(with_pip=True, clear=True).create(self.home / "venv")
        # Before any install this venv cannot import the helpers: it never saw the repo.
        probe = run_in(
            self.home, [str(self.python), "-c", "import conc_examples"], self.env
        )
        assert probe.returncode != 0 and "No module named" in probe.stderr, probe
        self.pip("install", "--quiet", "nbclient", "ipykernel")

    def pip(self, *args: str) -> None:
        _check(run_in(self.home, [str(self.python), "-m", "pip", *args], self.env), "pip")

    def command(self, line: str, spawn: bool = True) -> list[str]:
        """A line of the page's note as this venv runs it: ``python`` is its python."""
        words = shlex.split(line)
        assert words and words[0] == "python", f"not a python command: {line!r}"
        if spawn and words[1:2] != ["-m"]:
            return [str(self.python), "-c", SPAWN_RUNNER, *words[1:]]
        return [str(self.python), *words[1:]]

    def helpers_location(self, folder: Path) -> str:
        done = run_in(
            folder,
            [str(self.python), "-c", "import conc_examples; print(conc_examples.__file__)"],
            self.env,
        )
        return _check(done, "import conc_examples").strip()


@pytest.fixture(scope="session")
def reader(tmp_path_factory) -> Reader:
    home = tmp_path_factory.mktemp("reader")
    assert ROOT not in home.resolve().parents
    made = Reader(home)
    made.create()
    return made


# --- the tests -----------------------------------------------------------------------


def _chapters(site: Path) -> list[str]:
    return sorted(p.parent.name for p in site.glob("chapters/*/index.html"))


_RUNNING_TIME = re.compile(
    r"Total running time of the script:(?:<[^>]*>|\s)*\(\s*(\d+) minutes\s+([\d.]+) sec"
)


def _quickest_example(site: Path, chapter: str) -> str:
    """The chapter's example that ran quickest in the build (the first, if none says)."""
    pages = sorted((site / "chapters" / chapter).glob("[0-9]*.html"))
    assert pages, f"chapter {chapter} has no example page"

    def seconds(page: Path) -> float:
        found = _RUNNING_TIME.search(page.read_text(encoding="utf-8"))
        return 60 * int(found[1]) + float(found[2]) if found else 0.0

    return f"chapters/{chapter}/{min(pages, key=seconds).name}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "chapter" in metafunc.fixturenames:
        from conftest import site_dir

        metafunc.parametrize("chapter", _chapters(site_dir(metafunc.config)))


def test_example_runs_from_its_page_note(site, base_url, reader, tmp_path, chapter) -> None:
    """Follow one page of ``chapter`` literally: its links, its two commands."""
    page = _quickest_example(site, chapter)
    page_url = urljoin(base_url, page)
    parsed = read_page(page_url)
    folder = tmp_path / "downloaded"
    folder.mkdir()
    saved = [download(urljoin(page_url, link), folder) for link in parsed.note_links]
    names = [p.name for p in saved]
    script_name = Path(page).with_suffix(".py").name
    assert script_name in names, f"{page}: the note links no {script_name}: {names}"
    assert any(n.endswith(".whl") for n in names), f"{page}: the note links no wheel"
    commands = [line.strip() for line in parsed.note_commands.splitlines() if line.strip()]
    assert len(commands) == 2, f"{page}: the note should give two commands: {commands}"
    install, run = commands
    assert install.startswith("python -m pip install "), install
    assert run == f"python {script_name}", run

    _check(run_in(folder, reader.command(install), reader.env), install)
    location = reader.helpers_location(folder)
    assert "site-packages" in location and ROOT.as_posix() not in location, location
    out = _check(run_in(folder, reader.command(run), reader.env), f"{run} (spawn)")
    assert out.strip(), f"{script_name} printed nothing"

    assert parsed.notebook_links, f"{page} links no notebook"
    notebook = download(urljoin(page_url, parsed.notebook_links[0]), folder)
    # The cell's text, not the file's: JSON escapes the quotes around an extra.
    first_cell = "".join(
        json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"]
    )
    wheel_command = install.removeprefix("python -m pip install ")
    assert f"%pip install {wheel_command}" in first_cell, "the notebook's pip command"
    done = run_in(
        folder, [str(reader.python), "-c", EXECUTE_NOTEBOOK, notebook.name], reader.env
    )
    _check(done, f"executing {notebook.name} in an ipykernel kernel")


def test_chapter_archive_runs_every_script(site, base_url, reader, tmp_path) -> None:
    """Unpack one chapter's zip, install its requirements.txt, run every script in it."""
    index_url = urljoin(base_url, f"chapters/{ARCHIVE_CHAPTER}/index.html")
    links = read_page(index_url).chapter_zip_links
    assert links, f"the {ARCHIVE_CHAPTER} page links no chapter archive"
    archive = download(urljoin(index_url, links[0]), tmp_path)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / ARCHIVE_CHAPTER
    scripts = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    pages = sorted(
        p.stem for p in (site / "chapters" / ARCHIVE_CHAPTER).glob("[0-9]*.html")
    )
    assert [s.stem for s in scripts] == pages, "the archive holds one script per page"
    assert sorted(p.stem for p in folder.glob("*.ipynb")) == pages, "and one notebook"
    assert (folder / "requirements.txt").exists() and list(folder.glob("*.whl"))

    install = reader.command("python -m pip install -r requirements.txt", spawn=False)
    _check(run_in(folder, install, reader.env), "pip install -r requirements.txt")
    timings = []
    for script in scripts:
        start = time.perf_counter()
        done = run_in(
            folder, reader.command(f"python {script.name}", spawn=False), reader.env
        )
        _check(done, f"python {script.name} from the unpacked {archive.name}")
        timings.append(f"{script.name} {time.perf_counter() - start:.1f} s")
    print("ran from the archive: " + ", ".join(timings), file=sys.stderr)


_PLACEHOLDER = re.compile(
    r"URL-OF|URL_OF|example\.(?:com|org)|<your[ -]|YOUR[-_](?:URL|REPO)"
)


def test_no_placeholder_addresses(site) -> None:
    """Every address on the site is a real one: no ``git clone URL-OF-THIS-PROJECT``."""
    found = [
        f"{page.relative_to(site)}: {match[0]}"
        for page in sorted(site.rglob("*.html"))
        for match in _PLACEHOLDER.finditer(page.read_text(encoding="utf-8"))
    ]
    assert not found, "placeholder addresses:\n" + "\n".join(found[:20])
