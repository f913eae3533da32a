"""
Passing arguments safely: lists, not shell strings
==================================================

A list of arguments goes to the child exactly as written: one item, one argument.
A string with ``shell=True`` goes to ``/bin/sh``, which splits it at spaces, expands
``*`` and ``$VAR``, and runs everything after a ``;`` as another command.  When any
part of that string comes from outside (a file name, a form field), the shell will run
whatever it contains.  This page shows the difference with a file whose name is an
attack, created in a temporary folder, and then gives a child only the environment
it needs.
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
import sys
import tempfile
from pathlib import Path

from conc_examples.child_programs import command
from conc_examples.results import record

folder = tempfile.TemporaryDirectory()
hostile_name = "quarterly report; rm -rf important.txt"
hostile = Path(folder.name, hostile_name)
hostile.write_text("the real content\n")

pasted = f"wc -c {hostile_name}"
words = list(shlex.shlex(pasted, posix=True, punctuation_chars=True))
print(f"command line: {pasted}")
print(f"a shell sees: {words}")

# %%
# That is two commands, ``wc -c quarterly report`` and ``rm -rf important.txt``.  We
# do not run it.  The same mechanism, shown with a harmless ``echo`` and a piece of
# "user input", really does run the second command:

user_input = "hello; echo second command ran"
shell = subprocess.run(
    f"echo {user_input}",
    shell=True,
    capture_output=True,
    text=True,
    timeout=30,
)
print(shell.stdout, end="")
record("shell_ran_second_command", "second command ran" in shell.stdout)

# %%
# The fix: an argument list
# -------------------------
# With a list, no shell is involved: the OS hands each item to the child as one
# argument, spaces and semicolons included.  The child below prints the arguments it
# received:
#
# .. literalinclude:: /../conc_examples/child_programs.py
#    :pyobject: show_args

received = subprocess.run(
    command("show_args", hostile), capture_output=True, text=True, check=True, timeout=30
)
arguments = json.loads(received.stdout)
print(f"the child received {len(arguments)} argument(s):")
for argument in arguments:
    print(f"  {Path(argument).name!r}, an existing file: {Path(argument).is_file()}")
record("hostile_arguments", [Path(a).name for a in arguments])
record("hostile_name", hostile_name)

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
record("quoted_is_one_word", shlex.split(f"wc -c {quoted}")[-1] == hostile_name)
folder.cleanup()
print(f"the temporary folder was removed: {not Path(folder.name).exists()}")

# %%
# ``shlex.quote`` is for POSIX shells; Windows' ``cmd.exe`` quotes differently.  A
# list needs no quoting on any system, which is one more reason to prefer it.
#
# Give the child only what it needs
# ---------------------------------
# A child inherits the parent's whole environment: tokens, passwords, proxies, and
# variables that change how programs behave.  Passing ``env=`` replaces it.  Here the
# parent's environment gets a made-up secret, and a child is started with each:
#
# .. literalinclude:: /../conc_examples/child_programs.py
#    :pyobject: show_env

parent_env = {**os.environ, "DEMO_API_TOKEN": "not-a-real-token"}
minimal_env = {"PATH": os.defpath}
if sys.platform == "win32":
    minimal_env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")  # Windows needs it
for label, env in (("inherited", parent_env), ("minimal", minimal_env)):
    names = json.loads(
        subprocess.run(
            command("show_env"), env=env, capture_output=True, text=True, timeout=30
        ).stdout
    )
    has_token = "DEMO_API_TOKEN" in names
    print(f"{label:<9} env: {len(names):>3} variables, sees the token: {has_token}")
    record(f"env_names[{label}]", names)
print(f"the minimal child's variables: {names}")

# %%
# The minimal child still ran: it needs ``PATH`` to find programs, and little else
# (Python itself may add one or two, such as ``LC_CTYPE`` on Linux).
#
# Take-away: pass arguments as a list, so that a file name stays one argument (above,
# the hostile name arrived whole, and no shell ever saw it); quote with
# :func:`shlex.quote` when a shell is unavoidable; and hand a child only the
# environment it needs.
