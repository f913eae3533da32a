"""
Dask: results as they finish, a graph in one go, and the future you drop
========================================================================

A Dask future is your handle on a task that the scheduler runs.  You take results in the
order the tasks finish, hand the scheduler a whole graph of tasks at once, and see a task
whose future you dropped never run, unless you fire and forget it.
"""

# %%
# One small cluster, inside this process
# --------------------------------------
# The first Dask page ran its workers in processes of their own.  Here one worker with
# three threads runs inside this process (``processes=False``): the client, scheduler
# and worker talk through in-process queues (``inproc://``), with no socket at all, and
# the cluster is ready in a fraction of a second.  Everything below works the same on
# a cluster of many machines.

import logging
import time

from dask.distributed import Client, LocalCluster

started = time.perf_counter()
cluster = LocalCluster(
    n_workers=1, threads_per_worker=3, processes=False,
    dashboard_address=None, silence_logs=logging.CRITICAL,
)  # fmt: skip
client = Client(cluster)
threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
protocol = cluster.scheduler_address.split("://")[0]
print(f"{protocol}:// cluster with {threads} worker threads,"
      f" ready after {time.perf_counter() - started:.2f} s")  # fmt: skip

# %%
# Results in the order they finish
# --------------------------------
# You submit three naps, the longest first.  Asking for ``naps[0].result()`` first
# would keep you waiting for the longest one while the others are long done.
# ``as_completed`` hands you each future as its task finishes, so its ``result()`` is
# ready, and raises ``TimeoutError`` if they are not all done in ``timeout`` seconds.
#
# .. literalinclude:: /../conc_examples/engines/dask_tasks.py
#    :pyobject: nap

from dask.distributed import as_completed

from conc_examples.claims import claim
from conc_examples.engines.dask_tasks import nap

lengths = [0.3, 0.05, 0.15]
started = time.perf_counter()
naps = [client.submit(nap, seconds, pure=False) for seconds in lengths]
finished = []
for future in as_completed(naps, timeout=10):
    seconds = future.result()
    finished.append(seconds)
    print(f"after {time.perf_counter() - started:.2f} s: the {seconds} s nap")
print(f"submitted {lengths}, as_completed gave {finished}")
claim(
    "as_completed gave the naps in the order they finished, shortest first,"
    " not in the order you submitted them",
    finished == sorted(lengths) and finished != lengths,
    measured=f"submitted {lengths}, as_completed gave {finished}",
    why="a nap started 0.15 s after the 0.3 s one: the machine was very busy",
)

# %%
# You could add more futures while you loop (``add`` on the ``as_completed`` object):
# a crawler that submits a task for each link a page yields works that way.
#
# A graph, computed in one go
# ---------------------------
# ``dask.delayed`` wraps a function so that calling it *records* the call instead of
# making it: the result is a ``Delayed``, a node in a graph, and a ``Delayed`` passed
# to another call becomes an edge.  Printing the total does not print a number:

from dask import delayed
from dask.utils import key_split

from conc_examples.engines.dask_tasks import slow_square

squares = [delayed(slow_square)(i) for i in range(4)]
total = delayed(sum)(squares)
graph = dict(total.__dask_graph__())
print(total)
print(f"its graph: {len(graph)} tasks, {sorted(key_split(key) for key in graph)}")

# %%
# Nothing has run yet.  ``compute()`` hands the whole graph to the scheduler in one
# message and waits for the last task's result; the squares run on the worker's three
# threads, and only the total comes back to you.  ``get_task_stream``, Dask's
# own record of every task a worker ran, counts them.

from dask.distributed import get_task_stream

with get_task_stream(client) as stream:
    total_value = total.compute()
ran = sorted(key_split(task["key"]) for task in stream.data)
print(f"total.compute() = {total_value}; the workers ran {len(ran)} tasks: {ran}")
claim(
    f"compute() ran the graph's {len(graph)} tasks, each once, and returned"
    " the sum of the squares",
    ran == sorted(key_split(key) for key in graph)
    and total_value == sum(i * i for i in range(4)),
    measured=f"graph {len(graph)} tasks, ran {len(ran)}: {ran}; total {total_value}",
    why="the task stream missed a task, or a task ran twice (a worker was lost)",
)

# %%
# A future passed to ``submit`` is an edge too: that task waits for the result.
# ``client.compute(total)`` would give you a future for the whole graph instead, one
# you could put in ``as_completed`` with the others.
#
# The future you drop
# -------------------
# The scheduler keeps a task only while some client wants its result: each future you
# hold is such a want.  When your last reference to a future goes (a ``del``, or a
# function that submitted it returns), the client tells the scheduler, which forgets
# the task; if it has not started, it never runs.  (One already running in a worker
# thread cannot be stopped: it finishes, and its result is thrown away.)
#
# Three tasks each write a line to a ledger once the same 0.2 s nap is done: one you
# keep, one you drop, and one you drop after ``fire_and_forget``, which asks the
# scheduler to run it even though no client will want its result.
#
# .. literalinclude:: /../conc_examples/engines/dask_tasks.py
#    :pyobject: note_line

import tempfile
from pathlib import Path

from dask.distributed import fire_and_forget

from conc_examples.engines.dask_tasks import note_line

ledger_folder = tempfile.TemporaryDirectory()
ledger = str(Path(ledger_folder.name, "ledger"))
shared_nap = client.submit(nap, 0.2, pure=False)
kept = client.submit(note_line, ledger, "kept", shared_nap, pure=False)
dropped = client.submit(note_line, ledger, "dropped", shared_nap, pure=False)
del dropped  # the failure: your last reference to it goes
forgotten = client.submit(note_line, ledger, "fired and forgotten", shared_nap, pure=False)
fire_and_forget(forgotten)  # the fix: the scheduler wants it now
del forgotten
kept.result(timeout=10)
deadline = time.monotonic() + 10
while "fired and forgotten" not in Path(ledger).read_text() and time.monotonic() < deadline:
    time.sleep(0.01)
lines = Path(ledger).read_text().splitlines()
print(f"the ledger, once the kept and the forgotten task were done: {lines}")

# %%
# Close the client, then the cluster: its worker threads finish what they run, then
# stop.  Nothing can write to the ledger after that: read it once more.

client.close()
cluster.close()
final_lines = Path(ledger).read_text().splitlines()
ledger_folder.cleanup()
print(f"the ledger, with the cluster closed: {final_lines}")
claim(
    "The task whose future you dropped never ran; the one you kept and the one"
    " you fired and forgot both did, once",
    sorted(final_lines) == ["fired and forgotten", "kept"],
    measured=f"ledger {final_lines}",
    why="this Dask version runs what no future wants, or lost a wanted task",
)

# %%
# Take-away: a Dask future is a want, not only a handle: ``as_completed`` gave the naps
# back shortest first (the order printed above), one ``compute()`` ran all 5 tasks of
# the ``delayed`` graph, and of the three ledger writers, the one whose future you
# dropped never ran, while ``fire_and_forget`` kept its twin alive.
