"""
Managers: Python objects shared through a server
================================================

A :term:`manager` is a server process that holds real Python objects and hands out
*proxies* to them: every method call on a proxy is sent to the server and runs there.
You will share a ``dict`` and a ``list`` with two children, then serve a stack on a TCP
port of this machine, and see a client with the wrong key turned away.
"""

# %%
# ``Manager()``: a shared dict and list
# -------------------------------------
# :func:`multiprocessing.Manager` starts the server and returns a
# :class:`~multiprocessing.managers.SyncManager`.  It makes ``dict``, ``list``,
# ``Queue``, ``Lock`` and more.  Slower than shared memory (each call is a round trip),
# but any picklable value fits.
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: record_in_manager

import multiprocessing

from conc_examples.claims import claim
from conc_examples.work import mp_workers

if __name__ == "__main__":
    with multiprocessing.Manager() as manager:
        pids, arrivals = manager.dict(), manager.list()
        recorders = [
            multiprocessing.Process(
                target=mp_workers.record_in_manager, args=(pids, arrivals, f"child-{n}")
            )
            for n in range(2)
        ]
        for recorder in recorders:
            recorder.start()
        for recorder in recorders:
            recorder.join(timeout=30)
        shared_keys, arrival_order = sorted(pids), list(arrivals)
    print(f"the dict holds {len(shared_keys)} pids, keyed by {shared_keys}")
    print(f"the list, in order of arrival: {arrival_order}")
    claim(
        "Both children wrote into the manager's dict and list, and the parent read them",
        shared_keys == ["child-0", "child-1"] and sorted(arrival_order) == shared_keys,
        measured=f"dict keys {shared_keys}, list {arrival_order}",
    )

# %%
# The objects live in the manager's process; the parent read them back through its own
# proxies.  Leaving the ``with`` block shuts the server
# down.
#
# A ``BaseManager`` serving a stack
# ---------------------------------
# A :class:`~multiprocessing.managers.BaseManager` subclass serves whatever you
# register.  This one serves one :class:`queue.LifoQueue` (last in, first out) on a TCP
# port.  Registration happens when the module is imported, so the server and every
# client know the ``stack`` method:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: LifoManager
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: push_to_stack
#
# Read this before you open the port to anyone.  Every call travels as a
# :term:`pickle <pickling>` over plain TCP, and unpickling can run any code.  The
# ``authkey`` is a shared secret: on each connection both sides prove they know it (an
# HMAC challenge), without sending it.  That *authenticates*; it does not encrypt.
# Anyone on the path can read every call, and anyone who holds the key can run code in
# the server (and the server in its clients).  So bind ``127.0.0.1``, as here.  To reach
# another machine, carry the port through an encrypted tunnel (``ssh -L``) between
# machines you trust, or use a job queue that speaks JSON.

import secrets

if __name__ == "__main__":
    authkey = secrets.token_bytes(16)
    stack_server = mp_workers.LifoManager(address=("127.0.0.1", 0), authkey=authkey)
    stack_server.start()
    try:
        server_host = stack_server.address[0]
        print(f"the stack is served on {server_host}, port {stack_server.address[1]}")
        stack = stack_server.stack()
        stack.put("first, from the parent")
        client = multiprocessing.Process(
            target=mp_workers.push_to_stack,
            args=(stack_server.address, authkey, ["second", "third"]),
        )
        client.start()
        client.join(timeout=30)
        popped = [stack.get(timeout=5) for _ in range(3)]
        print(f"popped, last in first out: {popped}")

        intruder = mp_workers.LifoManager(address=stack_server.address, authkey=b"guess")
        try:
            intruder.connect()
            wrong_key_refused = False
        except multiprocessing.AuthenticationError as exc:
            wrong_key_refused = True
            print(f"a client with the wrong key: AuthenticationError: {exc}")
        del stack  # release the proxy before the server goes
    finally:
        stack_server.shutdown()
    claim(
        "The child's two items came off the stack before the parent's older one",
        popped == ["third", "second", "first, from the parent"],
        measured=f"popped {popped}",
    )
    claim(
        "The server listened on this machine only, and turned away the wrong key",
        server_host == "127.0.0.1" and wrong_key_refused,
        measured=f"host {server_host}; wrong key refused: {wrong_key_refused}",
    )

# %%
# The client without the key was turned away before it could send a single call.
# Left out, the
# ``authkey`` is ``current_process().authkey``: random per program, and inherited by its
# children.
#
# Take-away: a manager shares whole objects through a server, one round trip per call;
# the ``authkey`` keeps out those without it, as the ``AuthenticationError`` above shows,
# but it is pickle over plain TCP: bind 127.0.0.1 and let no one you do not trust near it.
