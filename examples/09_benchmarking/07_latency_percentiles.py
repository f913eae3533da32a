"""
Latency, not just throughput: percentiles and coordinated omission
==================================================================

You load a local server that stalls once for 0.2 s, at the same rate in two ways:
clients that wait for each answer before they send the next (a closed loop), and
requests sent on a fixed schedule (an open loop).  The closed loop's p99 looks fine;
the open loop's shows the queue the stall built.  Then you swap asyncio's event loop
for uvloop and measure what a request costs in CPU time.

.. requires: fastloop
"""

# %%
# Percentiles, not the mean
# -------------------------
# Requests per second do not say how long anyone waited, and a mean hides the one
# answer that took a second among a thousand fast ones.  So you report percentiles: p50
# (half the answers came at least this fast), p99 (all but one in a hundred) and the
# max, each the *nearest-rank* percentile, a latency some request really saw:
#
# .. literalinclude:: /../conc_examples/measure/latency.py
#    :pyobject: percentile
#
# A server that stalls
# --------------------
# Every request needs the same lock (think of a cache being rebuilt, a table being
# migrated), and every 200th request holds it for 0.2 s.  The event loop never blocks;
# the other requests simply queue behind the lock.

import asyncio
import itertools

from aiohttp import web

STALL, EVERY = 0.2, 200


def stalling_app() -> web.Application:
    lock = asyncio.Lock()
    served = itertools.count(1)

    async def answer(request: web.Request) -> web.Response:
        async with lock:
            if next(served) % EVERY == 0:
                await asyncio.sleep(STALL)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", answer)
    return app


# %%
# Two ways to send the same load
# ------------------------------
# Both generators send 250 requests a second for 1.2 s.  The closed loop is what most
# benchmark tools do: a few clients, each sending its next request when the previous
# answer arrives (at its turn, or at once if it is late), timed from the moment it was
# sent:
#
# .. literalinclude:: /../conc_examples/measure/latency.py
#    :pyobject: closed_loop
#    :start-at: async def client
#    :end-before: answered =
#    :dedent: 8
#
# Your users are not those clients: they do not wait for each other.  The open loop
# sends each request when it is due, and times it from that moment:
#
# .. literalinclude:: /../conc_examples/measure/latency.py
#    :pyobject: open_loop
#    :start-at: async def request
#    :end-before: seconds =
#    :dedent: 8

from conc_examples.measure.latency import Latencies, closed_loop, open_loop
from conc_examples.web.webserver import serve

RATE, SECONDS, CLIENTS = 250, 1.2, 2


async def main() -> tuple[Latencies, Latencies]:
    asyncio.get_running_loop().set_debug(False)  # on under -X dev: it costs more
    async with serve(stalling_app()) as url:
        closed = await closed_loop(f"{url}/", clients=CLIENTS, rate=RATE, duration=SECONDS)
    async with serve(stalling_app()) as url:  # a fresh server: the same stall
        opened = await open_loop(f"{url}/", rate=RATE, duration=SECONDS)
    return closed, opened


closed, opened = asyncio.run(main())
closed_slow, open_slow = closed.slower_than(STALL / 2), opened.slower_than(STALL / 2)
print(f"{closed}\n    {closed_slow} requests waited over {STALL / 2} s")
print(f"{opened}\n    {open_slow} requests waited over {STALL / 2} s")

# %%
# The bars are the nearest-rank percentiles of every request of each load, on a log
# axis; the dashed line is the stall.

from conc_examples.charts.latency_charts import percentiles_chart
from conc_examples.charts.plotting import show

percentiles_chart([closed, opened], stall=STALL, title="One 0.2 s stall, two loads")
show()

# %%
# Both loads met the same stall; the max of each shows it.  But while the closed loop's
# two clients waited, nobody sent anything: the requests due meanwhile went out after
# the stall, timed from then, so their wait was never measured.  That is *coordinated
# omission*: the load generator coordinates with the server it measures.  The open
# loop kept sending, and every request due during the stall queued behind it.

