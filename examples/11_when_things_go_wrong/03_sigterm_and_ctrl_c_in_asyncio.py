"""
SIGTERM and Ctrl-C in asyncio
=============================

You will stop a running asyncio server with ``SIGTERM``, the signal a container or a
service manager sends, and watch it close its socket and cancel its connections
before it exits 0.  Then you press Ctrl-C on :func:`asyncio.run` and see the main
task cancelled and :exc:`KeyboardInterrupt` raised where you can catch it.
"""

# %%
# The failure you avoid
# ---------------------
# ``docker stop``, ``kill PID`` and systemd send ``SIGTERM``.  Python installs no
# handler for it, so the default applies: the process dies, in the middle of whatever
# its connections were doing, with no ``finally`` run.  Except as PID 1 (the first
# process of a container): the kernel drops a signal that PID 1 has no handler for,
# so ``docker stop`` waits its 10 s and then sends ``SIGKILL``.  ``docker run
# --init`` puts a small init (tini) at PID 1 that passes the signal on.  Either way,
# only a handler lets it stop cleanly.  An asyncio program asks for the signal with
# :meth:`loop.add_signal_handler <asyncio.loop.add_signal_handler>`:
# the handler then runs inside the loop, as an ordinary callback, so it may set an
# :class:`asyncio.Event` that the main coroutine waits on.  (POSIX only: Windows has
# no ``add_signal_handler``, and ``SIGTERM`` there ends the process at once.)
#
# The server is a separate program, so that the signal reaches only it:
#
# .. literalinclude:: /../conc_examples/trouble/shutdown_programs.py
#    :pyobject: _serve_until_sigterm
#
# The order matters: close the server (no new connections), cancel the handlers,
# wait for them, then :meth:`~asyncio.Server.wait_closed` (from Python 3.12 it waits
# for every connection to end, so it comes after the cancelling).

import os
import signal
import socket

from conc_examples.trouble.shutdown_programs import start, wait_for_end, wait_until_ready

child = start("server")
port = int(wait_until_ready(child).split("port=")[1])
clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
wait_until_ready(child)  # the server has a handler task for each client
os.kill(child.pid, signal.SIGTERM)  # what `kill PID` or `docker stop` sends
server_out, _ = wait_for_end(child)  # or kill it 10 s later
for client in clients:
    client.close()
server_status = child.returncode
print(server_out.strip())
print("exit status:", server_status)

from conc_examples.claims import claim

claim(
    "SIGTERM closed the server and cancelled every handler before a clean exit",
    server_out.split() == ["handlers", "cancelled=3", "server", "closed=True"]
    and server_status == 0,
    measured=f"{' '.join(server_out.split())}; exit status {server_status}",
    expected="3 handlers cancelled, server closed, exit status 0",
)

# %%
# Three handlers cancelled, the server closed, exit status 0: every ``finally`` in
# the handlers ran (each closed its connection).
#
# Ctrl-C and asyncio.run
# ----------------------
# Since Python 3.11, :func:`asyncio.run` handles the first Ctrl-C itself: it cancels
# the main task, so that :exc:`asyncio.CancelledError` comes out of whatever the
# task awaits and its cleanup runs; then it cancels the tasks left and raises
# :exc:`KeyboardInterrupt` from ``asyncio.run(...)``.  Catch it there and exit 130.
# (A second Ctrl-C during the cleanup raises :exc:`KeyboardInterrupt` at once.)  It
# takes Ctrl-C over only from Python's default handler: a program started with
# ``SIGINT`` ignored ignores Ctrl-C under ``asyncio.run`` too.  A non-interactive shell
# starts ``cmd &`` that way (``nohup`` ignores ``SIGHUP``, not ``SIGINT``); the
# programs here put Python's handler back first.
#
# .. literalinclude:: /../conc_examples/trouble/shutdown_programs.py
#    :pyobject: asyncio_ctrl_c
#
# One trap is in the coroutine it runs.  Python calls a signal handler between two
# bytecodes, so a Ctrl-C that lands just as the loop goes to sleep waits for the
# sleep to end.  Here, before the fix below, that left the program hanging until the
# page killed it, in 3 of 51 runs.  A loop wakes at once if it has a wake-up pipe for
# signals, and asyncio makes one when you first call ``loop.add_signal_handler``.  So
# the coroutine registers one, for ``SIGTERM``, which it turns into a Ctrl-C:
#
# .. literalinclude:: /../conc_examples/trouble/shutdown_programs.py
#    :pyobject: _wait_for_ctrl_c

child = start("asyncio_ctrl_c")
wait_until_ready(child)
os.killpg(child.pid, signal.SIGINT)  # Ctrl-C, to the program's process group
ctrl_c_out, _ = wait_for_end(child)
ctrl_c_status = child.returncode
print(ctrl_c_out.strip())
print("exit status:", ctrl_c_status)
order = [line.split("=")[0] for line in ctrl_c_out.splitlines()]
claim(
    "Ctrl-C cancelled the main task, then the helper, then asyncio.run raised",
    order == ["main task", "helper task", "asyncio.run raised"] and ctrl_c_status == 130,
    measured=f"{' / '.join(ctrl_c_out.splitlines())}; exit status {ctrl_c_status}",
    expected="in that order, exit status 130",
)

# %%
# The order of the lines is the order of events: the main task saw
# :exc:`~asyncio.CancelledError` first, its ``finally`` cancelled the helper task,
# and only then did ``asyncio.run`` raise :exc:`KeyboardInterrupt`.
#
# Take-away: ask for ``SIGTERM`` with ``loop.add_signal_handler`` and shut down in
# async code (3 handlers cancelled, exit status 0, as claimed above); on Ctrl-C let
# ``asyncio.run`` cancel the main task and exit 130 where it raises.
