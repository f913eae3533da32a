"""
Passing arguments safely: lists, not shell strings
==================================================

A list of arguments goes to the child exactly as written: one item, one argument.
A string with ``shell=True`` goes to ``/bin/sh``, which splits it at spaces, expands
``*`` and ``$VAR``, and runs everything after a ``;`` as another command.  When any
part of that string comes from outside (a file name, a form field), the shell will run
whatever it contains.  On this page you see the difference with a file whose name is
an attack, created in a temporary folder.
"""

# %%
# A hostile file name
# -------------------
# File names may contain spaces, quotes and semicolons.  This one, created in a
# temporary folder, contains a whole second command.  How would a shell read a
# command line built by pasting the name in?  :mod:`shlex` splits like a POSIX
# shell (``punctuation_chars`` makes it report ``;`` as a token of its own):

import json
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from conc_examples.claims import claim
from conc_examples.work.child_programs import command

folder = tempfile.TemporaryDirectory()
hostile_name = "quarterly report; rm -rf important.txt"
hostile = Path(folder.name, hostile_name)
hostile.write_text("the real content\n")

pasted = f"wc -c {hostile_name}"
words = list(shlex.shlex(pasted, posix=True, punctuation_chars=True))
print(f"command line: {pasted}")
print(f"a shell sees: {words}")

# %%
# That is two commands, ``wc -c quarterly report`` and ``rm -rf important.txt``.  Do
# not run it.  The same mechanism, shown with a harmless ``echo`` and a piece of "user
# input", really does run the second command:

user_input = "hello; echo second command ran"
shell = subprocess.run(
    f"echo {user_input}",
    shell=True,
    capture_output=True,
    text=True,
    timeout=30,
)
print(shell.stdout, end="")
if os.name == "posix":
    claim(
        "The shell ran the second command hidden in the input",
        shell.stdout.splitlines() == ["hello", "second command ran"],
        measured=f"it printed {shell.stdout.splitlines()}",
        expected="'hello', then the second command's line",
    )

# %%
# The fix: an argument list
# -------------------------
# With a list, no shell is involved: the OS hands each item to the child as one
# argument, spaces and semicolons included.  The child below prints the arguments it
# received:
#
# .. literalinclude:: /../conc_examples/work/child_programs.py
#    :pyobject: show_args

received = subprocess.run(
    command("show_args", hostile), capture_output=True, text=True, check=True, timeout=30
)
arguments = json.loads(received.stdout)
print(f"the child received {len(arguments)} argument(s):")
for argument in arguments:
    print(f"  {Path(argument).name!r}, an existing file: {Path(argument).is_file()}")
claim(
    "The hostile name arrived whole, as one argument naming the file",
    [Path(argument).name for argument in arguments] == [hostile_name]
    and Path(arguments[0]).is_file(),
    measured=f"{len(arguments)} argument(s), a file: {Path(arguments[0]).is_file()}",
    expected="1 argument, the file",
)

# %%
# If you truly need a shell (a pipeline written by hand, a glob), quote every piece
# that comes from outside with :func:`shlex.quote`: it wraps the text in single
# quotes (escaping any inside), so the shell reads it as one word and expands
# nothing.  :func:`shlex.join` quotes a whole list.

quoted = shlex.quote(hostile_name)
print(f"shlex.quote -> {quoted}")
print(f"a shell now sees: {shlex.split(f'wc -c {quoted}')}")
echoed = subprocess.run(
    f"echo {shlex.quote(user_input)}",
    shell=True,
    capture_output=True,
    text=True,
    timeout=30,
)
print(f"the quoted echo printed: {echoed.stdout.strip()!r}")
if os.name == "posix":
    claim(
        "Quoted, the input was echoed as one word and ran nothing",
        echoed.stdout.strip() == user_input,
        measured=f"printed {echoed.stdout.strip()!r}",
        expected="the input, unchanged",
    )

# %%
# ``shlex.quote`` is for POSIX shells.  Windows has its own trap: a list passed to a
# ``.bat`` or ``.cmd`` file goes through ``cmd.exe``, which parses the command line
# again, ``&`` and ``|`` included.  Do not hand outside text to a batch file.
#
# A list does not stop an option
# ------------------------------
# A list keeps a file name whole, but the program still reads it.  A file called
# ``-rf`` (or ``--help``, or ``--output=/etc/passwd``) arrives as one argument that
# *looks like an option*, and most programs treat it as one.  Put ``--`` before the
# names: by the POSIX convention that most programs follow (Python's :mod:`argparse`
# too), everything after it is an operand, not an option.  Here ``ls`` meets a file
# named ``-l``:

import shutil

Path(folder.name, "-l").write_text("a file, not an option\n")
listings = {}
if shutil.which("ls"):
    for args in (["ls", "-l"], ["ls", "--", "-l"]):
        done = subprocess.run(
            args, cwd=folder.name, capture_output=True, text=True, timeout=30
        )
        listings[" ".join(args)] = done.stdout.splitlines()
        print(f"{' '.join(args)}:", *listings[" ".join(args)], sep="\n  ")
    claim(
        "Without --, ls took the file -l for an option; with it, ls listed that file",
        any(hostile_name in line for line in listings["ls -l"])
        and listings["ls -- -l"] == ["-l"],
        measured=f"ls -l: {len(listings['ls -l'])} lines, naming the other file;"
        f" ls -- -l: {listings['ls -- -l']}",
        expected="a long listing of the folder, then just '-l'",
    )
folder.cleanup()
print(f"the temporary folder was removed: {not Path(folder.name).exists()}")

# %%
# Without ``--``, ``ls`` read the file name as its "long listing" option and listed the
# whole folder, files it was never asked about.
#
# Take-away: pass arguments as a list, so that a file name stays one argument (no
# shell ever sees it); put ``--`` before names
# that come from outside; and quote with :func:`shlex.quote` when a shell is
# unavoidable.
