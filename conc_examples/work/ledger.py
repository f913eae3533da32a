"""Ledgers: files that tasks append lines to, so that a page can see what ran where.

A page polls for a ledger to appear and then reads its first line.  A file that is
created and written in two steps can be seen in between, empty, and a writer killed
mid-write leaves it so: chapter 6's pool and chapter 10's Dask page each read an empty
ledger that way once.  :func:`append_line` makes every line appear whole.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["append_line"]


def append_line(path: Path, line: str) -> bool:
    """Append ``line`` (ending in a newline) to ``path``; True if it was the first line.

    The first line is written under a hidden name and linked into place, so the file
    appears with its whole line in it; a later line is appended in one short write.
    """
    draft = path.with_name(f".draft-{path.name}-{os.getpid()}-{threading.get_ident()}")
    draft.write_text(line, encoding="utf-8")
    try:
        os.link(draft, path)
        return True
    except FileExistsError:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line)
        return False
    finally:
        draft.unlink()
