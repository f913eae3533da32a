"""
Communication between processes
===============================

Processes share no memory by default, so they talk by sending data: queues and pipes
:term:`pickle <pickling>` objects and copy them through the operating system.  When
copying is too slow, shared memory lets processes read and write the same bytes, and a
:term:`manager` lets them share whole Python objects through a server process.  This page
uses each, and measures what sending costs.
"""

# %%
# A queue between a producer and a consumer
# -----------------------------------------
# A :class:`multiprocessing.Queue` carries objects from any process to any other.  A
# consumer cannot know how many items will come, so the producer ends with a
# :term:`sentinel`, a value that means "no more" (here ``None``):
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: produce
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: consume

import multiprocessing
import queue
import secrets
import threading
from multiprocessing import shared_memory

from conc_examples import mp_workers
from conc_examples.results import record
from conc_examples.timing import measure


def close_queue(q: "multiprocessing.queues.Queue") -> None:
    """Close a queue and wait for its feeder thread, so no thread outlives its use."""
    q.close()
    q.join_thread()


if __name__ == "__main__":
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    producer = multiprocessing.Process(target=mp_workers.produce, args=(tasks, 1000))
    consumer = multiprocessing.Process(target=mp_workers.consume, args=(tasks, results))
    producer.start()
    consumer.start()
    try:
        summary = results.get(timeout=30)
    except queue.Empty:
        raise SystemExit("the consumer sent no summary within 30 s") from None
    finally:
        producer.join(timeout=30)
        consumer.join(timeout=30)
    for q in (tasks, results):
        close_queue(q)
    print(f"the consumer received {summary['items']} items adding up to {summary['sum']}")
    record("queue_summary", summary)

# %%
# All 1000 numbers (0 to 999, which add up to 499500) crossed, and the consumer
# stopped at the sentinel instead of waiting for ever.  The result came back over a
# second queue; we take it *before* joining, because a process that has put data on a
# queue does not end until its data has gone into the pipe, and a full pipe waits for
# a reader: joining first can deadlock.
#
# A ``Pipe``: two ends, two processes
# -----------------------------------
# :func:`multiprocessing.Pipe` returns two connected
# :class:`~multiprocessing.connection.Connection` objects, one for each process.  It is
# lighter than a queue (no feeder thread, no lock), but it has exactly two ends.  The
# child echoes every message back:
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: echo_bytes

if __name__ == "__main__":
    ours, theirs = multiprocessing.Pipe()
    echo = multiprocessing.Process(target=mp_workers.echo_bytes, args=(theirs,))
    echo.start()
    theirs.close()  # the child has its own copy; ours would keep the pipe open

    def round_trip(payload: bytes) -> bytes:
        ours.send_bytes(payload)
        if not ours.poll(30):
            raise TimeoutError("no echo within 30 s")
        return ours.recv_bytes()

    reply = round_trip(b"hello, child")
    print(f"sent b'hello, child', got back {reply!r}")
    record("pipe_echo", reply.decode())

# %%
# The cost of sending data
# ------------------------
# Every byte sent is copied into the pipe by one process and out of it by the other.
# We time round trips of growing payloads through the echo child:

if __name__ == "__main__":
    from conc_examples import plotting  # under the guard: spawn children skip matplotlib

    round_trips = {}
    for size in [100, 10_000, 1_000_000, 10_000_000]:
        payload = bytes(size)
        label = f"{size:,} B"
        round_trips[label] = measure(lambda p=payload: round_trip(p), repeat=5).scaled(1000)
        throughput = 2 * size / (round_trips[label].median / 1000) / 1e6
        print(
            f"{label:>13}: round trip {round_trips[label].median:8.3f} ms"
            f"  ({throughput:8.1f} MB/s both ways)"
        )
    ours.send_bytes(b"")  # empty message: the echo child stops
    echo.join(timeout=30)
    ours.close()
    smallest, largest = round_trips["100 B"], round_trips["10,000,000 B"]
    record("payload_growth", largest.median / smallest.median)
    plotting.bar_chart(
        round_trips,
        title="Round trip through a Pipe by payload size",
        ideal=smallest.median,
        ideal_label="fixed cost (100 B)",
        ylabel="milliseconds",
    )
    plotting.show()

# %%
# Small messages cost a fixed price (system calls, waking the other process); from
# about a megabyte on, the time grows with the size: copying dominates.  Send
# processes their work, not their data, when the data is large.
#
# ``Value`` and ``Array``: a few numbers in shared memory
# -------------------------------------------------------
# :func:`multiprocessing.Value` and :func:`multiprocessing.Array` hold C numbers in
# memory shared by the processes, with a lock each.  The lock makes each read and each
# write safe, but ``counter.value += 1`` is a read *and* a write: another process can
# write between them, and its addition is lost: a :term:`race condition`.  Two
# workers each add 20000, without and with holding the lock across both steps; a
# shared ``Array`` records how many additions each made:
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: add_to_counter

ADDITIONS = 20_000


def count_together(use_lock: bool) -> tuple[int, int]:
    """Run two adders at once; return (additions made, final counter value)."""
    counter = multiprocessing.Value("i", 0)
    done = multiprocessing.Array("i", 2)
    start = multiprocessing.Barrier(2)
    adders = [
        multiprocessing.Process(
            target=mp_workers.add_to_counter,
            args=(counter, done, index, ADDITIONS, start, use_lock),
        )
        for index in range(2)
    ]
    for adder in adders:
        adder.start()
    for adder in adders:
        adder.join(timeout=60)
    return sum(done[:]), counter.value


