"""Run an example script the way a reader does, and judge what it left behind.

Each example runs as a real script in a subprocess (``python -X dev script.py``, from
its own folder, with a timeout), in a new session so that any process it leaves
running can be found afterwards.  A run passes when it exits 0, writes nothing to
stderr but what the example means to show (see :data:`ALLOWED_STDERR`, and
:data:`ALLOWED_EVERYWHERE` for asyncio's short slow-callback notes), and leaves no
process behind.

The left-over process check is Linux-only: it reads the session id of every process
from ``/proc``.  Elsewhere (macOS, Windows) it finds nothing and passes; the exit
status, the stderr check and the timeout still apply there.

What the page concluded comes back in :attr:`ExampleRun.claims`: every
:func:`conc_examples.claims.claim` it made, in its state for this run.
:func:`check_claims` is the one verdict on them: a claim that did not hold fails; one
that could not be shown skips with the page's reason, except under ``CI=true`` where only
what the machine lacks may skip (never load).  What the page computed comes back in
:attr:`ExampleRun.values`: the script's module globals at the end of the run (those that
pickle by value: numbers, strings, lists, dicts, ``conc_examples`` objects such as a
``Timing``), read by the names the page gives them.  Nothing on a page exists only for
the tests.  A value whose class the script itself defines cannot be read back here and
is left out.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from process_pages import starts_processes

from conc_examples.claims import HELD, LOAD, NOT_HELD, Claim

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
START_METHOD_ENV_VAR = "CONC_EXAMPLES_START_METHOD"
TIMEOUT_SECONDS = 120
LEFTOVER_GRACE_SECONDS = 5.0


# Lines an example may write to stderr because it means to show them, by file name.
# Everything else on stderr (a warning, a traceback, a ResourceWarning) fails the run.
ALLOWED_STDERR: dict[str, re.Pattern[str]] = {}

# Dask's client runs its own event loop in a thread of the page's process; under -X dev
# (asyncio's debug mode) that loop logs its own slow callbacks, which on a loaded
# machine can exceed the allowance below.  They are the library's, not the page's
# (tornado's BaseAsyncIOLoop, whose handles name asyncio's file, not tornado's).
_DASKS_OWN_LOOP = re.compile(
    r"^Executing <(.*/(distributed|tornado)/.+"
    r"|Handle (cancelled )?BaseAsyncIOLoop\._handle_events\(.+)> took \d+\.\d+ seconds$"
)
ALLOWED_STDERR["02_dask_distributed.py"] = _DASKS_OWN_LOOP
ALLOWED_STDERR["03_what_a_task_costs.py"] = _DASKS_OWN_LOOP
ALLOWED_STDERR["05_dask_delayed_and_as_completed.py"] = _DASKS_OWN_LOOP

# Allowed for every example, but only when short: asyncio's debug mode (on under
# -X dev) logs every callback that held the loop over 100 ms.  On a loaded machine a
# descheduled process trips it inside a tiny callback (a busy CI host held one
# 0.63 s, in _set_result_unless_cancelled); that says nothing about the example.  A
# longer hold is a loop blocked by accident (a time.sleep, a blocking call) and fails
# the run.  Examples that block the loop on
# purpose collect these lines themselves and print them on the page.
ALLOWED_EVERYWHERE = re.compile(r"^Executing <.+> took (?P<seconds>\d+\.\d+) seconds$")
SLOW_CALLBACK_ALLOWANCE_SECONDS = 1.0


def _explained_by_load(line: str) -> bool:
    """An asyncio slow-callback line short enough for load on the machine to explain."""
    match = ALLOWED_EVERYWHERE.search(line)
    return bool(match) and float(match["seconds"]) <= SLOW_CALLBACK_ALLOWANCE_SECONDS


# Runs the script as ``python script.py`` would, and keeps its module globals.
RUN_AS_SCRIPT = Path(__file__).resolve().parent / "run_as_script.py"


def discover() -> list[Path]:
    """Every example script: ``examples/NN_chapter/*.py`` not starting with ``_``."""
    return sorted(
        p for p in EXAMPLES.glob("[0-9][0-9]_*/*.py") if not p.name.startswith("_")
    )


