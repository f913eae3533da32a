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
# variables it sees:
#
# .. literalinclude:: /../conc_examples/work/child_programs.py
#    :pyobject: show_env

import json
import os
import subprocess
import sys

from conc_examples.work.child_programs import command

parent_env = {**os.environ, "DEMO_API_TOKEN": "not-a-real-token"}
minimal_env = {"PATH": os.defpath}
if sys.platform == "win32":
    minimal_env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")  # Windows needs it
env_names = {}
for label, env in (("inherited", parent_env), ("minimal", minimal_env)):
    names = json.loads(
        subprocess.run(
            command("show_env"), env=env, capture_output=True, text=True, timeout=30
        ).stdout
    )
    has_token = "DEMO_API_TOKEN" in names
    env_names[label] = names
    print(f"{label:<9} env: {len(names):>3} variables, sees the token: {has_token}")
print(f"the minimal child's variables: {env_names['minimal']}")

# %%
# The minimal child still ran: it needs ``PATH`` to find programs, and little else
# (Python itself may add one or two, such as ``LC_CTYPE`` on Linux).
#
# Take-away: hand a child only the environment it needs.  Above, the inherited child saw
# the token among all the parent's variables, and the minimal one ran with a handful and
# no token.
