"""
Signals between threads: Event and Barrier
==========================================

Sometimes a thread waits not for data but for a moment: "start now", "stop now",
"everybody has finished phase one".  On this page an :class:`threading.Event` starts
three workers together and stops them at once, mid-nap, and a
:class:`threading.Barrier` lines up the phases of three workers of different speeds.
"""

# %%
# Event: a start signal and a stop signal
# ---------------------------------------
# An :class:`~threading.Event` is a flag that threads can wait for.  As a *start*
# signal, it lets workers get ready and then begin together.  As a *stop* signal, it
# replaces ``time.sleep`` in a worker's loop: ``stop.wait(interval)`` sleeps for the
# interval, but returns at once (``True``) when the flag is set, so the worker stops
# promptly instead of at the end of its nap.  These workers poll once a second, and
# are told to stop 0.3 s in.

import threading
import time

from conc_examples.claims import claim

INTERVAL = 1.0
go, stop = threading.Event(), threading.Event()
started_at: list[float] = []
polls: dict[str, int] = {}  # each poller writes only its own key: no race


def poller() -> None:
    me = threading.current_thread().name
    go.wait(timeout=5)
    started_at.append(time.perf_counter())
    polls[me] = 0
    while True:
        polls[me] += 1  # the work of one poll
        if stop.wait(timeout=INTERVAL):  # a nap that ends early when told to stop
            return


pollers = [threading.Thread(target=poller, name=f"poller-{i}") for i in range(3)]
for thread in pollers:
    thread.start()
time.sleep(0.05)  # the pollers are all waiting for the start signal now
go.set()
time.sleep(0.3)
stop.set()
asked_to_stop = time.perf_counter()
for thread in pollers:
    thread.join(timeout=5)
stopped_within = time.perf_counter() - asked_to_stop
start_spread = max(started_at) - min(started_at)
print(f"the three pollers started within {start_spread * 1000:.2f} ms of each other")
print(f"polls in 0.3 s: {dict(sorted(polls.items()))}")
print(f"all three stopped {stopped_within * 1000:.1f} ms after the stop signal")

# %%
# With ``time.sleep(INTERVAL)`` in place of ``stop.wait(INTERVAL)``, each worker would
# have finished its one-second nap first, and stopped 0.7 s after the signal.

claim(
    "All three pollers ran, and stopped when told, not at the end of their nap",
    len(polls) == 3 and min(polls.values()) >= 1 and stopped_within < 0.35,
    measured=f"{len(polls)} pollers polled; stopped {stopped_within * 1000:.1f} ms after",
    expected="3 pollers, stopped well within the 0.7 s a sleep would have taken",
)
#
# Barrier: phases
# ---------------
# Some work runs in phases where nobody may start phase 2 before everyone has finished
# phase 1 (each phase reads what the previous one wrote).  A
# :class:`~threading.Barrier` for three threads releases them only when all three have
# called :meth:`~threading.Barrier.wait`.  The workers take different times, and the
# timeline shows the fast ones waiting at the end of each phase.

from conc_examples.charts.plotting import show, timeline_chart
from conc_examples.measure.timeline import Recorder

PHASES = 3
barrier = threading.Barrier(3)
timeline = Recorder()


def phased_worker(speed: float) -> None:
    for phase in range(1, PHASES + 1):
        with timeline.span(f"phase {phase}"):
            time.sleep(0.02 * speed * phase)
        barrier.wait(timeout=5)


workers = [
    threading.Thread(target=phased_worker, args=(speed,), name=f"worker-{speed}")
    for speed in (1, 2, 3)
]
for thread in workers:
    thread.start()
for thread in workers:
    thread.join(timeout=10)

spans = timeline.spans
in_order = all(
    min(s.start for s in spans if s.task == f"phase {p + 1}")
    >= max(s.end for s in spans if s.task == f"phase {p}")
    for p in range(1, PHASES)
)
claim(
    "Every phase started after all workers had finished the one before",
    in_order,
    measured=f"{PHASES} phases of {len(workers)} workers, in order: {in_order}",
    expected="in order",
)
timeline_chart(spans, title="Barrier: nobody starts a phase before all finished the last")
show()

# %%
# The bars of each phase start together, after the slowest worker's bar of the phase
# before; the gaps are the fast workers waiting at the barrier.
#
# Take-away: signal with an :class:`~threading.Event`, which wakes a waiting thread at
# once, line up phases with a :class:`~threading.Barrier`, and give every wait a
# timeout.
