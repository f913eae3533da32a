"""
Locks and logging across processes
===================================

Processes share nothing in memory, but they do share the outside world: a terminal, a
file, a log.  Writes from several processes to one file interleave unless the processes
agree who writes when.  You will see two children tear each other's lines apart, a
:class:`multiprocessing.Lock` keep them whole, and then the same question for logs: the
library's own logger, and children that send their records to the parent, which alone
writes them.
"""

# %%
# Lines torn apart, and a lock that keeps them whole
# --------------------------------------------------
# Two children append lines to one file.  Each line is written in three pieces (as
# when it is built up by several ``print`` calls), and a :term:`barrier` releases the
# children together so that they really run at the same time.  With a ``lock``, a
# child holds it for a whole line:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: write_lines_in_pieces

import logging
import logging.handlers
import multiprocessing
import re
import tempfile
from pathlib import Path

from conc_examples.claims import claim
from conc_examples.work.mp_workers import (
    log_through_queue,
    log_with_library_logger,
    write_lines_in_pieces,
)

WRITERS = 2
LINES = 40
WHOLE_LINE = re.compile(r"(w\d): line \d+ of \1")


def write_together(path: Path, lock: object | None) -> list[str]:
    """Run the writers at once; return the lines of the file they wrote."""
    start = multiprocessing.Barrier(WRITERS)
    writers = [
        multiprocessing.Process(
            target=write_lines_in_pieces, args=(str(path), f"w{n}", LINES, start, lock)
        )
        for n in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    return path.read_text(encoding="utf-8").splitlines()


if __name__ == "__main__":
    folder = tempfile.TemporaryDirectory()
    work = Path(folder.name)
    torn = {}
    for label, lock in [("without a lock", None), ("with a lock", multiprocessing.Lock())]:
        lines = write_together(work / f"{label}.txt", lock)
        torn[label] = [line for line in lines if not WHOLE_LINE.fullmatch(line)]
        print(f"{label}: {len(lines)} lines, {len(torn[label])} torn")
    print("torn lines look like this:")
    for line in torn["without a lock"][:3]:
        print("   ", line)
    claim(
        "Without the lock, lines were torn apart; with it, none was",
        len(torn["without a lock"]) > 0 and torn["with a lock"] == [],
        measured=", ".join(f"{label}: {len(lines)} torn" for label, lines in torn.items()),
        why="one writer finished before the other started (a busy machine): run it again",
    )

# %%
# Without the lock, a child's line was cut by another child's pieces; with it, every
# line stays whole, because only the child holding the lock writes.  The lock is passed to
# the children as an argument: under ``spawn`` a global lock would be a new, unrelated
# lock in each child.
#
# The library's logger: ``get_logger`` and ``log_to_stderr``
# ----------------------------------------------------------
# :mod:`multiprocessing` logs what it does (starting, shutting down, exit codes) to its
# own :class:`logging.Logger`, returned by :func:`multiprocessing.get_logger`.
# :func:`multiprocessing.log_to_stderr` attaches a handler that writes to stderr, which
# is handy in a terminal.  But a child's stderr is not ours to read (and never reaches
# this page), so this child attaches a file handler with the same format instead:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: log_with_library_logger

if __name__ == "__main__":
    library_log = work / "library.log"
    child = multiprocessing.Process(
        target=log_with_library_logger, args=(str(library_log),), name="logger-child"
    )
    child.start()
    child.join(timeout=30)
    library_lines = library_log.read_text(encoding="utf-8").splitlines()
    print(*library_lines, sep="\n")
    claim(
        "The library's logger wrote the child's warning and its own exit line",
        "[WARNING/logger-child] something looks odd" in library_lines
        and "[INFO/logger-child] process exiting with exitcode 0" in library_lines,
        measured=f"{len(library_lines)} lines in the child's log file",
    )

# %%
# Each line says its level and which process wrote it, and the last two come from
# :mod:`multiprocessing` itself as the child shut down.  But every process that logs
# this way opens the file for itself: each child must be told where to write, and a
# rotating handler in one process would rotate the file under the others.
#
# One writer: ``QueueHandler`` in the children, ``QueueListener`` in the parent
# ------------------------------------------------------------------------------
# The robust pattern sends each log record over a :class:`multiprocessing.Queue` to
# the parent, where one :class:`~logging.handlers.QueueListener` thread hands them to
# one file handler.  A child only needs the queue:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: log_through_queue

if __name__ == "__main__":
    log_queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=log_through_queue, args=(log_queue, n, 3), name=f"worker-{n}"
        )
        for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    # The listener (a thread) starts after the children: forking while other threads
    # are alive is unsafe (Python 3.12+ warns with a DeprecationWarning, shown with
    # -X dev).  Records wait in the queue.
    one_log = work / "all-workers.log"
    file_handler = logging.FileHandler(one_log, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(processName)-9s %(message)s"))
    listener = logging.handlers.QueueListener(log_queue, file_handler)
    listener.start()
    for worker in workers:
        worker.join(timeout=30)
    listener.stop()  # handles every record still queued, then ends the thread
    file_handler.close()
    log_queue.close()
    log_queue.join_thread()
    queued_lines = one_log.read_text(encoding="utf-8").splitlines()
    print(*queued_lines, sep="\n")
    folder.cleanup()
    whole = re.compile(r"worker-(\d) +worker \1 finished task \d")
    named = [line for line in queued_lines if whole.fullmatch(line)]
    claim(
        "All six records arrived whole in one file, each naming the child that logged it",
        len(queued_lines) == len(named) == 6,
        measured=f"{len(queued_lines)} lines, {len(named)} whole and named",
    )

# %%
# One process wrote the file, and each record named the child that logged it: the
# record carries ``processName`` across the queue.
#
# Take-away: processes that share a file, a terminal or a log need to agree who writes
# when: a :class:`~multiprocessing.Lock` passed to each child does it for a shared
# file; for logs, send records to one listener in the parent.