def start_methods_for(script: Path) -> list[str | None]:
    """The start methods to run ``script`` under; ``None`` means the default."""
    forced = os.environ.get(START_METHOD_ENV_VAR)
    if forced:
        return [forced]
    if starts_processes(script):
        return list(multiprocessing.get_all_start_methods())
    return [None]


@dataclass
class ExampleRun:
    """What one run of one example produced."""

    script: Path
    start_method: str | None
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    leftovers: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)

    def claim(self, text: str) -> Claim:
        """The claim whose sentence starts with ``text`` (exactly one must)."""
        found = [c for c in self.claims if c.text.startswith(text)]
        if len(found) != 1:
            made = "\n  ".join(c.text for c in self.claims) or "(none)"
            raise AssertionError(
                f"{self.label}: {len(found)} claims start with {text!r}; it made:\n  {made}"
            )
        return found[0]

    @property
    def label(self) -> str:
        name = self.script.relative_to(EXAMPLES).as_posix()
        return f"{name} [{self.start_method or 'default start method'}]"

    def unexpected_stderr(self) -> list[str]:
        allowed = ALLOWED_STDERR.get(self.script.name)
        return [
            line
            for line in self.stderr.splitlines()
            if line.strip()
            and not _explained_by_load(line)
            and not (allowed and allowed.search(line))
        ]

    def problems(self) -> list[str]:
        """Everything wrong with this run, in words; empty when it passed."""
        found = []
        if self.returncode != 0:
            found.append(f"exit status {self.returncode}")
        if unexpected := self.unexpected_stderr():
            found.append("unexpected stderr:\n    " + "\n    ".join(unexpected[:40]))
        if self.leftovers:
            found.append("left running: " + "; ".join(self.leftovers))
        return found


