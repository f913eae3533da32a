"""
Dask distributed: the futures API across machines, and a task that outlives its worker
======================================================================================

You run the same eight tasks twice: on a :class:`~concurrent.futures.ProcessPoolExecutor`
and on a Dask cluster, with almost the same code.  Then you kill a Dask worker in the
middle of a task, and the scheduler runs the task again on a worker that is still alive.

You need the helpers with their ``engines`` extra (the page's download note gives the
command).
"""

# %%
# The code you know
# -----------------
# Eight tasks of 50 ms each on two worker processes.  The function lives in an importable
# module, as a ``spawn`` child needs it to.
#
# .. literalinclude:: /../conc_examples/engines/dask_tasks.py
#    :pyobject: slow_square

import time
from concurrent.futures import ProcessPoolExecutor

from conc_examples.engines.dask_tasks import slow_square

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(slow_square, i) for i in range(8)]
        pool_results = [future.result(timeout=30) for future in futures]
    print(f"ProcessPoolExecutor: {pool_results}")

# %%
# The same on a Dask cluster
# --------------------------
# A cluster is a *scheduler* and *workers*, each a server on the network.
# ``LocalCluster`` starts them on this machine: two worker processes of one thread each,
# every server on 127.0.0.1 (the scheduler's web page too, on a free port, not the
# default 8787), logs only if critical.  A ``Client`` connects to the scheduler; its
# ``submit`` and ``result`` are the executor's, and ``gather`` waits for a list of
# futures at once.
#
# One difference: Dask assumes a function is *pure* (the same arguments give the same
# result) and names a call by its function and arguments, so an identical call is
# answered from memory instead of run.  ``slow_square`` waits and ``ledger_step`` writes
# a file: ``pure=False`` runs every call.

import logging

from dask.distributed import Client, LocalCluster

if __name__ == "__main__":
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL,
    )  # fmt: skip
    client = Client(cluster)
    startup_seconds = time.perf_counter() - started
    futures = [client.submit(slow_square, i, pure=False) for i in range(8)]
    dask_results = client.gather(futures, errors="raise")
    mapped = client.gather(client.map(slow_square, range(8), pure=False))
    print(f"cluster ready after {startup_seconds:.2f} s")
    print(f"Dask submit + gather:   {dask_results}\nDask map + gather:      {mapped}")

# %%
# The same shape of code: ``pool.submit`` became ``client.submit``.

from conc_examples.claims import claim

if __name__ == "__main__":
    claim(
        "The cluster's submit and map returned what the process pool returned",
        dask_results == mapped == pool_results,
        measured=f"pool {pool_results}, submit {dask_results}, map {mapped}",
    )

# %%
# The same code, on many machines
# -------------------------------
# To use machines you own, you run ``dask scheduler`` on one and ``dask worker
# tcp://SCHEDULER:8786`` on each of the others, and your program connects to the
# scheduler's address.  Here the address is the local cluster's; nothing else changes.
# What a worker needs is every package your tasks import, installed there (here
# ``conc_examples``; a function defined in your script itself travels with the task, by
# cloudpickle).  Arguments, results and functions travel pickled, and unpickling can run
# code, so keep the network between scheduler, workers and clients private.

if __name__ == "__main__":
    address = cluster.scheduler_address
    with Client(address) as remote:
        remote_results = remote.gather(remote.map(slow_square, range(8), pure=False))
        worker_addresses = sorted(remote.scheduler_info()["workers"])
    print(f"Client({address!r}): {remote_results}")
    print(f"workers: {worker_addresses}")
    claim(
        "A second client, given only the scheduler's address, got the same results",
        remote_results == pool_results,
        measured=f"{remote_results} from {len(worker_addresses)} workers",
    )

# %%
# A worker killed in the middle of a task
# ---------------------------------------
# ``ledger_step`` writes "started", works for one second, then writes "finished".  As
# soon as "started" appears you kill the worker process that wrote it (``SIGKILL``).
#
# .. literalinclude:: /../conc_examples/engines/dask_tasks.py
#    :pyobject: ledger_step
#
# The scheduler keeps track of every task until its result is safe: when a worker's
# connection drops, its running tasks go back to the queue and another worker gets them.

import os
import signal
import tempfile
from pathlib import Path

from conc_examples.engines.dask_tasks import ledger_step

if __name__ == "__main__":
    ledger_folder = tempfile.TemporaryDirectory()
    ledger = Path(ledger_folder.name, "ledger")
    future = client.submit(ledger_step, str(ledger), 1.0, pure=False)
    deadline = time.monotonic() + 10
    while not ledger.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    killed_pid = int(ledger.read_text().split()[2])
    os.kill(killed_pid, signal.SIGKILL)
    killed_at = time.perf_counter()
    finished_by = future.result(timeout=30)
    reschedule_seconds = time.perf_counter() - killed_at
    ledger_lines = ledger.read_text().splitlines()
    print(f"killed pid {killed_pid}; result from pid {finished_by}"
          f" {reschedule_seconds:.1f} s later; the ledger:")  # fmt: skip
    print("\n".join(f"  {line}" for line in ledger_lines))
    client.wait_for_workers(2, timeout=30)
    workers_after = len(client.scheduler_info()["workers"])
    print(f"workers in the cluster again: {workers_after}")
    claim(
        "The killed worker's task ran again on another worker and finished there, once",
        ledger_lines
        == [f"started pid {killed_pid}", f"started pid {finished_by}",
            f"finished pid {finished_by}"]
        and finished_by != killed_pid,
        measured=f"killed pid {killed_pid}, result from pid {finished_by}",
    )  # fmt: skip
    claim(
        "The nanny restarted the killed worker: the cluster had two workers again",
        workers_after == 2,
        measured=f"{workers_after} workers",
    )

# %%
# The task ran twice, and only the second run finished: like a Celery task, a Dask task
# whose worker dies is run again, so a task with side effects must be safe to repeat.
# And the cluster is whole again: each worker has a *nanny* process that restarted it.
# Each worker death while a task runs counts against it, over the task's whole life, not
# in a row; the fourth (``distributed.scheduler.allowed-failures`` is 3) marks it a
# poison pill, and its future raises ``KilledWorker`` instead of killing a fifth.
#
# Close the client, then the cluster: that stops the scheduler and the workers.

if __name__ == "__main__":
    started = time.perf_counter()
    client.close()
    cluster.close()
    ledger_folder.cleanup()
    print(f"client and cluster closed in {time.perf_counter() - started:.2f} s")

# %%
# Take-away: Dask's ``Client`` is an executor whose workers can be anywhere; the task
# above outlived its worker and finished on another (the seconds printed above), because
# the scheduler, not the worker, owns the task.  Results as they finish, a graph of
# tasks in one go, and what becomes of a future you drop: a later page,
# :ref:`sphx_glr_chapters_10_beyond_one_machine_05_dask_delayed_and_as_completed.py`.
