"""Find every CPython 3.11+ on this machine and run the same probe in a child of each.

A page that compares Pythons cannot import them: each runs
:mod:`conc_examples.measure.python_probe` as a script (``python3.X -I probe.py``, the
standard library only) and answers in JSON; nothing is imported from it here.  The
interpreters are looked for where a maintainer has them: ``.pythons/3.X`` in the
clone (``python3 dev.py pythons``), pyenv's versions, then ``python3.X`` on ``PATH``;
free-threaded builds as ``3.Xt``.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conc_examples.claims import Need

__all__ = [
    "WANTED",
    "Measured",
    "before",
    "find_pythons",
    "needs_before_and_after",
    "needs_free_threaded",
    "probe_each",
]

PROBE = Path(__file__).resolve().parents[1] / "measure" / "python_probe.py"
CLONE = Path(__file__).resolve().parents[2]
# The Pythons a reader may run: every release this site supports, and the
# free-threaded builds where they exist.
WANTED = ["3.11", "3.12", "3.13", "3.14", "3.15", "3.13t", "3.14t", "3.15t"]


@dataclass(frozen=True)
class Measured:
    """What one interpreter measured (``figures`` as the probe printed them)."""

    label: str
    path: str
    figures: dict[str, object]


def _candidates(label: str) -> list[str]:
    """Where ``python<label>`` may be, most specific first (this Python last: a venv's
    interpreter is found even where nothing else is)."""
    number = label.removesuffix("t")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    made = [str(CLONE / ".pythons" / label / "bin" / f"python{label}")]
    versions = sorted(
        glob.glob(str(pyenv / "versions" / f"{number}.*" / "bin" / f"python{label}")),
        key=lambda p: [int(n) for n in Path(p).parts[-3].rstrip("t").split(".")[1:]],
    )
    on_path = shutil.which(f"python{label}")
    return made + versions[::-1] + ([on_path] if on_path else []) + [sys.executable]


def _starts(path: str, label: str) -> bool:
    """Whether ``path`` runs and is the build ``label`` names (a pyenv shim may not)."""
    check = "import sys, sysconfig as s; v = '%d.%d' % sys.version_info[:2]"
    check += " + ('t' if s.get_config_var('Py_GIL_DISABLED') else ''); print(v)"
    try:
        done = subprocess.run(
            [path, "-I", "-c", check], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == label


def find_pythons() -> dict[str, str]:
    """Each wanted Python this machine has, by label, with the path that runs it."""
    found = {}
    for label in WANTED:
        for path in _candidates(label):
            if Path(path).exists() and _starts(path, label):
                found[label] = path
                break
    return found


def _probe(path: str, *options: str, mode: str = "", timeout: float) -> dict:
    """The probe's JSON from ``path -I [options] python_probe.py [mode]``."""
    command = [path, "-I", *options, str(PROBE), *([mode] if mode else [])]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"the probe failed: {' '.join(command)}")
    return json.loads(done.stdout)


def probe_each(pythons: dict[str, str], timeout: float = 60) -> list[Measured]:
    """Run the probe under each Python in turn (one at a time: they would compete).

    A free-threaded build (``3.14t``) also runs two threads and two processes on the
    same pure-Python work, with the GIL off and on: ``figures["two_workers"]``.
    """
    results = []
    for label, path in pythons.items():
        figures = _probe(path, timeout=timeout)
        if label.endswith("t"):
            figures["two_workers"] = {
                gil: _probe(path, "-X", f"gil={flag}", mode="two-workers", timeout=timeout)
                for gil, flag in (("off", 0), ("on", 1))
            }
        results.append(Measured(label, path, figures))
    return results


def before(label: str, version: tuple[int, int] = (3, 14)) -> bool:
    """Whether the Python ``label`` (``3.13``, ``3.14t``) is older than ``version``."""
    major, minor = label.removesuffix("t").split(".")
    return (int(major), int(minor)) < version


def needs_before_and_after(labels: list[str], version: tuple[int, int] = (3, 14)) -> Need:
    """A claim that compares Pythons before ``version`` with the later ones needs one
    of each on this machine."""
    older = [v for v in labels if before(v, version)]
    newer = [v for v in labels if not before(v, version)]
    return Need(
        f"a Python before {version[0]}.{version[1]} and one after",
        bool(older and newer),
        f"this build had {', '.join(labels) or 'none'}",
    )


def needs_free_threaded(labels: list[str]) -> Need:
    """A claim about the GIL off needs a free-threaded build (``3.14t``) on this
    machine."""
    return Need(
        "a free-threaded build (`uv python install 3.14t`)",
        any(label.endswith("t") for label in labels),
        f"this build had {', '.join(labels) or 'none'}",
    )
