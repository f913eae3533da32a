"""
A crawler: how many workers?
============================

The crawler of the previous page spends almost all its time waiting for the server.
One worker waits for every slow page in turn; more workers overlap the waits.  You
will time the same crawl with 1 to 16 workers, beside the same crawl with no waits at
all: the work itself, which workers can only approach.
"""

# %%
# Timing the crawl
# ----------------
# A smaller site than the last page's: 100 pages, a fifth of them slow (30 ms).  One
# worker crawls one URL at a time and waits for every slow page in turn.  More
# workers overlap the waits.  They cannot overlap the work itself: parsing, and the
# server answering, all on this one thread.  To see that work alone, you crawl the
# very same site with its slow pages answering at once (a delay of 0).
#
# A crawl with waits does all of that work and waits on top, so it cannot finish
# sooner, except by chance: a burst of load on the machine slows whichever crawl runs
# at that moment.  So the crawls take turns, round by round
# (``measure_interleaved_async``), and each is read at its best round (the first round
# also pays for the first connections).

import asyncio

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.timing import Timing, measure_interleaved_async
from conc_examples.web.crawler import crawl
from conc_examples.web.webserver import generate_site, make_app, serve

WORKER_COUNTS = [1, 4, 16]
site = generate_site(100, slow_fraction=0.2, slow_delay=0.03)
no_waits = generate_site(100, slow_fraction=0.2, slow_delay=0.0)  # same map, no waits


async def crawl_times() -> dict[str, Timing]:
    asyncio.get_running_loop().set_debug(False)  # on under -X dev: it costs more
    async with serve(make_app(site)) as url, serve(make_app(no_waits)) as fast_url:
        start, fast_start = url + site.start_path, fast_url + no_waits.start_path
        crawls = {
            f"{w} worker{'s' if w > 1 else ''}": lambda w=w: crawl(start, workers=w)
            for w in WORKER_COUNTS
        }
        crawls["no waits, 16 workers"] = lambda: crawl(fast_start, workers=16)
        return await measure_interleaved_async(crawls, repeat=3, warmup=0)


timings = asyncio.run(crawl_times())
for label, timing in timings.items():
    print(f"{label:<20} best {timing.min:.3f} s ({timing})")
work = timings.pop("no waits, 16 workers")
speedup = timings["1 worker"].min / timings["16 workers"].min

title = f"Crawling {len(site.reachable().pages)} pages: time by number of workers"
bar_chart(timings, title=title, ideal=work.min, ideal_label="the work alone (no waits)")
show()

# %%
# The bars are each crawl's best of three rounds, with whiskers to the slowest; the
# dashed line is the best round of the crawl with no waits.

from conc_examples.claims import claim

claim(
    "Four and sixteen workers each crawled the site sooner than one",
    max(timings["4 workers"].min, timings["16 workers"].min) < timings["1 worker"].min,
    measured=", ".join(f"{label} {t.min:.3f} s" for label, t in timings.items()),
    expected="both under one worker's time, best rounds",
)
claim(
    "Sixteen workers crawled the site several times faster than one",
    speedup > 1.5,
    measured=f"{speedup:.1f}x (best rounds)",
    expected="over 1.5x",
)

# %%
# Once the waits overlap, what is left is the work, and a crawl that comes down to it
# differs from the no-wait crawl only by the noise of the rounds; on a busy machine,
# where the work takes longer, four workers may already get there.

fastest = min(t.min for t in timings.values())
claim(
    "No number of workers crawled sooner than the work alone",
    fastest >= 0.9 * work.min,
    measured=f"fastest crawl {fastest:.3f} s, the work alone {work.min:.3f} s (best)",
    expected="not under 90 % of the work alone (best rounds differ by noise)",
    why="a burst of load slowed the no-wait crawl's every round; run it again",
)

# %%
# Take-away: extra workers cut the crawl time down towards the work itself, and no
# further: past that, the crawl waits on this one thread's CPU, not on the server.
