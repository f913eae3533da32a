"""
Give a child only the environment it needs
==========================================

A child inherits its parent's whole environment: tokens, passwords, proxies, and
variables that change how programs behave.  Pass ``env=`` and you decide what it gets.
On this page a made-up secret reaches one child and not the other.
"""

# %%
# Inherited, or minimal
# ---------------------
# Passing ``env=`` replaces the inherited copy.  The parent's environment gets a made-up
# secret here, and a child is started with each environment; it prints the names of the
# variables it sees.  ``-I`` (isolated mode) keeps anything of yours from running in the
# child at start-up (site-packages, ``PYTHON*`` variables), so that what it shows is
# what you passed plus what Python itself adds.

import json
import os
import subprocess
import sys

show_env = [
    sys.executable,
    "-I",
    "-c",
    "import json, os; print(json.dumps(sorted(os.environ)))",
]
parent_env = {**os.environ, "DEMO_API_TOKEN": "not-a-real-token"}
minimal_env = {"PATH": os.defpath}
if sys.platform == "win32":
    minimal_env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")  # Windows needs it
env_names = {}
for label, env in (("inherited", parent_env), ("minimal", minimal_env)):
    names = json.loads(
        subprocess.run(
            show_env, env=env, capture_output=True, text=True, check=True, timeout=30
        ).stdout
    )
    has_token = "DEMO_API_TOKEN" in names
    env_names[label] = names
    print(f"{label:<9} env: {len(names):>3} variables, sees the token: {has_token}")
print(f"the minimal child's variables: {env_names['minimal']}")

from conc_examples.claims import claim

claim(
    "The inherited child saw the secret; the minimal one did not",
    "DEMO_API_TOKEN" in env_names["inherited"]
    and "DEMO_API_TOKEN" not in env_names["minimal"],
    measured=f"{len(env_names['inherited'])} variables with the token,"
    f" {len(env_names['minimal'])} without",
    expected="the token in the inherited environment only",
)

# %%
# The minimal child still ran: it needs ``PATH`` to find programs, and little else.
# Python adds ``LC_CTYPE`` when it finds no locale (:pep:`538`), and macOS may add
# ``__CF_USER_TEXT_ENCODING`` to a process it starts.

python_adds = {"LC_CTYPE", "__CF_USER_TEXT_ENCODING"}
extra = set(env_names["minimal"]) - set(minimal_env)
claim(
    "The minimal child saw what it was given, plus only what Python or the OS adds",
    extra <= python_adds,
    measured=f"given {sorted(minimal_env)}, added {sorted(extra)}",
    expected=f"added at most {sorted(python_adds)}",
    why="something at the child's start-up set a variable",
)

# %%
# Take-away: hand a child only the environment it needs: the minimal child ran with a
# handful of variables and no token.