if __name__ == "__main__":
    # A race shows only when the two really interleave; on a busy machine one worker
    # may finish before the other runs, so we give it up to three rounds.
    for attempt in range(1, 4):
        made, value = count_together(use_lock=False)
        print(f"without the lock (round {attempt}): {made} made, counter = {value}")
        if value < made:
            break
    record("lost[without the lock]", made - value)
    made, value = count_together(use_lock=True)
    print(f"with the lock:               {made} made, counter = {value}")
    record("lost[with the lock]", made - value)
    record("made[with the lock]", made)

# %%
# Without the lock, additions were lost: both workers read the same value and wrote
# back the same sum.  With the lock held across the read and the write, none was.
#
# ``shared_memory``: a block of bytes shared by name
# --------------------------------------------------
# :class:`multiprocessing.shared_memory.SharedMemory` creates a block of memory with a
# name; another process attaches to it by that name and sees the same bytes, with no
# copy (:term:`shared memory`).  Each process ``close()``\ s its view when done; the
# creator also ``unlink()``\ s the block, or it outlives the program.
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: double_in_shared_memory

if __name__ == "__main__":
    block = shared_memory.SharedMemory(create=True, size=8)
    try:
        block.buf[:8] = bytes(range(1, 9))
        print(f"block {block.name!r} before: {list(block.buf[:8])}")
        doubler = multiprocessing.Process(
            target=mp_workers.double_in_shared_memory, args=(block.name, 8)
        )
        doubler.start()
        doubler.join(timeout=30)
        after = list(block.buf[:8])
        print(f"block {block.name!r} after the child: {after}")
        record("shared_memory_after", after)
    finally:
        block.close()
        block.unlink()

# %%
# The child changed the parent's bytes in place: it found the block by its name alone.
#
# A ``Manager``: shared Python objects
# ------------------------------------
# :func:`multiprocessing.Manager` starts a server process that holds real Python
# objects (``dict``, ``list``, ``Queue``, ``Lock``...) and hands out *proxies*: each
# method call on a proxy is sent to the server and runs there.  Slower than shared
# memory, but any picklable value fits.
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: record_in_manager

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
        shared = {"dict": dict(pids), "list": list(arrivals)}
    print(f"the dict holds {len(shared['dict'])} pids, keyed by {sorted(shared['dict'])}")
    print(f"the list, in order of arrival: {shared['list']}")
    record("manager_keys", sorted(shared["dict"]))

# %%
# A custom ``BaseManager`` serving a stack, and its ``authkey``
# -------------------------------------------------------------
# A :class:`~multiprocessing.managers.BaseManager` subclass serves whatever we
# register.  This one serves one :class:`queue.LifoQueue` (last in, first out) on a
# TCP port, so any process that knows the address, even one on another machine,
# can push and pop.  Registration happens when the module is imported, so the
# server and every client know the ``stack`` method:
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: LifoManager
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: push_to_stack
#
# Calls to a manager arrive pickled, and unpickling can run code, so a manager must
# only talk to clients it trusts.  That is the ``authkey``: a shared secret.  On each
# connection both sides prove that they know it (a challenge answered with an HMAC of
# the key) without sending the key itself.  Left out, it is the parent's
# ``current_process().authkey``, random per program and inherited by its children.

if __name__ == "__main__":
    authkey = secrets.token_bytes(16)
    stack_server = mp_workers.LifoManager(address=("127.0.0.1", 0), authkey=authkey)
    stack_server.start()
    try:
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
        record("lifo_order", popped)

        intruder = mp_workers.LifoManager(address=stack_server.address, authkey=b"guess")
        try:
            intruder.connect()
            print("a client with the wrong key got in")
            record("wrong_key_refused", False)
        except multiprocessing.AuthenticationError as exc:
            print(f"a client with the wrong key: AuthenticationError: {exc}")
            record("wrong_key_refused", True)
        del stack  # release the proxy before the server goes
    finally:
        stack_server.shutdown()

# %%
# The child's two items came off the stack before the parent's older one, and a client
# without the key was turned away before it could send anything.
#
# Back to queues: ``JoinableQueue`` waits until the work is done
# --------------------------------------------------------------
# With a :class:`~multiprocessing.JoinableQueue` each worker calls ``task_done()`` for
# every item it takes, and ``join()`` returns when every item put has been marked
# done: the parent can wait for a batch while the workers stay alive for the next.
#
# .. literalinclude:: /../conc_examples/mp_workers.py
#    :pyobject: joinable_worker

if __name__ == "__main__":
    tasks, results = multiprocessing.JoinableQueue(), multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=mp_workers.joinable_worker, args=(tasks, results), name=f"worker-{n}"
        )
        for n in range(2)
    ]
    for worker in workers:
        worker.start()
    for item in range(10):
        tasks.put(item)
    # join() has no timeout; a thread that we wait for with one bounds the wait.
    waiter = threading.Thread(target=tasks.join, name="batch-waiter", daemon=True)
    waiter.start()
    waiter.join(timeout=30)
    if waiter.is_alive():
        raise SystemExit("the batch was not done within 30 s")
    batch = [results.get(timeout=30) for _ in range(10)]
    for _ in workers:
        tasks.put(None)
    for worker in workers:
        worker.join(timeout=30)
    for q in (tasks, results):
        close_queue(q)
    by_worker = {w.name: sorted(s for name, s in batch if name == w.name) for w in workers}
    for name, squares in by_worker.items():
        print(f"{name} squared into {squares}")
    record("joinable_results", sorted(s for _, s in batch))

# %%
# ``join()`` returned once all ten items were done; which worker took which item is
# a matter of timing.
#
# Take-away: queues and pipes copy what they carry, at a fixed price per message plus
# a price per byte (the plot); shared memory and ``Value``/``Array`` avoid the copy but
# need locks for read-modify-write; a manager shares whole objects through a server,
# guarded by its ``authkey``; a ``JoinableQueue`` tells the parent when work is done.
