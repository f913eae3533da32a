"""Which example pages start processes, so that the start method matters to them.

The tests run each of these pages once per start method.  A docs build with a forced
start method (``CONC_EXAMPLES_START_METHOD``) executes only these pages: every other
page runs the same under any start method, and the default build executes them all.
A forced build used to execute every page; these are about a quarter of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# Names in a page's code that start processes, its own or a helper's.
_STARTS_PROCESSES = re.compile(
    r"\bmultiprocessing\b|ProcessPoolExecutor|InterpreterPool"
    r"|conc_examples\.measure\.ceiling|conc_examples\.work\.cpu_counts"
)


def starts_processes(script: Path) -> bool:
    """Whether ``script`` starts processes through :mod:`multiprocessing` or a pool."""
    return bool(_STARTS_PROCESSES.search(script.read_text(encoding="utf-8")))


def filename_pattern(scripts: Iterable[Path]) -> str:
    """sphinx-gallery's ``filename_pattern``: those of ``scripts`` that start processes."""
    names = [
        re.escape(script.parent.name) + r"[/\\]" + re.escape(script.name)
        for script in scripts
        if starts_processes(script)
    ]
    return "(" + "|".join(names) + ")$"
