""" "The pattern" blocks: a short recipe a reader can copy, before the page measures it.

A page that teaches a pattern opens (after its promise and what the pattern needs to
run against) with a cell titled "The pattern": 5 to 15 lines of code that import the
standard library only, run by the build like every cell, placed before the first
claim or race that proves the pattern.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from example_runner import EXAMPLES

# The pages that teach one pattern a reader would copy.  A page added here needs the
# block; a block on a page not listed here fails too, so the list stays the truth.
PATTERN_PAGES = (
    "02_subprocess/01_run_a_command.py",
    "03_threading/06_queues.py",
    "04_gil/01_io_bound_threads.py",
    "05_multiprocessing/04_pool.py",
    "06_futures/02_futures_api.py",
    "07_asyncio/05_when_a_task_fails.py",
    "07_asyncio/08_never_block_the_loop.py",
)
CELL_MARK = "\n# %%\n"
MEASURES = ("claim(", "race(")


def cells(script: Path) -> list[str]:
    return script.read_text().split(CELL_MARK)[1:]


def title(cell: str) -> str:
    return cell.splitlines()[0].lstrip("# ").strip()


def code_lines(cell: str) -> list[str]:
    return [
        line
        for line in cell.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def pattern_cell(script: Path) -> tuple[int, str] | None:
    found = [
        (i, c) for i, c in enumerate(cells(script)) if title(c).startswith("The pattern")
    ]
    assert len(found) <= 1, f"{script.name}: more than one pattern block"
    return found[0] if found else None


def test_exactly_the_listed_pages_have_a_pattern_block() -> None:
    having = {
        script.relative_to(EXAMPLES).as_posix()
        for script in EXAMPLES.glob("*/[0-9]*.py")
        if pattern_cell(script)
    }
    assert having == set(PATTERN_PAGES)


@pytest.mark.parametrize("page", PATTERN_PAGES)
def test_the_pattern_is_short_standard_library_and_before_the_measurement(
    page: str,
) -> None:
    script = EXAMPLES / page
    index, cell = pattern_cell(script)
    assert 5 <= len(code_lines(cell)) <= 15, f"{len(code_lines(cell))} lines of code"
    imported = set()
    for node in ast.walk(ast.parse(cell)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported, "the pattern imports what it uses"
    assert imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names
    first_measure = next(
        i for i, c in enumerate(cells(script)) if any(m in c for m in MEASURES)
    )
    assert index < first_measure
