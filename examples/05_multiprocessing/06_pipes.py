"""
Pipes: two ends, and the price of every byte
============================================

:func:`multiprocessing.Pipe` connects exactly two processes, one at each end.  You will
send a message to a child that echoes it back, then time round trips from 100 bytes to
4 megabytes and see where a fixed price per message gives way to a price per byte.
"""

# %%
# An echo through a ``Pipe``
# --------------------------
# ``Pipe()`` returns two connected :class:`~multiprocessing.connection.Connection`
# objects.  It is lighter than a queue (no feeder thread, no lock) but has only two
# ends.  You keep one and give the child the other.  The child sends back every message
# until it gets an empty one:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: echo_bytes

import multiprocessing

from conc_examples.claims import claim
from conc_examples.work import mp_workers

if __name__ == "__main__":
    ours, theirs = multiprocessing.Pipe()
    echo = multiprocessing.Process(target=mp_workers.echo_bytes, args=(theirs,))
    echo.start()
    theirs.close()  # the child has its own copy; yours would keep the pipe open

    def round_trip(payload: bytes) -> bytes:
        ours.send_bytes(payload)
        if not ours.poll(30):
            raise TimeoutError("no echo within 30 s")
        return ours.recv_bytes()

    reply = round_trip(b"hello, child")
    print(f"sent b'hello, child', got back {reply!r}")
    claim(
        "The child echoed the message back unchanged",
        reply == b"hello, child",
        measured=f"got back {reply!r}",
    )

# %%
# Close your copy of the child's end: as long as any process holds an end open, the
# other end never sees the pipe close.
#
# The cost of sending data
# ------------------------
# Every byte you send is copied into the pipe by one process and out of it by the
# other.  Time round trips of growing payloads through the same echo child (each size
# five times, after a warm-up; each bar is the best of the five, with a whisker up to
# the slowest):

if __name__ == "__main__":
    from conc_examples.charts import (
        plotting,  # under the guard: spawn children skip matplotlib
    )
    from conc_examples.measure.timing import measure

    sizes = [100, 10_000, 1_000_000, 4_000_000]
    round_trips = {}
    for size in sizes:
        label = f"{size:,} B"
        round_trips[label] = measure(lambda p=bytes(size): round_trip(p)).scaled(1000)
        took = round_trips[label].min
        print(f"{label:>13}: best {took:8.3f} ms  ({2 * size / took / 1000:8.1f} MB/s)")
    ours.send_bytes(b"")  # an empty message: the echo child stops
    echo.join(timeout=30)
    ours.close()
    fixed_cost = round_trips["100 B"].min
    labels = {
        "title": "Round trip through a Pipe by payload size",
        "ylabel": "milliseconds",
    }
    figure = plotting.bar_chart(
        round_trips, ideal=fixed_cost, ideal_label="100 B", **labels
    )
    figure.axes[0].set_xlabel("payload sent and echoed back")
    plotting.show()

# %%
# Small messages cost a fixed price: system calls, and waking the other process.  From
# about a megabyte on, the time grows with the size: copying dominates.

if __name__ == "__main__":
    growth = round_trips["4,000,000 B"].min / fixed_cost
    four_over_one = round_trips["4,000,000 B"].min / round_trips["1,000,000 B"].min
    claim(
        "Four megabytes cost many times the round trip of a hundred bytes",
        growth > 5,
        measured=f"{growth:,.0f}x, best of five each",
        expected="over 5x",
    )
    claim(
        "From a megabyte on, four times the data cost clearly more",
        four_over_one > 1.5,
        measured=f"4 MB took {four_over_one:.1f}x the time of 1 MB, best of five each",
        expected="over 1.5x (copying alone gives 4x)",
    )
#
# Take-away: a pipe is the lightest channel between two processes, but it copies every
# byte (above, 4 MB cost the claimed multiple of 100 B); send processes their work,
# not their data, when the data is large.
