"""Hooks around sphinx-gallery: a leak check after every example, a note on every page.

Examples run one after another inside the Sphinx process, so anything one of them
leaves running (a thread printing late, a child process, a pool) would disturb the
next one's output and timings.  The build fails instead, naming the example.
"""

from __future__ import annotations

import multiprocessing
import threading
import time

from sphinx.application import Sphinx

_GRACE_SECONDS = 5.0


def _leftovers() -> list[str]:
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    children = [p.name for p in multiprocessing.active_children()]
    return [f"thread {name!r}" for name in threads] + [
        f"process {name!r}" for name in children
    ]


def check_nothing_left_running(gallery_conf: dict, fname: str, when: str) -> None:
    """After an example, wait briefly for stragglers, then fail if any remain."""
    if when != "after":
        return
    deadline = time.monotonic() + _GRACE_SECONDS
    while (left := _leftovers()) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        raise RuntimeError(f"{fname} left these running: {', '.join(left)}")


_DOWNLOAD_NOTE = "to download the full example code."
_INSTALL_NOTE = (
    _DOWNLOAD_NOTE + " It imports small helpers from ``conc_examples``: run"
    " ``pip install .`` once in a clone of the project, then run the script with"
    " ``python``."
)


def _add_install_note(app: Sphinx, docname: str, source: list[str]) -> None:
    """Say once on every example page what a downloaded script needs."""
    if docname.startswith("chapters/") and not docname.endswith("/index"):
        source[0] = source[0].replace(_DOWNLOAD_NOTE, _INSTALL_NOTE, 1)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("source-read", _add_install_note)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
