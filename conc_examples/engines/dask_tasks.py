"""What the Dask workers of the "Beyond one machine" chapter run.

A Dask worker is a process of its own (on this machine or another).  Dask sends it a
function with cloudpickle: a function defined in your script's ``__main__`` travels by
value (its code), but one from an installed package travels by name, and the worker
imports it, so that package must be installed wherever a worker runs.  These live in
``conc_examples`` so that the page can show them; they print nothing (a worker's output
never reaches the page) and return what the page shows.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from conc_examples.work.ledger import append_line

__all__ = ["ledger_step", "nap", "note_line", "slow_square", "tiny"]


def slow_square(x: int) -> int:
    """Square ``x`` after a 50 ms wait, as a task that does some real work would."""
    time.sleep(0.05)
    return x * x


def tiny(x: int) -> int:
    """The smallest task: its cost is all scheduling and messaging."""
    return x + 1


def nap(seconds: float) -> float:
    """A task that takes ``seconds`` (waiting, so the ideal time is exact)."""
    time.sleep(seconds)
    return seconds


def ledger_step(ledger: str, seconds: float) -> int:
    """Write "started", work ``seconds``, write "finished"; return the worker's pid.

    The ledger is the task's side effect: a task run twice writes twice.
    """
    append_line(Path(ledger), f"started pid {os.getpid()}\n")  # appears whole
    time.sleep(seconds)
    append_line(Path(ledger), f"finished pid {os.getpid()}\n")
    return os.getpid()


def note_line(ledger: str, line: str, *after: object) -> str:
    """Append ``line`` to ``ledger`` and return it: the ledger is what really ran.

    ``after`` is only there to be waited for: pass futures in it, and Dask runs this
    task once their results exist, with the results in their place.
    """
    append_line(Path(ledger), f"{line}\n")
    return line
