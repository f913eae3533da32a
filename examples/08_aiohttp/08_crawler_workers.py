"""
A crawler: how many workers?
============================

The crawler of the previous page spends almost all its time waiting for the server.
One worker waits for every slow page in turn; more workers overlap the waits.  You
will time the same crawl with 1 to 16 workers, beside the floor they cannot beat: the
CPU time the crawl itself needs.
"""

# %%
# Timing the crawl
# ----------------
# A smaller site than the last page's: 100 pages, a fifth of them slow (30 ms).  One
# worker crawls one URL at a time and waits for every slow page in turn.  More
# workers overlap the waits.  They cannot overlap the work itself: parsing, and the
# server answering, all on this one thread.  So each crawl is timed twice over: on the
# clock, and in the CPU seconds this process used (:func:`time.process_time`).  One
# thread cannot finish sooner than its own CPU time, however many waits it overlaps.
#
# The crawls take turns, round by round, three rounds, so that a burst of load hits
# them all alike; each is read at its best round (the first also pays for the first
# connections).

import asyncio

from conc_examples.charts.plotting import bar_chart, show
from conc_examples.measure.timing import Timing, wall_and_cpu_interleaved_async
from conc_examples.web.crawler import crawl
from conc_examples.web.webserver import generate_site, make_app, serve

WORKER_COUNTS = [1, 4, 16]
site = generate_site(100, slow_fraction=0.2, slow_delay=0.03)


async def crawl_times() -> tuple[dict[str, Timing], dict[str, Timing]]:
    asyncio.get_running_loop().set_debug(False)  # on under -X dev: it costs more
    async with serve(make_app(site)) as url:
        crawls = {
            f"{w} worker{'s' if w > 1 else ''}": lambda w=w: crawl(
                url + site.start_path, workers=w
            )
            for w in WORKER_COUNTS
        }
        return await wall_and_cpu_interleaved_async(crawls, repeat=3, warmup=0)


timings, cpu_times = asyncio.run(crawl_times())
for label, timing in timings.items():
    print(f"{label:<10} best {timing.min:.3f} s, {cpu_times[label].min:.3f} s of CPU")
work = min(cpu.min for cpu in cpu_times.values())
speedup = timings["1 worker"].min / timings["16 workers"].min

title = f"Crawling {len(site.reachable().pages)} pages: time by number of workers"
bar_chart(timings, title=title, ideal=work, ideal_label="the work: least CPU time")
show()

# %%
# The bars are each crawl's best of three rounds, with whiskers to the slowest; the
# dashed line is the least CPU time any crawl needed.

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
# The work is the same whatever the number of workers: more workers overlap the
# waits, so the time on the clock shrinks far more than the CPU time (a longer crawl
# also pays the loop's own wake-ups, and on a busy machine more cache misses).

cpu_shrink = cpu_times["1 worker"].min / cpu_times["16 workers"].min
claim(
    "Sixteen workers cut the time on the clock far more than the CPU time",
    cpu_shrink * 1.5 < speedup,
    measured=f"clock {speedup:.1f}x shorter, CPU time {cpu_shrink:.2f}x (best rounds)",
    expected="the clock's gain over 1.5 times the CPU time's",
)
fastest = min(t.min for t in timings.values())
claim(
    "No number of workers crawled sooner than the work alone",
    fastest >= work,
    measured=f"fastest crawl {fastest:.3f} s, the work {work:.3f} s of CPU",
    expected="never under the least CPU time",
)

# %%
# Take-away: extra workers cut the crawl time down towards the work itself, and no
# further: past that, the crawl waits on this one thread's CPU, not on the server.
