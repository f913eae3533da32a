"""
Three waits, one after another or all at once
=============================================

A meeting needs three people, and each takes a while to answer.  Ask them one after
another and the waits add up; ask them all at once and the waits overlap, so the
whole takes about as long as one wait.  You will see both on one timeline, then timed.
"""

# %%
# The same coroutine, two ways
# ----------------------------
# ``ask`` stands for a network call: it awaits :func:`asyncio.sleep`, so while it
# waits the :term:`event loop` is free to run something else.  ``recorder.span``
# notes when each ask ran, and in which :term:`task`.
#
# Awaited one after another, the three asks run inside the main task, each starting
# when the previous one has finished.  Wrapped in tasks and handed to
# :func:`asyncio.gather`, they wait side by side (you name the tasks yourself, with
# :func:`asyncio.create_task`, so that the timeline can label them).

import asyncio

from conc_examples.charts import plotting
from conc_examples.measure.timeline import Recorder

WAIT = 0.1
PEOPLE = ["alice", "bob", "carol"]


async def ask(person: str, recorder: Recorder) -> str:
    with recorder.span(f"ask {person}"):
        await asyncio.sleep(WAIT)
    return f"{person}: yes"


async def one_after_another(recorder: Recorder) -> list[str]:
    asyncio.current_task().set_name("main task (one after another)")
    return [await ask(person, recorder) for person in PEOPLE]


async def all_at_once(recorder: Recorder) -> list[str]:
    tasks = [asyncio.create_task(ask(p, recorder), name=f"task {p}") for p in PEOPLE]
    return await asyncio.gather(*tasks)


# %%
# Where the time goes
# -------------------
# Run each way once, the second right after the first, and draw what the recorder saw.
# One task waiting three times draws three bars end to end; three tasks waiting once
# each draw three bars on top of each other.

recorder = Recorder()


async def both_ways() -> dict[str, list[str]]:
    return {
        "one after another": await one_after_another(recorder),
        "all at once": await all_at_once(recorder),
    }


answers = asyncio.run(both_ways())
for way, said in answers.items():
    print(f"{way:<17} answers: {said}")
spans = recorder.spans
for span in spans:
    print(f"{span.worker:<31} {span.task:<10} {span.duration:.3f} s")
plotting.timeline_chart(spans, title="One task waiting three times, then three")

# %%
# Each ask of the three tasks began before any of them ended:

from conc_examples.claims import claim

tasks = [span for span in spans if span.worker.startswith("task")]
last_start, first_end = max(s.start for s in tasks), min(s.end for s in tasks)
claim(
    "The three tasks waited at the same time",
    last_start < first_end,
    measured=f"the last began {(first_end - last_start) * 1000:.0f} ms before one ended",
    expected="every ask begun before the first one ended",
)

# %%
# Both ways give the same answers in the same order: :func:`asyncio.gather` returns
# results in the order of its arguments, whichever task finishes first.
#
# Measured
# --------
# The two ways take turns, three rounds (``measure_interleaved_async``, so that a
# burst of load hits both alike).  The chart shows each way's best round, with
# whiskers to its slowest.  The ideal is one wait: three waits that overlap cannot
# finish before the longest.

from conc_examples.measure.timing import measure_interleaved_async

ways = {
    "one after another": lambda: one_after_another(Recorder()),
    "all at once (gather)": lambda: all_at_once(Recorder()),
}
timings = asyncio.run(measure_interleaved_async(ways, repeat=3, warmup=0))
sequential, together = timings.values()
for way, timing in timings.items():
    print(f"{way:<21} best {timing.min / WAIT:.2f}x one wait ({timing})")
plotting.bar_chart(
    timings, title=f"Three waits of {WAIT} s", ideal=WAIT, ideal_label="a wait"
)
plotting.show()

# %%
# Load on the machine can only add to a time, so the first claim holds anywhere; the
# others compare best rounds.

claim(
    "One after another, the three waits added up",
    sequential.min >= 2.9 * WAIT,
    measured=f"{sequential.min / WAIT:.2f} waits (best round)",
    expected="three waits (2.9 or more)",
)
claim(
    "Gathered, the three waits took about one wait",
    together.min < 1.5 * WAIT,
    measured=f"{together.min / WAIT:.2f} waits (best round)",
    expected="under 1.5 waits",
)
claim(
    "All at once finished in under half the time of one after another",
    sequential.min / together.min > 2,
    measured=f"{sequential.min / together.min:.2f}x faster (best rounds)",
    expected="over 2x",
)

# %%
# Take-away: concurrency made no single wait shorter; it let the three waits overlap,
# so together they took about as long as one.
