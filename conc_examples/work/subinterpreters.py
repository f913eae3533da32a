"""Find Python's interpreters API where this Python has one, and say plainly where not.

Since Python 3.12 an interpreter created isolated has its own GIL (PEP 684), so such
interpreters in different threads can run Python code in parallel.  Python code could
not create one until 3.14 added :mod:`concurrent.interpreters` and
:class:`concurrent.futures.InterpreterPoolExecutor` (PEP 734).  On 3.13 the PyPI
backport ``interpreters-pep-734`` (module ``interpreters_backport``) gives the same
API.  On 3.12 that backport needs a second package and crashed with a segmentation
fault on the machine that builds this site, so the site uses it on 3.13 only.  The
pages import it through :func:`load`, so that every Python gets one clear line
instead of an :exc:`ImportError`.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from conc_examples.claims import Need, needs_python

__all__ = ["MISSING", "load", "needs_interpreters", "new_interpreter"]

MISSING = (
    "Subinterpreters from Python code need Python 3.14+ (concurrent.interpreters), or"
    " Python 3.13 with the backport: pip install interpreters-pep-734"
)


def load() -> tuple[ModuleType | None, Any]:
    """Return ``(interpreters module, InterpreterPoolExecutor)``, or ``(None, None)``."""
    try:
        if sys.version_info >= (3, 14):
            from concurrent import interpreters
            from concurrent.futures import InterpreterPoolExecutor
        elif sys.version_info >= (3, 13):
            from interpreters_backport import interpreters
            from interpreters_backport.concurrent.futures import InterpreterPoolExecutor
        else:
            return None, None
    except ImportError:  # 3.13 without the backport installed
        return None, None
    return interpreters, InterpreterPoolExecutor


def needs_interpreters() -> Need:
    """A claim's need: interpreters that Python code can create (3.14, or 3.13 with the
    backport); what this Python lacks, in one line."""
    if sys.version_info < (3, 13):
        return needs_python((3, 13), "interpreters from Python code")
    here = sys.version.split()[0]
    return Need(
        "interpreters from Python code (3.14+, or 3.13 with interpreters-pep-734)",
        load()[0] is not None,
        f"this is Python {here} without the backport",
    )


def new_interpreter() -> Any:
    """Create an interpreter that can be handed a queue (``prepare_main(q=queue)``).

    The 3.13 backport's queues only cross into an interpreter that has imported the
    backport's queue module; 3.14's :mod:`concurrent.interpreters` needs no such step.
    """
    interpreters, _ = load()
    if interpreters is None:
        raise RuntimeError(MISSING)
    interpreter = interpreters.create()
    if sys.version_info < (3, 14):
        interpreter.exec("import interpreters_backport.interpreters.queues")
    return interpreter
