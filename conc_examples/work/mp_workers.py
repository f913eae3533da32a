"""What the child processes of the multiprocessing and concurrent.futures chapters run.

A ``spawn`` or ``forkserver`` child finds the function it must run by importing it by
name, and under sphinx-gallery the example script is a fake ``__main__`` that cannot
be imported.  So every function a child of those chapters runs lives here, at the top
level of an importable module, and the pages show it with ``literalinclude``.  None of
it prints: what a child prints never reaches the page, so it sends results back.
This module imports nothing heavy, because every ``spawn`` child imports it afresh.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import time
from contextlib import nullcontext
from multiprocessing import shared_memory
from multiprocessing.managers import BaseManager
from pathlib import Path
from queue import LifoQueue
from typing import Any

from conc_examples.work.ledger import append_line

__all__ = [
    "LifoManager",
    "add_to_counter",
    "consume",
    "do_nothing",
    "double_in_shared_memory",
    "echo_bytes",
    "joinable_worker",
    "leave_a_daemon_behind",
    "log_through_queue",
    "log_with_library_logger",
    "process_item",
    "produce",
    "push_to_stack",
    "reciprocal",
    "record_in_manager",
    "report_inheritance",
    "run_until_stopped",
    "sleep_and_return",
    "square",
    "write_lines_in_pieces",
]

# A bound on "forever": a child that nobody stops still ends, so no test can hang on it.
FOREVER_LIMIT_SECONDS = 60.0


def do_nothing() -> None:
    """Return at once: starting and joining this child times the start method alone."""


# The parent changes this at run time; which children see the change depends on the
# start method: a forked child copies the parent's memory, the others import afresh.
SETTING = "as imported"


def report_inheritance(results: Any) -> None:
    """Put what this child inherited on ``results``: :data:`SETTING`, modules loaded."""
    results.put(
        {
            "setting": SETTING,
            "modules": len(sys.modules),
            "matplotlib": "matplotlib" in sys.modules,
        }
    )


def run_until_stopped(limit: float = FOREVER_LIMIT_SECONDS) -> None:
    """Loop as a service would, until terminated (or, as a safety net, ``limit`` s)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(0.05)


def leave_a_daemon_behind(method: str) -> None:
    """Start a daemon child that would run forever, print its pid, and just return.

    Run as a program of its own: when its interpreter exits, :mod:`multiprocessing`
    terminates its daemonic children and joins them; then it runs the finalizers of
    negative priority, so the last one prints the daemon's exit code.
    """
    daemon = multiprocessing.get_context(method).Process(
        target=run_until_stopped, name="background", daemon=True
    )
    daemon.start()
    print(daemon.pid, daemon.is_alive(), flush=True)
    multiprocessing.util.Finalize(None, _print_exitcode, args=(daemon,), exitpriority=-1)


def _print_exitcode(process: Any) -> None:
    print(process.exitcode, flush=True)


def write_lines_in_pieces(
    path: str, writer: str, lines: int, start: Any, lock: Any | None = None
) -> None:
    """Append ``lines`` lines to ``path``, each written in three separate pieces.

    The pieces are separate ``write`` calls with a pause between them, as when a line
    is built up by several prints.  ``start`` (a barrier) lines the writers up so that
    they run at the same time; ``lock``, when given, is held for a whole line.
    """
    start.wait(timeout=30)
    with open(path, "a", encoding="utf-8", buffering=1) as out:
        for number in range(lines):
            with lock if lock is not None else nullcontext():
                out.write(f"{writer}: ")
                out.flush()
                time.sleep(0.0005)
                out.write(f"line {number} ")
                out.flush()
                out.write(f"of {writer}\n")


