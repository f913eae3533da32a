"""
Running the event loop: ``asyncio.run`` and friends
===================================================

Coroutines need an :term:`event loop` to drive them.  Since Python 3.7,
:func:`asyncio.run` is the one call a program needs: it makes a fresh loop, runs one
coroutine to the end, cancels whatever that coroutine left behind, and closes the loop.
Older tutorials fetch a loop by hand instead; this page shows why that pattern now
warns, the :class:`asyncio.Runner` that replaces it where one loop must serve several
calls, and the error you meet when a loop is already running (as in Jupyter).
"""

# %%
# ``asyncio.run``: one loop for one entry point
# ---------------------------------------------
# Each call makes a new loop and closes it at the end, so two calls run on two loops.
# ``greet`` numbers the loops it has met, in order.

import ast
import asyncio
import subprocess
import sys
import textwrap

loops_seen: list[asyncio.AbstractEventLoop] = []


async def greet(name: str) -> str:
    await asyncio.sleep(0.01)
    loop = asyncio.get_running_loop()
    if loop not in loops_seen:
        loops_seen.append(loop)
    return f"hello {name}, from loop number {loops_seen.index(loop) + 1}"


first_call = asyncio.run(greet("first call"))
second_call = asyncio.run(greet("second call"))
print(first_call)
print(second_call)

# %%
# The legacy pattern: ``get_event_loop()`` + ``run_until_complete``
# -----------------------------------------------------------------
# Code from before Python 3.7 asks for "the current loop" and drives it itself:
#
# .. code-block:: python
#
#     loop = asyncio.get_event_loop()
#     loop.run_until_complete(main())
#     loop.close()
#
# Outside a running loop, :func:`asyncio.get_event_loop` used to create a loop on
# the fly.  Python 3.12 and 3.13 still do, with a :exc:`DeprecationWarning`; from
# Python 3.14 it raises :exc:`RuntimeError` ("There is no current event loop"), and
# the old snippet dies on its first line.  A fresh interpreter runs the snippet below,
# the way the old tutorial's reader did; we print what it wrote to stdout and stderr.

LEGACY = textwrap.dedent("""
    import asyncio

    async def main():
        return "the legacy pattern still ran"

    loop = asyncio.get_event_loop()
    print(loop.run_until_complete(main()))
    loop.close()
""")

legacy = subprocess.run(
    [sys.executable, "-W", "always::DeprecationWarning", "-c", LEGACY],
    capture_output=True,
    text=True,
    timeout=30,
)
version = f"{sys.version_info.major}.{sys.version_info.minor}"
print(f"Python {version}: exit status {legacy.returncode}")
print("stdout:", legacy.stdout.strip() or "<nothing>")
print("stderr:", textwrap.indent(legacy.stderr.strip(), "  ").strip() or "<nothing>")

from conc_examples.claims import claim

if sys.version_info >= (3, 14):
    expected = "it fails with RuntimeError"
elif sys.version_info >= (3, 12):
    expected = "it runs, with a DeprecationWarning"
else:
    expected = "it runs, without a warning"
seen = (
    "it fails with RuntimeError"
    if legacy.returncode != 0 and "RuntimeError" in legacy.stderr
    else "it runs, with a DeprecationWarning"
    if legacy.returncode == 0 and "DeprecationWarning" in legacy.stderr
    else "it runs, without a warning"
    if legacy.returncode == 0 and not legacy.stderr.strip()
    else f"exit status {legacy.returncode}, stderr {legacy.stderr.strip()[-200:]!r}"
)
claim(
    "The legacy pattern did what this Python's asyncio documents",
    seen == expected,
    measured=f"Python {version}: {seen}",
    expected=expected,
)

# %%
# In this process the question has another answer.  :func:`asyncio.run` sets the
# current loop while it runs and clears it when it closes the loop, so afterwards
# there is no current loop, and ``get_event_loop()`` refuses to invent one:

try:
    asyncio.get_event_loop()
except RuntimeError as error:
    no_current_loop = str(error)
    print(f"after asyncio.run: RuntimeError: {no_current_loop}")

# %%
# Inside a coroutine, ask for the loop that is running it with
# :func:`asyncio.get_running_loop`, which never creates one.
#
# ``asyncio.Runner``: one loop for several calls (3.11)
# -----------------------------------------------------
# Some programs need the *same* loop across several top-level calls, for instance to
# keep a connection pool bound to it.  :class:`asyncio.Runner`, added in Python 3.11,
# is ``asyncio.run`` split in three: open a loop, ``run()`` as often as needed, close
# it (and clean up) when the ``with`` block ends.

with asyncio.Runner() as runner:
    first = runner.run(greet("runner call 1"))
    second = runner.run(greet("runner call 2"))
print(first)
print(second)
claim(
    "Each asyncio.run made a loop of its own, and the Runner's two calls shared one",
    [first_call[-1], second_call[-1]] == ["1", "2"] and first[-1] == second[-1] == "3",
    measured=f"asyncio.run: loops {first_call[-1]} and {second_call[-1]};"
    f" Runner: loops {first[-1]} and {second[-1]}",
    expected="loops 1 and 2, then 3 and 3",
)

# %%
# "cannot be called from a running event loop"
# --------------------------------------------
# ``asyncio.run`` starts a loop, and a thread runs at most one loop at a time.  Call it
# from code that a loop is already running (a coroutine, or a Jupyter cell, where the
# notebook's own loop is running) and it refuses.  We close the coroutine it refused,
# because otherwise it would be a coroutine that was never awaited.


refusals: list[str] = []


async def already_in_a_loop() -> str:
    refused = greet("nested call")
    try:
        asyncio.run(refused)
    except RuntimeError as error:
        refusals.append(str(error))
        print(f"RuntimeError: {error}")
    finally:
        refused.close()
    return await greet("an await instead")


answer = asyncio.run(already_in_a_loop())
print(answer)
claim(
    "Inside a running loop, asyncio.run refused, and an await did the job",
    refusals == ["asyncio.run() cannot be called from a running event loop"]
    and answer.startswith("hello an await instead"),
    measured=f"refused with {refusals}; then {answer!r}",
    expected="one RuntimeError, then the awaited greeting",
)

# %%
# The fix is the one in the last line: inside a loop, ``await`` the coroutine (or
# schedule it with :func:`asyncio.create_task`).  That is what to do in Jupyter and
# IPython: their cells may use ``await`` at top level, e.g. ``await greet("cell")``,
# because they compile each cell with a flag that allows it and run the result on
# the loop they already have.  A script cannot use top-level ``await``; the same flag
# of :func:`compile` shows the mechanism:

CELL = 'await greet("a notebook cell")'
compiled = compile(CELL, "<cell>", "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


async def notebook_kernel() -> None:
    # eval() of a top-level-await cell returns a coroutine: the kernel awaits it.
    print(await eval(compiled, {"greet": greet}))


asyncio.run(notebook_kernel())

# %%
# Take-away: start asyncio code with one :func:`asyncio.run` at the entry point (or an
# :class:`asyncio.Runner` for several calls on one loop), ``await`` everywhere below
# it, and never ``asyncio.run`` inside a running loop: in a notebook, ``await``
# directly.