def _session_members(session_id: int) -> list[str]:
    """Processes still in the session the script started (Linux ``/proc``)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        command, rest = text[text.index("(") + 1 : text.rindex(")")], text.rindex(")")
        fields = text[rest + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            members.append(f"pid {stat.parent.name} ({command})")
    return members


# Every run gets a token in its environment, which its descendants inherit: a process
# that started a session of its own (a server, a Celery worker) is found by it.
RUN_TOKEN_ENV_VAR = "CONC_EXAMPLES_RUN_TOKEN"


def _token_holders(token: str) -> dict[int, str]:
    """Live processes whose environment carries ``token`` (Linux ``/proc``)."""
    needle = f"{RUN_TOKEN_ENV_VAR}={token}".encode()
    holders = {}
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle not in environ.read_bytes().split(b"\0"):
                continue
            stat = Path(environ.parent, "stat").read_text()
        except OSError:  # the process ended while we looked, or is not ours
            continue
        if stat[stat.rindex(")") + 2 :].split()[0] != "Z":
            command = stat[stat.index("(") + 1 : stat.rindex(")")]
            holders[int(environ.parent.name)] = f"pid {environ.parent.name} ({command})"
    return holders


def _leftovers(session_id: int, token: str) -> list[str]:
    if not Path("/proc/self/stat").exists():
        return []  # not Linux: nothing to look in
    deadline = time.monotonic() + LEFTOVER_GRACE_SECONDS
    while (
        _session_members(session_id) or _token_holders(token)
    ) and time.monotonic() < deadline:
        time.sleep(0.1)
    members, holders = _session_members(session_id), _token_holders(token)
    if members:
        os.killpg(session_id, signal.SIGKILL)
    for pid in holders:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return sorted(set(members) | set(holders.values()))


def run(script: Path, start_method: str | None = None) -> ExampleRun:
    """Run ``script`` as a reader would (plus ``-X dev``), under ``start_method``."""
    token = uuid.uuid4().hex
    with tempfile.TemporaryDirectory() as tmp:
        values_file = Path(tmp, "values.pickle")
        command = [sys.executable, "-X", "dev", str(RUN_AS_SCRIPT)]
        command += [start_method or "default", str(values_file), str(script)]
        env = {
            **os.environ,
            "MPLBACKEND": "Agg",
            "PYTHONASYNCIODEBUG": "1",
            "PYTHONIOENCODING": "utf-8",
            RUN_TOKEN_ENV_VAR: token,
        }
        env.pop(START_METHOD_ENV_VAR, None)
        start = time.perf_counter()
        child = subprocess.Popen(
            command,
            cwd=script.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            start_new_session=True,
        )
        try:
            stdout, stderr = child.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            stdout, stderr = child.communicate()
            stderr += f"\n<killed: still running after {TIMEOUT_SECONDS} s>"
        seconds = time.perf_counter() - start
        leftovers = _leftovers(child.pid, token)
        values, claims = _read_values(values_file)
    return ExampleRun(
        script,
        start_method,
        child.returncode,
        stdout,
        stderr,
        seconds,
        leftovers,
        values,
        claims,
    )


def _read_values(values_file: Path) -> tuple[dict[str, Any], list[Claim]]:
    """The script's globals, each unpickled on its own (one that cannot be is left
    out), and its claims."""
    if not values_file.exists():
        return {}, []
    blobs, claims = pickle.loads(values_file.read_bytes())
    values = {}
    for name, blob in blobs.items():
        try:
            values[name] = pickle.loads(blob)
        except Exception:  # e.g. an instance of a class defined in the script
            continue
    return values, [Claim(**c) for c in claims]


# Each claim the test run judged, by run and sentence: the closing summary counts them.
CLAIMS_CHECKED: dict[tuple[str, str], str] = {}
# Each judged run that had to be taken again, with what the first take said.
RETAKEN: dict[str, str] = {}


def check_claims(run: ExampleRun, *claims: Claim) -> None:
    """Judge ``claims`` (default: all the run made): fail on one that did not hold;
    skip with the page's reasons on one that could not be shown, except under
    ``CI=true`` for load, which fails (a second CPU that was taken may skip there too:
    a shared CI host cannot promise one)."""
    judged = claims or tuple(run.claims)
    for found in judged:
        CLAIMS_CHECKED[run.label, found.text] = found.state
    failed = [c for c in judged if c.state == NOT_HELD]
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    unshown = [c for c in judged if c.state not in {HELD, NOT_HELD}]
    if in_ci:
        failed += [c for c in unshown if c.lacking == LOAD]
        unshown = [c for c in unshown if c.lacking != LOAD]
    if failed:
        raise AssertionError(f"{run.label}:\n" + "\n".join(str(c) for c in failed))
    if unshown:
        pytest.skip(f"{run.label}: " + "; ".join(str(c) for c in unshown))


# A judged run is taken at most this many times in all.
TAKES = 3


def _unsettled(result: ExampleRun) -> list[Claim]:
    """The run's claims another take might settle, and that would otherwise fail or
    skip for a moment's load: one that did not hold, or one not shown for load.

    A claim not shown because the second CPU was taken is left as it is: the tests
    allow that skip everywhere, and taking a 15-20 s page twice more for it cost each
    Python minutes on a busy CI host, which rarely gave the CPU back.
    """
    return [
        c
        for c in result.claims
        if c.state == NOT_HELD or (c.state != HELD and c.lacking == LOAD)
    ]


@functools.cache
def run_cached(script: Path, start_method: str | None) -> ExampleRun:
    """One judged run per script and start method per test session, shared by all
    tests.

    A measurement on a shared machine can catch a burst of someone else's work: a run
    whose claims did not hold, or were not shown for load, is taken again, up to
    :data:`TAKES` in all, and the take with the fewest such claims is judged.  A claim
    that is wrong fails every take; one that load upset settles on a quieter one.  A
    run that failed outright (an exit status, a traceback) is never taken again.
    """
    result = run(script, start_method)
    first = result
    for _ in range(TAKES - 1):
        if result.problems() or not _unsettled(result):
            break
        again = run(script, start_method)
        if not again.problems() and len(_unsettled(again)) < len(_unsettled(result)):
            result = again
    if unsettled := _unsettled(first):
        RETAKEN[first.label] = "; ".join(f"{c.text} ({c.state})" for c in unsettled)
    return result


def example(relative: str) -> ExampleRun:
    """The (cached) run of ``examples/<relative>`` under its first start method.

    Claim tests use this: it fails the test right away if the run itself failed.
    """
    script = EXAMPLES / relative
    if not script.exists():
        raise FileNotFoundError(f"no example {relative}")
    result = run_cached(script, start_methods_for(script)[0])
    if problems := result.problems():
        raise AssertionError(f"{result.label} failed:\n" + "\n".join(problems))
    return result
