"""
Three waits, one after another or all at once
=============================================

A meeting needs three people, and each takes a while to answer: one wait each.  Asked
one after another, the waits add up.  Asked all at once, the waits overlap, and the
whole takes about as long as the longest single wait.  That overlap, on one thread,
is what :mod:`asyncio` is for: work that spends its time waiting (:term:`I/O-bound`).
"""

# %%
# The same coroutine, two ways
# ----------------------------
# ``ask`` stands for a network call: it awaits :func:`asyncio.sleep`, so while it
# waits the :term:`event loop` is free to run something else.  ``Recorder.span``
# notes when each ask ran, and in which :term:`task`.
#
# Awaited one after another, the three asks run inside the main task, each starting
# when the previous one has finished.  :func:`asyncio.gather` needs them as tasks,
# which it can run side by side; we make them ourselves with
# :func:`asyncio.create_task` only to give them names for the timeline below.

import asyncio
from dataclasses import replace

from conc_examples import plotting
from conc_examples.results import record
from conc_examples.timeline import Recorder, Span
from conc_examples.timing import measure

WAIT = 0.3
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
# Measured
# --------
# Each way runs three times, each time in a fresh :func:`asyncio.run`; we keep the
# answers and the recorded spans of the last run.  The ideal is one wait: three
# waits that overlap cannot finish before the longest of them.

last_run: dict[str, tuple[list[str], Recorder]] = {}


def run_once(way) -> None:
    recorder = Recorder()
    last_run[way.__name__] = asyncio.run(way(recorder)), recorder


sequential = measure(lambda: run_once(one_after_another), repeat=3, warmup=0)
together = measure(lambda: run_once(all_at_once), repeat=3, warmup=0)
for way, (answers, _) in last_run.items():
    print(f"{way:<17} answers: {answers}")
print(f"one after another: {sequential}")
print(f"all at once:       {together}")
print(f"all at once is {together.speedup_over(sequential):.2f}x faster,")
print(f"and takes {together.median / WAIT:.2f}x the single wait of {WAIT} s")
record("sequential_over_wait", sequential.median / WAIT)
record("together_over_wait", together.median / WAIT)
record("speedup", together.speedup_over(sequential))

plotting.bar_chart(
    {"one after another": sequential, "all at once (gather)": together},
    title=f"Three waits of {WAIT} s",
    ideal=WAIT,
    ideal_label="one wait",
)

# %%
# Both ways give the same answers in the same order: :func:`asyncio.gather` returns
# results in the order of its arguments, whichever task finishes first.
#
# Where the time goes
# -------------------
# The timeline of the last run of each way, each drawn from its own start.  One task
# waiting three times draws three bars end to end; three tasks waiting once each draw
# three bars on top of each other.


def from_zero(spans: list[Span]) -> list[Span]:
    origin = min(span.start for span in spans)
    return [
        replace(span, start=span.start - origin, end=span.end - origin) for span in spans
    ]


spans = [span for _, recorder in last_run.values() for span in from_zero(recorder.spans)]
for span in spans:
    print(f"{span.worker:<31} {span.task:<10} {span.duration:.3f} s")
record("timeline_workers", sorted({span.worker for span in spans}))
plotting.timeline_chart(spans, title="One task waiting three times vs three tasks")
plotting.show()

# %%
# Take-away: three waits of 0.3 s take about three waits one after another and about
# one wait gathered together (the ratios are printed above).  Concurrency made no
# single wait shorter; it let the waits overlap.