from conc_examples.claims import LOAD, MACHINE, Need, claim

kept_up = Need(
    f"a machine that kept up: over {0.8 * RATE:.0f} requests a second, p50 under 5 ms",
    min(closed.rate, opened.rate) >= 0.8 * RATE and max(closed.p50, opened.p50) < 0.005,
    f"{closed.rate:.0f}/s and {opened.rate:.0f}/s, p50 {closed.p50 * 1e3:.1f} and"
    f" {opened.p50 * 1e3:.1f} ms",
    LOAD,
)
claim(
    f"Both loads saw the stall: each one's slowest request waited at least {STALL} s",
    min(closed.max, opened.max) >= STALL,
    measured=f"max {closed.max * 1e3:.0f} ms closed, {opened.max * 1e3:.0f} ms open",
)
claim(
    "At the same rate, the open loop's p99 showed the stall, the closed loop's did not",
    closed.p99 < STALL / 2 < opened.p99,
    measured=f"p99 {opened.p99 * 1e3:.1f} ms open, {closed.p99 * 1e3:.1f} ms closed",
    expected=f"open over half the stall ({STALL / 2} s), closed under it",
    needs=kept_up,
)
claim(
    f"The closed loop's slow answers were one per client ({CLIENTS}), the open loop's"
    " all those due during the stall",
    closed_slow <= CLIENTS < 4 * CLIENTS < open_slow,
    measured=f"{closed_slow} closed, {open_slow} open, over {STALL / 2} s",
    expected=f"at most {CLIENTS} closed; over {4 * CLIENTS} open",
    needs=kept_up,
)

# %%
# Another event loop: uvloop
# --------------------------
# The loop that runs your coroutines is replaceable: uvloop (no Windows wheels) is one
# in C, on libuv.  ``asyncio.run(main(), loop_factory=uvloop.new_event_loop)`` takes it
# on Python 3.12+, and :class:`asyncio.Runner` takes the same ``loop_factory`` on 3.11.
# Which costs less per request?  Wall time under load says little, so you count the CPU
# time of the thread that runs server and client, in interleaved rounds:
#
# .. literalinclude:: /../conc_examples/measure/loop_costs.py
#    :pyobject: rounds_by_loop
#
# libuv keeps a pool of OS threads alive in any process that used it, and a process
# with threads must not fork, so the rounds run in a fresh Python process of their own.

import statistics

from conc_examples.measure.loop_costs import loop_costs

try:
    import uvloop
except ImportError:  # not installed, or Windows
    uvloop = None

cpu_seconds = loop_costs(["asyncio", "uvloop"] if uvloop else ["asyncio"], rounds=7)
typical = {name: statistics.median(runs) for name, runs in cpu_seconds.items()}
for name in cpu_seconds:
    print(f"{name}: {typical[name] * 1e6:.0f} us of CPU per request (median of 7 rounds)")

# %%
# The loop is only part of a request's cost: aiohttp parses and builds every request
# and answer in its own code, on either loop.  How much the swap saves depends on your
# Python (newer ones run more of asyncio in C) and your code: measure it, as here.  CPU
# time is what load cannot inflate much, and the median of interleaved rounds is what a
# burst in one round cannot move.

ratio = typical["uvloop"] / typical["asyncio"] if uvloop else float("nan")
claim(
    "With uvloop, a request cost less CPU time than with asyncio's own loop",
    ratio < 1.0,
    measured=f"uvloop {ratio:.2f} x asyncio's loop, median round against median round",
    expected="under 1.00 x",
    needs=Need("uvloop (the fastloop extra)", bool(uvloop), "not installed", MACHINE),
)

# %%
# Take-away: load a server on a schedule, time each request from when it was due, and
# read p99 and the max; above, one stall showed in the open loop's p99 and not in the
# closed loop's (the p99s printed), and uvloop changed a request's CPU time by the ratio.
