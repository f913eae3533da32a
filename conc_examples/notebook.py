"""For the downloaded notebooks: run a cell that starts event loops of its own.

A Jupyter kernel already runs an event loop in its main thread, where
:func:`asyncio.run` and :class:`asyncio.Runner` refuse to start another.  The docs
build turns a top-level ``asyncio.run(main())`` into ``await main()``; a cell that
starts loops in other ways (``asyncio.run`` inside a function, ``asyncio.Runner``) runs
through :func:`run_in_fresh_thread` in the notebook instead: the same code, in a thread
that has no loop yet, as the script's main thread has none.
"""

from __future__ import annotations

import threading
from typing import Any


def run_in_fresh_thread(code: str, namespace: dict[str, Any]) -> None:
    """Execute ``code`` in ``namespace`` (the notebook's globals) in a new thread.

    The cell's names land in the notebook as if the cell ran there; an exception the
    code raises is raised here, in the cell.
    """
    failures: list[BaseException] = []

    def cell() -> None:
        try:
            exec(compile(code, "<cell run in a fresh thread>", "exec"), namespace)
        except BaseException as error:  # handed to the notebook's thread
            failures.append(error)

    thread = threading.Thread(target=cell, name="notebook cell without an event loop")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
