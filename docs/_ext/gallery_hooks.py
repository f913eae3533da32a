"""Hooks around sphinx-gallery: a leak check after every example, tidy gallery pages.

Examples run one after another inside the Sphinx process, so anything one of them
leaves running (a thread printing late, a child process, a pool) would disturb the
next one's output and timings.  The build fails instead, naming the example.
"""

from __future__ import annotations

import gc
import html
import multiprocessing
import os
import re
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the hooks themselves run without Sphinx: tests import them bare
    from sphinx.application import Sphinx

_GRACE_SECONDS = 5.0


def _retire_dask_offload_thread() -> None:
    """Stop the one thread Dask keeps for the life of the process, and arm a fresh one.

    ``distributed.utils`` starts its "Dask-Offload" executor's thread on first use and
    never stops it.  Left alone, every later example that forks would fork a process
    with a thread in it (a DeprecationWarning on 3.12+, and a real deadlock risk).  The
    replacement starts no thread until Dask uses it again.
    """
    utils = sys.modules.get("distributed.utils")
    if utils is None:
        return
    used, utils._offload_executor = (
        utils._offload_executor,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="Dask-Offload"),
    )
    used.shutdown(wait=True)


def _multiprocessing_helpers() -> set[str]:
    """The forkserver and the resource tracker: multiprocessing keeps them running."""
    from multiprocessing import forkserver, resource_tracker

    pids = (
        getattr(forkserver._forkserver, "_forkserver_pid", None),
        getattr(resource_tracker._resource_tracker, "_pid", None),
    )
    return {str(pid) for pid in pids if pid}


def _child_processes() -> list[str]:
    """Live children of this process (Linux ``/proc``): servers, workers, subprocesses."""
    me, kept, found = str(os.getpid()), _multiprocessing_helpers(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        command, fields = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")")[-1]
        state, parent = fields.split()[:2]
        if parent == me and state != "Z" and stat.parent.name not in kept:
            found.append(f"{command} (pid {stat.parent.name})")
    return found


def _leftovers() -> list[str]:
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    children = [p.name for p in multiprocessing.active_children()]
    return (
        [f"thread {name!r}" for name in threads]
        + [f"process {name!r}" for name in children]
        + [f"child process {name}" for name in _child_processes()]
    )


def check_nothing_left_running(gallery_conf: dict, fname: str, when: str) -> None:
    """After an example, wait briefly for stragglers, then fail if any remain."""
    if when != "after":
        return
    _retire_dask_offload_thread()
    deadline = time.monotonic() + _GRACE_SECONDS
    while (left := _leftovers()) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        raise RuntimeError(f"{fname} left these running: {', '.join(left)}")


def freeze_the_build(gallery_conf: dict, fname: str, when: str) -> None:
    """Before an example, collect the last one's garbage, then freeze what is left.

    sphinx-gallery runs a full garbage collection before every example, and Python
    runs some while the example runs; each one walks every object of this process:
    Sphinx, docutils and every library the earlier examples imported, about 0.1 s a
    time here.  Frozen objects (:func:`gc.freeze`) are skipped by every collection, so
    an example pays only for what it allocates, as it would when you run it alone.
    Reading the sources unfreezes them (:func:`_thaw`).
    """
    if when == "before":
        gc.collect()  # the last example's garbage: all of it came after the last freeze
        gc.freeze()


def _thaw(app: Sphinx, env: object, docnames: list[str]) -> None:
    gc.unfreeze()


# sphinx-gallery's execution-times table loads jQuery, DataTables and Bootstrap from CDNs
# (a raw HTML block before the table).  The site must work offline and tell no third
# party who reads it, so the block goes; the table stays, as a plain table.
_CDN_BLOCK = re.compile(
    r"^  \.\. raw:: html\n(?:\n|    .*\n)*?(?=  \.\. list-table::)", re.M
)

# Gallery thumbnails come with an empty alt text; give each the title of its example.
_THUMBNAIL_ALT = re.compile(
    r"(\.\. image:: \S+_thumb\.\w+\n\s+:alt:)[ \t]*\n"
    r"((?:(?!\.\. image::).*\n)*?"
    r"\s*<div class=\"sphx-glr-thumbnail-title\">([^<\n]+)</div>)"
)


def _drop_cdn_scripts(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname.endswith("sg_execution_times"):
        source[0] = _CDN_BLOCK.sub("", source[0])


def _thumbnail_alt_text(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname.startswith("chapters/") and docname.endswith("/index"):
        source[0] = _THUMBNAIL_ALT.sub(
            lambda m: f"{m[1]} {html.unescape(m[3]).strip()}\n{m[2]}", source[0]
        )


# The theme's sidebar folds a section open with a <summary> that holds only an icon:
# a screen reader announces nothing (axe: summary-name).  Give each one a name.
_NAMELESS_TOGGLE = '<summary><span class="toctree-toggle" role="presentation">'
_NAMED_TOGGLE = (
    '<summary aria-label="Show or hide this section\'s pages">'
    '<span class="toctree-toggle" role="presentation">'
)


def _name_sidebar_toggles(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if _NAMELESS_TOGGLE in text:
            page.write_text(text.replace(_NAMELESS_TOGGLE, _NAMED_TOGGLE), "utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    # sphinx-gallery runs each page as a fake ``__main__`` whose spec has no loader.  From
    # Python 3.15, every traceback taken through such a frame (a future's exception, each
    # callback in asyncio's debug mode) warns "Module globals is missing a
    # __spec__.loader" from linecache, in the page's output.  The module is the build's,
    # not the page's: the same script run by a reader never warns.
    warnings.filterwarnings(
        "ignore",
        message="Module globals is missing a __spec__.loader",
        category=DeprecationWarning,
        module="linecache",
    )
    app.connect("source-read", _drop_cdn_scripts)
    app.connect("source-read", _thumbnail_alt_text)
    app.connect("build-finished", _name_sidebar_toggles)
    app.connect("env-before-read-docs", _thaw)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
