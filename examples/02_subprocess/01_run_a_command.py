"""
Run a command and read its output
=================================

:func:`subprocess.run` starts a program as a :term:`child process`, waits for it to
end, and hands back a :class:`~subprocess.CompletedProcess`: the arguments, the
:term:`exit status` and, if asked for, what the child printed.  On this page you run a
few commands, then see what goes wrong (a program that does not exist, a program that
fails) and how to handle each without a surprise traceback.
"""

# %%
# The pattern
# -----------
# Run a program and get one answer back: its output, or a one-line reason it did not
# come.  The arguments are a list, ``check=True`` turns a failure into an exception,
# ``timeout`` bounds the wait, and one ``try`` catches the three ways a child can fail.
# The rest of the page takes these lines apart and makes each failure happen.

import subprocess
import sys
from pathlib import Path


def output_or_reason(args: list[str]) -> str:
    program = Path(args[0]).name
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=10)
    except OSError as error:
        return f"cannot run {program!r}: {error.strerror}"
    except subprocess.CalledProcessError as error:
        return f"{program!r} failed with status {error.returncode}"
    except subprocess.TimeoutExpired:
        return f"{program!r} took longer than 10 s and was killed"
    return done.stdout.strip()


print(output_or_reason([sys.executable, "--version"]))

# %%
# Capture what the child prints
# -----------------------------
# Without ``capture_output=True`` the child writes straight to your terminal (and
# nothing reaches this page).  With it, the parent gets ``stdout`` and ``stderr``;
# ``text=True`` decodes them to :class:`str`.  ``check=True`` turns a non-zero exit
# into an exception, and ``timeout`` bounds the wait.  The arguments are a list: the
# program, then one item per argument, with no shell in between.

import shutil
import tempfile

done = subprocess.run(
    [sys.executable, "--version"], capture_output=True, text=True, check=True, timeout=30
)
print(f"args:       {done.args}")
print(f"returncode: {done.returncode}")
print(f"stdout:     {done.stdout!r}")

# %%
# :func:`subprocess.check_output` is the short form when only stdout matters: it
# returns it, and raises if the child fails.  ``date`` exists on Linux and macOS, but
# not as a program on Windows, so ask :func:`shutil.which` first.

if shutil.which("date"):
    today = subprocess.check_output(["date", "+%A %d %B %Y"], text=True, timeout=30)
    print(f"date says: {today.strip()}")
else:
    print("no 'date' program on this system")

# %%
# Shell shortcuts: ``getoutput`` and ``getstatusoutput``
# -------------------------------------------------------
# :func:`subprocess.getoutput` and :func:`subprocess.getstatusoutput` are older
# conveniences.  They hand one *string* to the shell (``/bin/sh``, or ``cmd.exe`` on
# Windows), merge stderr into stdout, strip the last newline, and do not raise when the
# command fails (they do raise :exc:`UnicodeDecodeError` when its output is not text in
# the locale's encoding).  That is fine for a quick look in an interactive session:
# ``getoutput('date')`` is the shortest way to ask the time of the system.  In a
# program, prefer :func:`subprocess.run` with a list (the :doc:`safety page
# <08_safe_arguments>` shows why).  Only the status tells success from failure:

if shutil.which("date"):
    print(f"getoutput('date') -> {subprocess.getoutput('date')!r}")
shell_status, shell_output = subprocess.getstatusoutput("echo from the shell; exit 3")
print(f"getstatusoutput -> status {shell_status}, output {shell_output!r}")

from conc_examples.claims import claim

claim(
    "getstatusoutput returned the shell's exit status and its output, and raised nothing",
    (shell_status, shell_output) == (3, "from the shell"),
    measured=f"status {shell_status}, output {shell_output!r}",
    expected="status 3, output 'from the shell'",
)

# %%
# A program that does not exist
# -----------------------------
# If the program cannot be found, there is no exit status to read.  On POSIX the child
# *is* created (a fork), but its ``exec`` of the program fails; the child reports the
# error back to the parent through a pipe and dies, and :func:`subprocess.run` raises
# :exc:`FileNotFoundError` in the parent.  (Windows finds no program and creates no
# process.)  Catch it where you can say something useful.

missing_program_error = None
try:
    subprocess.run(["no-such-program-here", "--help"], capture_output=True, timeout=30)
except FileNotFoundError as error:
    missing_program_error = error
    print(f"{type(error).__name__}: {error.strerror}: {error.filename!r}")
claim(
    "A program that does not exist raised FileNotFoundError, with no status to read",
    isinstance(missing_program_error, FileNotFoundError),
    measured=f"{type(missing_program_error).__name__}",
    expected="FileNotFoundError",
)

# %%
# A program that fails
# --------------------
# A child that starts but fails exits with a non-zero status.  Without ``check`` that
# is only a number in ``returncode``, easy to ignore.  With ``check=True`` it raises
# :exc:`~subprocess.CalledProcessError`, which carries the status *and* what the
# child wrote to stderr: the explanation is usually there.  Here Python is asked to
# run a script that is not there.

with tempfile.TemporaryDirectory() as folder:
    missing_script = Path(folder, "missing.py")
    try:
        subprocess.run(
            [sys.executable, str(missing_script)],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except subprocess.CalledProcessError as error:
        failing_program_error = error
        print(f"{type(error).__name__}: exit status {error.returncode}")
        print(f"its stderr: {error.stderr.strip().replace(folder, '<tmp>')}")
claim(
    "A failing program raised CalledProcessError carrying its status and its stderr",
    failing_program_error.returncode != 0 and "missing.py" in failing_program_error.stderr,
    measured=f"status {failing_program_error.returncode},"
    f" stderr names missing.py: {'missing.py' in failing_program_error.stderr}",
    expected="a non-zero status, the child's explanation in stderr",
)

# %%
# Handling both in one place
# --------------------------
# A program that runs other programs usually wants one answer per command: the
# output, or a one-line reason it did not come.  That is the pattern at the top of the
# page.  The exceptions it expects are :exc:`OSError` (the program is missing, as
# above, not executable, or not a program), :exc:`~subprocess.CalledProcessError` and
# :exc:`~subprocess.TimeoutExpired` (see :doc:`06_timeouts`).  Four commands, four
# lines:


with tempfile.TemporaryDirectory() as folder:
    not_executable = Path(folder, "notes.txt")
    not_executable.write_text("not a program\n")
    answers = [
        output_or_reason(args)
        for args in (
            [sys.executable, "-c", "print('all good')"],
            ["no-such-program-here"],
            [str(not_executable)],
            [sys.executable, "-c", "import sys; sys.exit(4)"],
        )
    ]
print("\n".join(answers))
claim(
    "Every command gave one line: its output, or why it did not come",
    answers[0] == "all good"
    and all(answer.startswith("cannot run") for answer in answers[1:3])
    and answers[3].endswith("failed with status 4"),
    measured=f"{len(answers)} answers",
    expected="'all good', two that could not run, one that failed; no traceback",
)

# %%
# Take-away: pass a list, capture the output, and let ``check=True`` and a
# ``timeout`` turn every way a child can fail into an exception you handle.  Above, a
# program that could not start raised an :exc:`OSError` (the child never became the
# program, so there was no status), and a failing one raised
# :exc:`~subprocess.CalledProcessError` with its stderr attached.
