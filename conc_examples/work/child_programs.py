"""Tiny programs for the subprocess chapter to run as children, the same on every OS.

Run one with ``python -m conc_examples.work.child_programs NAME [ARGS...]``.  Each does one
thing a lesson needs (report its arguments, ignore ``SIGTERM``, print slowly, flood
its output) and talks to its parent only through its arguments, its standard
streams and its exit status.  Starting ``sys.executable`` keeps the examples portable:
a Python interpreter exists wherever the examples run, ``sleep`` or ``ls`` may not.
"""

from __future__ import annotations

import json
import signal
import sys
import time

__all__ = [
    "command",
    "flood",
    "parent_of_sleeper",
    "show_args",
    "stubborn",
    "ticker",
]


def command(name: str, *args: object) -> list[str]:
    """The argument list that runs program ``name`` with ``args`` in a new interpreter."""
    return [
        sys.executable,
        "-m",
        "conc_examples.work.child_programs",
        name,
        *map(str, args),
    ]


def show_args(args: list[str]) -> None:
    """Print the arguments exactly as this process received them, as one JSON list."""
    print(json.dumps(args))


def stubborn(args: list[str]) -> None:
    """Ignore ``SIGTERM``, say so on stdout, then sleep (at most 60 s) until killed.

    The parent waits for the ``ready`` line before it signals: a ``SIGTERM`` sent
    before the handler is set would still end the child.
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("ready: ignoring SIGTERM", flush=True)
    time.sleep(60)


def ticker(args: list[str]) -> None:
    """``ticker NAME COUNT INTERVAL``: print COUNT numbered lines, INTERVAL s apart.

    Each line is flushed at once, so the parent can read it as soon as it is printed.
    """
    name, count, interval = args[0], int(args[1]), float(args[2])
    for tick in range(1, count + 1):
        time.sleep(interval)
        print(f"{name}: line {tick} of {count}", flush=True)


def parent_of_sleeper(args: list[str]) -> None:
    """Start a grandchild that sleeps (at most 60 s) on the same stdout, then sleep too.

    The grandchild inherits this process's standard output, so the parent's pipe stays
    open for as long as either of them lives.  The ``ready`` line says both are up.
    """
    import subprocess

    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    print(f"ready: grandchild pid {grandchild.pid}", flush=True)
    time.sleep(60)
    grandchild.kill()
    grandchild.wait()


def flood(args: list[str]) -> None:
    """``flood NBYTES``: write NBYTES bytes to stdout, more than a pipe can buffer."""
    sys.stdout.buffer.write(b"x" * int(args[0]))


_PROGRAMS = {f.__name__: f for f in (show_args, stubborn, ticker, flood, parent_of_sleeper)}


def main(argv: list[str]) -> int:
    """Run the program named by ``argv[0]`` with the rest; 2 and a usage line if unknown."""
    if not argv or argv[0] not in _PROGRAMS:
        print(f"usage: child_programs {{{','.join(_PROGRAMS)}}} [ARGS...]", file=sys.stderr)
        return 2
    _PROGRAMS[argv[0]](argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
