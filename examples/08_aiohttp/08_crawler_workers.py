"""
A crawler: how many workers?
============================

The crawler of the previous page spends almost all its time waiting for the server.
One worker waits for every slow page in turn; more workers overlap the waits.  You
will time the same crawl with 1 to 16 workers, beside the floor that no number of
workers can beat.
"""

# %%
# Timing the crawl
# ----------------
# A smaller site than the last page's: 100 pages, a fifth of them slow (30 ms).  One
# worker crawls one URL at a time and waits for every slow page in turn.  More
# workers overlap the waits.  They cannot overlap the work itself: parsing, and the
# server answering on the same CPU.  That floor is measured by crawling the same site
# with no slow pages at all; no number of workers can beat it.  Each crawl runs three
# times; the chart shows the median with min-max whiskers.

import asyncio

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.timing import Timing
from conc_examples.web.crawler import crawl
from conc_examples.web.webserver import generate_site, make_app, serve

WORKER_COUNTS = [1, 4, 16]
REPEAT = 3


async def crawl_times(workers_list: list[int], crawl_site_map) -> dict[int, Timing]:
    asyncio.get_running_loop().set_debug(False)  # on under -X dev: it costs more
    async with serve(make_app(crawl_site_map)) as url:
        start = url + crawl_site_map.start_path
        runs = {
            workers: [(await crawl(start, workers=workers)).seconds for _ in range(REPEAT)]
            for workers in workers_list
        }
    return {workers: Timing.of(times) for workers, times in runs.items()}


site = generate_site(100, slow_fraction=0.2, slow_delay=0.03)
timings = asyncio.run(crawl_times(WORKER_COUNTS, site))
no_waits = generate_site(100, slow_fraction=0.0)
floor = asyncio.run(crawl_times([max(WORKER_COUNTS)], no_waits))
floor_time = floor[max(WORKER_COUNTS)].median

for workers, timing in timings.items():
    print(f"{workers:>3} worker{'s' if workers > 1 else ' '}: {timing}")
print(f"floor (no slow pages, {max(WORKER_COUNTS)} workers): {floor_time:.3f} s")
speedup = timings[max(WORKER_COUNTS)].speedup_over(timings[1])
print(f"{max(WORKER_COUNTS)} workers are {speedup:.1f}x faster than 1")

bars = {f"{w} worker{'s' if w > 1 else ''}": t for w, t in timings.items()}
title = f"Crawling {len(site.reachable().pages)} pages: time by number of workers"
bar_chart(bars, title=title, ideal=floor_time, ideal_label="floor: no slow pages")
show()

# %%
# Take-away: extra workers cut the crawl time (16 workers against 1: the speed-up
# printed above) down towards the floor of the work itself, and no further.
