"""
The listen backlog: two hundred connections at once
===================================================

The previous page sent a hundred requests at once.  Send two hundred, all opening
their connections in the same instant, and some of them take over a second.
Nothing failed: you will see the kernel turn connection attempts away because a
queue was full, the clients try again a second later, and a bigger queue fix it.
"""

# %%
# A burst that arrives all at once
# --------------------------------
# Each of the 200 requests opens its own connection, and the server answers each
# after 0.1 s.  ``burst`` returns how long each request took, from start to answer.
# On Linux, ``listen_overflows`` reads the kernel's count of packets it dropped
# because a listen queue was full.  The counter covers the whole machine, so
# connections elsewhere at the same moment would add to it; on a quiet machine it is
# yours alone.

import asyncio
import time

import aiohttp

from conc_examples.measure.netstat import listen_overflows, somaxconn
from conc_examples.web.webserver import serve

COUNT, DELAY = 200, 0.1


async def burst(url: str, count: int = COUNT) -> list[float]:
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=10),
    ) as session:

        async def get() -> float:
            start = time.perf_counter()
            async with session.get(f"{url}/delay/{DELAY}") as response:
                response.raise_for_status()
                await response.read()
            return time.perf_counter() - start

        return await asyncio.gather(*(get() for _ in range(count)))


async def burst_with_backlog(backlog: int) -> tuple[list[float], int | None]:
    asyncio.get_running_loop().set_debug(False)  # on under -X dev: it costs more
    async with serve(backlog=backlog) as url:
        await burst(url, 10)  # warm-up: lazy imports, the first connections
        before = listen_overflows()
        seconds = await burst(url)
        after = listen_overflows()
    return seconds, None if before is None or after is None else after - before


def report(backlog: int, seconds: list[float], dropped: int | None) -> int:
    late = sum(s > 1.0 for s in seconds)
    print(f"backlog {backlog}: the burst took {max(seconds):.2f} s; {late} requests")
    print(f"  waited over a second; packets dropped on a full queue: {dropped}")
    return late


default_burst = asyncio.run(burst_with_backlog(128))
default_seconds, default_dropped = default_burst
default_late = report(128, default_seconds, default_dropped)

from conc_examples.claims import claim

claim(
    "On the default backlog, some requests of the burst waited over a second",
    default_late > 0,
    measured=f"{default_late} of {COUNT} over 1 s, slowest {max(default_seconds):.2f} s",
    expected="at least one: a dropped SYN is sent again after 1 s",
    why="this kernel did not drop a SYN: it may answer a full queue another way",
)

# %%
# The listen-backlog trap
# -----------------------
# A listening socket has a queue of connections that the kernel has set up but the
# program has not yet accepted: the :term:`listen backlog`.  aiohttp asks for 128.
# Two hundred connection attempts arrive before the event loop gets a chance to
# accept any; the queue fills, and Linux drops what does not fit.  It drops two kinds
# of packet, and counts both as ``ListenOverflows``: a client's first packet, the SYN
# (that client hears nothing, and sends the SYN again after 1 s; if that is dropped
# too, after 2 s more, then 4 s), and the last packet of a handshake, the ACK (that
# client thinks it is connected, sends its request, and the request, sent again after
# about 200 ms, completes the handshake).  The requests above that waited over a
# second are the dropped SYNs (on a busy machine the burst itself can take that long).
#
# The fix is a bigger backlog: ``web.TCPSite(..., backlog=...)``, here the
# ``backlog`` argument of ``serve``.  The kernel silently caps it at
# ``net.core.somaxconn``:

big_backlog = 2 * COUNT
cap = somaxconn()
print(f"net.core.somaxconn = {cap}")
if cap is not None and cap < big_backlog:
    print(f"backlog {big_backlog} would be capped at {cap}: raise somaxconn (as root)")

fixed_burst = asyncio.run(burst_with_backlog(big_backlog))
fixed_seconds, fixed_dropped = fixed_burst
fixed_late = report(big_backlog, fixed_seconds, fixed_dropped)

# %%
# The slowest request of each burst, beside the bound of one server delay:

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.timing import Timing

bar_chart(
    {
        f"backlog {b}": Timing.of([max(s)])
        for b, s in [(128, default_seconds), (big_backlog, fixed_seconds)]
    },
    title=f"{COUNT} connections at once: the slowest request (one burst each)",
    ylabel="the burst's slowest request (s)",
    ideal=DELAY,
    ideal_label="latency bound",
)
show()

# %%
# With the bigger backlog the kernel had no reason to drop a packet, and what remains
# above 0.1 s is the CPU time of two hundred requests and answers in one Python
# process.  (The kernel's counter covers the whole machine: on a busy one, other
# programs' connections can add to it.)

from conc_examples.measure.netstat import needs_backlog, needs_overflow_count

granted, counted = needs_backlog(big_backlog), needs_overflow_count(default_dropped)
claim(
    "A backlog that fits the burst removed the stall",
    fixed_late < default_late and max(fixed_seconds) < max(default_seconds),
    measured=f"{fixed_late} late against {default_late}; slowest"
    f" {max(fixed_seconds):.2f} s against {max(default_seconds):.2f} s",
    expected="fewer late requests, and a sooner slowest one",
    needs=granted,
)
claim(
    "The default backlog's full queue made the kernel drop packets; the bigger one fewer",
    default_dropped is not None
    and fixed_dropped is not None
    and fixed_dropped < default_dropped,
    measured=f"dropped {default_dropped} (backlog 128), {fixed_dropped} (backlog"
    f" {big_backlog})",
    expected="some, then fewer",
    needs=(counted, granted),
)

# %%
# Take-away: a burst of connections meets the listen backlog first: 128 by default,
# capped by ``net.core.somaxconn``.  Every dropped SYN costs its request a full
# second; a backlog that fits the burst removes the stall.
