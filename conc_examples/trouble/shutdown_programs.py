"""Programs that chapter 11 stops with a real signal, each run as a child process.

Run one with ``python -m conc_examples.trouble.shutdown_programs NAME [ARGS...]``.  A signal
must reach a *separate* program: a page that sent ``SIGINT`` to its own process group
would stop the docs build with it.  Each program prints ``ready`` (flushed) once it is
in the state the lesson interrupts, so the parent signals at the right moment, and
reports what it did on stdout, one ``key=value`` line each, for the parent to print.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

__all__ = [
    "alive_in_group",
    "asyncio_ctrl_c",
    "command",
    "job",
    "pool",
    "prepare_worker",
    "server",
    "start",
    "wait_for_end",
    "wait_until_ready",
]

TASKS = 16
WORKERS = 2
TASK_SECONDS = 0.2


def command(name: str, *args: object) -> list[str]:
    """The argument list that runs program ``name`` with ``args`` in a new interpreter."""
    return [
        sys.executable,
        "-m",
        "conc_examples.trouble.shutdown_programs",
        name,
        *map(str, args),
    ]


def start(name: str, *args: object) -> subprocess.Popen[str]:
    """Start program ``name`` in its own session, so it is its own process group.

    That is what a terminal does with the command you type: Ctrl-C sends ``SIGINT`` to
    the whole foreground process group, the program *and* every child it started.
    """
    if not hasattr(os, "killpg"):
        raise SystemExit("this example signals a process group: POSIX only (not Windows)")
    return subprocess.Popen(
        command(name, *args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_until_ready(child: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """Read the child's next stdout line, which must start with ``ready``; return it.

    A child that does not print it within ``timeout`` seconds is killed.
    """
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        line = child.stdout.readline() if child.stdout else ""
    finally:
        timer.cancel()
    if not line.startswith("ready"):
        child.kill()
        child.communicate(timeout=10)
        raise RuntimeError(f"the child did not get ready within {timeout} s: {line!r}")
    return line.strip()


def wait_for_end(child: subprocess.Popen[str], timeout: float = 10.0) -> tuple[str, str]:
    """Wait for ``child`` (from :func:`start`) to end after its signal; return its output.

    A program still running ``timeout`` seconds later (it ignored the signal, or hung
    in its clean-up) is killed with its whole group, and one printed line says so: a
    page reports it instead of hanging or leaving the program running.
    """
    try:
        return child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        program = " ".join(map(str, child.args[3:]))  # type: ignore[index]
        print(f"{program!r} was still running {timeout} s after its signal: killed")
        return child.communicate(timeout=10)


def alive_in_group(pgid: int, grace: float = 5.0) -> list[int]:
    """The processes of group ``pgid`` still running after up to ``grace`` seconds.

    Helpers such as multiprocessing's resource tracker end a moment after their parent,
    so this waits for the group to empty; a zombie (ended, not yet reaped) is not alive.

    Linux: read ``/proc``.  Elsewhere, ``killpg(pgid, 0)`` says only whether the group
    has any member at all, so one that is there is reported as ``[pgid]``.
    """
    deadline = time.monotonic() + grace
    while (alive := _group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _group_members(pgid: int) -> list[int]:
    if not Path("/proc/self/stat").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        return [pgid]
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


_stop: Any = None  # in each worker: the event the parent sets to ask jobs to stop


def prepare_worker(ignore_ctrl_c: bool, stop: Any) -> None:
    """Pool initializer: runs in each worker process as it starts."""
    if ignore_ctrl_c:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what stops
    global _stop
    _stop = stop


def job(number: int) -> str:
    """Work for ``TASK_SECONDS`` in small steps; give up early if the parent says stop."""
    deadline = time.monotonic() + TASK_SECONDS
    while time.monotonic() < deadline:
        if _stop is not None and _stop.is_set():
            return "abandoned"
        time.sleep(0.01)
    return "finished"


def pool(args: list[str]) -> None:
    """``pool MODE START_METHOD``: run TASKS jobs on WORKERS processes until Ctrl-C.

    MODE ``default`` does nothing about Ctrl-C; ``finish`` makes the workers ignore it,
    cancels the jobs not started, lets the running ones finish and exits with 130;
    ``abandon`` does the same but tells the running jobs to stop early.
    """
    mode, method = args
    context = multiprocessing.get_context(method)
    stop = context.Event() if mode == "abandon" else None
    executor = ProcessPoolExecutor(
        WORKERS,
        mp_context=context,
        initializer=prepare_worker,
        initargs=(mode != "default", stop),
    )
    futures = [executor.submit(job, n) for n in range(TASKS)]
    ended: list[Future[str]] = []  # the pool's thread appends; reading it takes no lock
    for future in futures:
        future.add_done_callback(ended.append)
    try:
        wait(futures, return_when=FIRST_COMPLETED, timeout=30)
        time.sleep(TASK_SECONDS / 2)  # both workers are now halfway through a job
        print("ready", flush=True)  # press Ctrl-C now
        deadline = time.monotonic() + 30
        # Sleep and count, do not wait(): Ctrl-C raises KeyboardInterrupt wherever the
        # main thread is, and inside wait() that can leave a future's lock held, which
        # hangs the pool's shutdown for good.
        while len(ended) < TASKS and time.monotonic() < deadline:
            time.sleep(0.05)
    except KeyboardInterrupt:
        if mode == "default":
            raise
        if stop is not None:
            stop.set()  # the running jobs see it within 10 ms and return
        executor.shutdown(wait=True, cancel_futures=True)  # drop the jobs not started
        sys.exit(130)  # what a shell reports for a program stopped by Ctrl-C: 128 + 2
    finally:
        executor.shutdown(wait=True)
        print(f"jobs={_outcomes(futures)}", flush=True)


def _outcomes(futures: list[Future[str]]) -> str:
    """How each job ended, as ``finished:3,interrupted:2,...`` (no zero counts)."""
    ends = []
    for future in futures:
        if future.cancelled():
            ends.append("cancelled")
        elif isinstance(future.exception(timeout=0), KeyboardInterrupt):
            ends.append("interrupted")  # Ctrl-C reached the worker inside the job
        else:
            ends.append(future.result(timeout=0))
    return ",".join(f"{end}:{ends.count(end)}" for end in sorted(set(ends)))


CLIENTS = 3


async def _serve_until_sigterm() -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    handlers: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task: asyncio.Task[None] = asyncio.current_task()  # type: ignore[assignment]
        handlers.add(task)
        task.add_done_callback(handlers.discard)  # a finished handler leaves the set
        if len(handlers) == CLIENTS:
            print("ready: clients connected", flush=True)
        try:
            await reader.read()  # the clients never send: this waits until cancelled
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(f"ready port={server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.wait_for(stop.wait(), timeout=30)  # SIGTERM, or give up after 30 s
    server.close()  # accept no new connections
    still_open = list(handlers)  # a copy: each task leaves the set as it ends
    for task in still_open:
        task.cancel()  # end the open ones
    ended = await asyncio.gather(*still_open, return_exceptions=True)
    await asyncio.wait_for(server.wait_closed(), timeout=5)
    cancelled = sum(isinstance(e, asyncio.CancelledError) for e in ended)
    print(f"handlers cancelled={cancelled}")
    print(f"server closed={not server.is_serving()}")


def server(args: list[str]) -> None:
    """``server``: serve CLIENTS connections on 127.0.0.1 until ``SIGTERM``, then stop.

    ``loop.add_signal_handler`` runs ``stop.set`` inside the loop when ``SIGTERM``
    comes (POSIX only), so the shutdown is ordinary async code: close the server,
    cancel the handlers, wait for both, return from ``asyncio.run`` with status 0.
    """
    asyncio.run(_serve_until_sigterm())


async def _wait_for_ctrl_c() -> None:
    async def helper() -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            print("helper task=cancelled", flush=True)
            raise

    # `kill PID` stops this program the way Ctrl-C does.  A handler added this way also
    # gives the loop a wake-up pipe for every signal: without one, a Ctrl-C that lands
    # just as the loop goes to sleep is handled only when the sleep ends.
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, signal.raise_signal, signal.SIGINT)
    background = asyncio.create_task(helper())
    await asyncio.sleep(0)  # let it start
    print("ready", flush=True)
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        print("main task=cancelled", flush=True)  # asyncio.run's answer to Ctrl-C
        raise
    finally:
        background.cancel()


def asyncio_ctrl_c(args: list[str]) -> None:
    """``asyncio_ctrl_c``: ``asyncio.run`` a coroutine that waits, until Ctrl-C.

    On Ctrl-C (3.11+), ``asyncio.run`` cancels the main task, lets it clean up, then
    raises ``KeyboardInterrupt`` where you called it: catch it there and exit 130.
    """
    try:
        asyncio.run(_wait_for_ctrl_c())
    except KeyboardInterrupt:
        print("asyncio.run raised=KeyboardInterrupt", flush=True)
        sys.exit(130)


PROGRAMS = {"pool": pool, "server": server, "asyncio_ctrl_c": asyncio_ctrl_c}


def main() -> None:
    name, *args = sys.argv[1:] or ["?"]
    if name not in PROGRAMS:
        raise SystemExit(f"usage: python -m {__spec__.name} {{{','.join(PROGRAMS)}}} ...")
    # Start from Python's own Ctrl-C handler, whatever was inherited: a process started
    # with SIGINT ignored (in the background, `cmd &`, of a non-interactive shell; by a
    # parent that ignores it) keeps ignoring it, and asyncio.run takes Ctrl-C over
    # only from the default handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    PROGRAMS[name](args)


if __name__ == "__main__":
    main()