def log_with_library_logger(path: str) -> None:
    """Log to ``path`` through :func:`multiprocessing.get_logger`, the library's logger.

    :func:`multiprocessing.log_to_stderr` would add a handler that writes to this
    child's stderr, which nobody reads here; a file handler with the same format keeps
    the lines where the parent can read them.
    """
    logger = multiprocessing.get_logger()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(multiprocessing.util.DEFAULT_LOGGING_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.info("working on it")
    logger.warning("something looks odd")
    # The handler stays: multiprocessing logs this child's shutdown through it too.


def log_through_queue(log_queue: Any, worker: int, tasks: int) -> None:
    """Log a few records through a :class:`~logging.handlers.QueueHandler`.

    The records travel over ``log_queue`` to the parent, where one
    :class:`~logging.handlers.QueueListener` writes them all: one writer, whole lines.
    """
    logger = logging.getLogger("conc_examples.worker")
    # A forked child inherits the parent's handlers: start clean, and don't propagate.
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.handlers.QueueHandler(log_queue)
    logger.addHandler(handler)
    try:
        for task in range(tasks):
            logger.info("worker %d finished task %d", worker, task)
    finally:
        logger.removeHandler(handler)


def square(x: int) -> int:
    """A tiny task: far cheaper than sending it to another process and back."""
    return x * x


def sleep_and_return(seconds: float) -> float:
    """Wait ``seconds`` (an I/O-like task whose length we choose), return it."""
    time.sleep(seconds)
    return seconds


def reciprocal(x: float) -> float:
    """Return ``1 / x``: raises :class:`ZeroDivisionError` in the worker for 0."""
    return 1 / x


def produce(tasks: Any, count: int, sentinel: Any = None) -> None:
    """Put ``count`` numbers on ``tasks``, then the sentinel that says "no more"."""
    for number in range(count):
        tasks.put(number)
    tasks.put(sentinel)


def consume(tasks: Any, results: Any, sentinel: Any = None) -> None:
    """Take numbers until the sentinel, then send back how many and their sum."""
    received = []
    while (item := tasks.get(timeout=30)) != sentinel:
        received.append(item)
    results.put({"items": len(received), "sum": sum(received)})


def joinable_worker(tasks: Any, results: Any) -> None:
    """Serve a :class:`~multiprocessing.JoinableQueue`: one ``task_done`` per item.

    ``None`` means stop; it is acknowledged too, so the queue's ``join`` can finish.
    """
    while True:
        item = tasks.get(timeout=30)
        try:
            if item is None:
                return
            results.put((multiprocessing.current_process().name, item * item))
        finally:
            tasks.task_done()


def echo_bytes(connection: Any) -> None:
    """Send back every message that arrives on ``connection`` (one end of a pipe).

    An empty message means stop; so does 30 s of silence, so the child cannot hang.
    """
    with connection:
        while connection.poll(30):
            message = connection.recv_bytes()
            if not message:
                return
            connection.send_bytes(message)


def add_to_counter(
    counter: Any, done: Any, index: int, times: int, start: Any, use_lock: bool
) -> None:
    """Add 1 to a shared :func:`~multiprocessing.Value` ``times`` times.

    ``counter.value += 1`` reads, adds and writes: two processes can read the same
    value and both write back value + 1.  With ``use_lock``, the value's own lock is
    held across the read and the write.  ``done[index]`` (a shared
    :func:`~multiprocessing.Array`) records how many additions this worker made.
    """
    start.wait(timeout=30)
    for _ in range(times):
        if use_lock:
            with counter.get_lock():
                counter.value += 1
        else:
            counter.value += 1
    done[index] = times


def double_in_shared_memory(name: str, size: int) -> None:
    """Attach to a shared memory block by its name and double its first ``size`` bytes.

    The child maps the same memory: nothing is copied, and the parent sees the result.
    ``close`` unmaps it here; only the creator ``unlink``\\ s it.
    """
    if sys.version_info >= (3, 13):  # track= added in 3.13: the creator owns the block
        block = shared_memory.SharedMemory(name=name, track=False)
    else:
        block = shared_memory.SharedMemory(name=name)
    try:
        block.buf[:size] = bytes(2 * b % 256 for b in block.buf[:size])
    finally:
        block.close()


def record_in_manager(shared_dict: Any, shared_list: Any, worker: str) -> None:
    """Write to a :class:`~multiprocessing.managers.SyncManager` dict and list."""
    shared_dict[worker] = os.getpid()
    shared_list.append(worker)


# The manager's server process holds the one stack; clients get proxies to it.
_STACK: LifoQueue[Any] = LifoQueue()


def _the_stack() -> LifoQueue[Any]:
    return _STACK


class LifoManager(BaseManager):
    """A manager that serves one :class:`queue.LifoQueue` (a stack) to its clients.

    ``register`` runs when this module is imported, so the parent, the server and
    every client know the ``stack`` method.
    """


LifoManager.register("stack", callable=_the_stack)


def push_to_stack(address: Any, authkey: bytes, items: list[int]) -> None:
    """Connect to a running :class:`LifoManager` as a client and push ``items``."""
    manager = LifoManager(address=address, authkey=authkey)
    manager.connect()
    stack = manager.stack()
    for item in items:
        stack.put(item)


def process_item(item: int, attempt: int, doomed: dict[int, str], ledger: str) -> int:
    """Do one item of work, and write it down in ``ledger``: one line per time done.

    On the first attempt the items in ``doomed`` die with their worker: by
    ``os._exit`` (a crash) or by a kill signal (as the OOM killer would).  An item
    already in the ledger is not done again: its result was written down, but lost
    with a broken pool before it reached the parent, so the ledger's copy is returned.
    """
    entry = Path(ledger, f"item-{item}")
    if entry.exists():
        return int(entry.read_text(encoding="utf-8").split()[0])
    if attempt == 1 and item in doomed:
        if doomed[item] == "exit":
            os._exit(70)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    time.sleep(0.02)  # the work itself
    result = item * item
    # Whole lines only: a worker killed mid-write (a broken pool ends the others) leaves
    # no empty entry for a retry to read; done before, it adds a line the ledger shows.
    append_line(entry, f"{result} on attempt {attempt} by pid {os.getpid()}\n")
    return result


def join_or_stop(child: multiprocessing.Process, timeout: float, grace: float = 5) -> None:
    """Join ``child``; one that outlives ``timeout`` is terminated, then killed.

    ``join(timeout)`` alone bounds nothing: at exit :mod:`multiprocessing` joins every
    non-daemon child with no timeout.  ``SIGTERM`` lets the child clean up within
    ``grace`` seconds; ``SIGKILL`` cannot be refused.
    """
    child.join(timeout)
    if child.is_alive():
        child.terminate()
        child.join(grace)
    if child.is_alive():
        child.kill()
        child.join(grace)
