"""
Thread-local data: one client per thread
========================================

Everything in a process is shared by its threads, which is exactly wrong for some
objects: a network connection, a database session, a parser with state.  They are not
thread-safe, and a lock around every use would serialise the threads.  A
:class:`threading.local` object gives each thread its own copy instead.  On this page
you see the idea, then what goes wrong when threads share an HTTP connection, and the
fix: one connection per thread, reused for all that thread's requests.
"""

# %%
# Same name, a value per thread
# -----------------------------
# Attributes set on a :class:`threading.local` object are seen only by the thread that
# set them.  Each thread below stores its own name and reads it back after the others
# have written theirs.

import http.client
import threading
from urllib.parse import urlsplit

from conc_examples.claims import claim
from conc_examples.web.webserver import serve_in_thread

mine = threading.local()
all_written = threading.Barrier(3)
read_back: dict[str, str] = {}


def remember() -> None:
    me = threading.current_thread().name
    mine.owner = me
    all_written.wait(timeout=5)  # every thread has set mine.owner by now
    read_back[me] = mine.owner


threads = [threading.Thread(target=remember, name=f"thread-{i}") for i in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=5)
print(f"what each thread read back: {dict(sorted(read_back.items()))}")
claim(
    "Each thread read back its own value, and the main thread had none",
    len(read_back) == 3
    and all(name == value for name, value in read_back.items())
    and not hasattr(mine, "owner"),
    measured=f"{sum(n == v for n, v in read_back.items())} of 3 read their own;"
    f" main has one: {hasattr(mine, 'owner')}",
    expected="3 of 3; main has none",
)

# %%
# A shared connection breaks
# --------------------------
# :class:`http.client.HTTPConnection` is one TCP connection to one server, used by one
# request at a time: send a request, read its response, then the next.  Two threads
# sharing it interleave those steps.  Here thread A sends a request to a local server
# that answers after 0.2 s, and thread B tries to send one while A waits (the events
# make that timing certain instead of likely).

with serve_in_thread() as base_url:
    address = urlsplit(base_url)
    shared = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    a_has_sent = threading.Event()
    outcomes: dict[str, str] = {}

    def thread_a() -> None:
        shared.request("GET", "/delay/0.2")
        a_has_sent.set()
        response = shared.getresponse()
        outcomes["A"] = f"got {response.status} {response.read().decode()!r}"

    def thread_b() -> None:
        a_has_sent.wait(timeout=5)
        try:
            shared.request("GET", "/delay/0")
            outcomes["B"] = "sent"
        except http.client.HTTPException as error:
            outcomes["B"] = f"failed: {type(error).__name__}({error})"

    pair = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join(timeout=10)
    shared.close()
    print(f"thread A: {outcomes['A']}\nthread B: {outcomes['B']}")
claim(
    "Thread B's request on the shared connection was refused while A's was pending",
    outcomes.get("B", "").startswith("failed: CannotSendRequest"),
    measured=f"thread B: {outcomes.get('B')}",
    expected="CannotSendRequest",
)

# %%
# That is the lucky case: with other timings a thread can read *another thread's*
# response, or two requests can mix on the wire.
#
# One connection per thread
# -------------------------
# The fix: each thread makes its own connection the first time it needs one and keeps
# it in a :class:`threading.local`, so its later requests reuse it (HTTP keep-alive)
# and no other thread ever touches it.  Each thread closes its own connection when its
# work is done.  To see which connection carried each request, note the client's local
# port: one port is one TCP connection.

THREADS, REQUESTS_EACH = 4, 5
per_thread = threading.local()

with serve_in_thread() as base_url:
    address = urlsplit(base_url)

    def connection() -> http.client.HTTPConnection:
        if not hasattr(per_thread, "conn"):
            per_thread.conn = http.client.HTTPConnection(
                address.hostname, address.port, timeout=5
            )
        return per_thread.conn

    ports: list[tuple[str, int]] = []

    def fetch_several() -> None:
        try:
            for _ in range(REQUESTS_EACH):
                conn = connection()
                conn.request("GET", "/delay/0.01")
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"server answered {response.status}")
                ports.append((threading.current_thread().name, conn.sock.getsockname()[1]))
        finally:
            if hasattr(per_thread, "conn"):
                per_thread.conn.close()

    fetchers = [
        threading.Thread(target=fetch_several, name=f"fetcher-{i}") for i in range(THREADS)
    ]
    for thread in fetchers:
        thread.start()
    for thread in fetchers:
        thread.join(timeout=10)

for name in sorted({name for name, _ in ports}):
    print(f"{name}: requests went out on ports {[p for n, p in ports if n == name]}")
connections = len({port for _, port in ports})
print(f"{len(ports)} requests from {THREADS} threads used {connections} connections")
ports_per_thread = {len({p for n, p in ports if n == name}) for name, _ in ports}
claim(
    "Each thread sent all its requests on one connection of its own",
    len(ports) == THREADS * REQUESTS_EACH
    and connections == THREADS
    and ports_per_thread == {1},
    measured=f"{len(ports)} requests, {connections} connections",
    expected=f"{THREADS * REQUESTS_EACH} requests, {THREADS} connections, one per thread",
)

# %%
# A client that is not documented as thread-safe (``requests.Session`` is not; many
# database drivers say "one connection per thread") leaves this to you: it does not
# keep threads apart itself.  :class:`threading.local` is how you do it.
#
# Take-away: a :class:`threading.local` attribute has one value per thread; use it for
# objects that are not thread-safe, such as connections, so that each thread has and
# reuses its own.
