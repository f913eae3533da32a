"""
What a task costs: a process pool, Celery and Dask, side by side
================================================================

You send the same tasks through three engines, each with two worker processes: a
:class:`~concurrent.futures.ProcessPoolExecutor`, Celery on Redis, and Dask.  For tiny
tasks the pool wins by far; as tasks grow, the engines' cost per task stops mattering.

You need the helpers with their ``engines`` extra (the page's download note gives the
command); it brings a Redis-compatible server (Valkey) on Linux and macOS.
"""

# %%
# Three engines, two workers each
# -------------------------------
# The pool's workers are processes of this program; Celery's are a separate program
# that talks through a broker (Redis or Valkey); Dask's are servers that a scheduler
# talks to.  Start-up is
# timed too.  The pool uses the ``forkserver`` start method where ``fork`` is the
# default: Dask runs threads in this process, and a process with threads must not fork.

import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from dask.distributed import Client, LocalCluster

from conc_examples.engines.celery_tasks import make_app
from conc_examples.engines.celery_workers import start_workers
from conc_examples.engines.redis_server import start_redis

if __name__ == "__main__":
    started = time.perf_counter()
    redis = start_redis()
    app = make_app(redis.url)
    workers = start_workers(app, ["costs@localhost"], concurrency=2)
    startup = {"Celery + Redis": time.perf_counter() - started}
    fork = multiprocessing.get_start_method() == "fork"
    started = time.perf_counter()
    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context(
        "forkserver" if fork else None))  # fmt: skip
    pool.submit(abs, 0).result(timeout=60)  # the workers start on the first task
    startup["process pool"] = time.perf_counter() - started
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1",
        dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL,
    )  # fmt: skip
    client = Client(cluster)
    startup["Dask"] = time.perf_counter() - started
    print("start-up (s): " + ", ".join(f"{k} {v:.2f}" for k, v in startup.items()))
    print(f"broker: {redis}")

# %%
# One task, in each engine's own words
# ------------------------------------
# Every engine runs the same kind of task: wait ``seconds``, then return.  With
# ``seconds=0`` it is a tiny task, and what you time is the engine alone.  Each function
# runs ``n`` tasks and waits for all the results.  Two details matter: a Celery group's
# ``get`` looks for results every 0.5 s unless you pass ``interval``, and Dask gives a
# call with the same arguments the same key and answers it from memory unless you pass
# ``pure=False``.

from celery import group

from conc_examples.engines import celery_tasks
from conc_examples.engines.dask_tasks import nap


def on_pool(seconds: float, n: int) -> list:
    return list(pool.map(nap, [seconds] * n, timeout=60))


def on_celery(seconds: float, n: int) -> list:
    job = group(celery_tasks.nap.s(seconds) for _ in range(n))
    return job.apply_async().get(timeout=60, interval=0.005)


def on_dask(seconds: float, n: int) -> list:
    return client.gather(client.map(nap, [seconds] * n, pure=False))


engines = {"process pool": on_pool, "Celery + Redis": on_celery, "Dask": on_dask}


def jobs(seconds: float, n: int) -> dict:
    """One job per engine: ``n`` tasks of ``seconds``, to time side by side."""
    return {name: lambda run=run: run(seconds, n) for name, run in engines.items()}


# %%
# The round trip of one tiny task, and the throughput of 50
# ----------------------------------------------------------
# The engines take turns, round by round (see
# :doc:`../09_benchmarking/05_how_this_site_measures`); each figure is the median.

from conc_examples.measure.timing import measure_interleaved

if __name__ == "__main__":
    one = measure_interleaved(jobs(0, 1), repeat=9)
    many = measure_interleaved(jobs(0, 50), warmup=0)
    latency_ms = {name: timing.median * 1000 for name, timing in one.items()}
    tasks_per_second = {name: 50 / timing.median for name, timing in many.items()}
    for name in engines:
        print(f"{name:>15}: one task {latency_ms[name]:6.2f} ms round trip,"
              f" {tasks_per_second[name]:7.0f} tiny tasks/s")  # fmt: skip

# %%
# Both figures come from the same interleaved rounds, so a burst of load hits every
# engine alike, and the claims compare engines with each other, never with a constant.

from conc_examples.claims import claim

if __name__ == "__main__":
    pool_ms, pool_rate = latency_ms["process pool"], tasks_per_second["process pool"]
    for name in ("Celery + Redis", "Dask"):
        claim(
            f"A tiny task's round trip through {name} took over twice the pool's",
            latency_ms[name] > 2 * pool_ms,
            measured=f"{latency_ms[name]:.2f} ms against the pool's {pool_ms:.2f} ms",
            expected="over 2 times",
        )
        claim(
            f"The pool ran tiny tasks over twice as fast as {name}",
            pool_rate > 2 * tasks_per_second[name],
            measured=f"{pool_rate:.0f} against {tasks_per_second[name]:.0f} tasks/s",
            expected="over 2 times",
        )

# %%
# The pool hands a task to a worker over a pipe.  Celery writes it to Redis, a worker
# reads it, runs it, and writes the result back to Redis for you to read.  Dask's
# scheduler decides where each task runs, and tells you when it is done.  Every hop costs.
#
# Larger tasks: where the cost stops mattering
# --------------------------------------------
# Jobs of 8 tasks of 2, 15 and 80 ms on two workers: the ideal is the work alone,
# 8 x duration / 2.  The chart shows each job's time over that ideal (1 is perfect).

from conc_examples.charts.plotting import overhead_chart

if __name__ == "__main__":
    durations = [0.002, 0.015, 0.08]
    ideals = [8 * d / 2 for d in durations]
    sized = {name: [] for name in engines}
    for d in durations:
        for name, timing in measure_interleaved(jobs(d, 8), repeat=2, warmup=0).items():
            sized[name].append(timing)
    over_ideal = {
        k: [t.median / i for t, i in zip(v, ideals, strict=True)] for k, v in sized.items()
    }
    for name, ratios in over_ideal.items():
        print(f"{name:>15}: " + ", ".join(f"{r:5.2f}x" for r in ratios) + " the ideal")
    overhead_chart(durations, sized, ideals=ideals, title="Cost per task, side by side")

# %%
# The waits are sleeps, so load on the machine hardly moves the ideal; what it moves
# (the engines' messaging) it moves at every size alike.

if __name__ == "__main__":
    pool_small, pool_large = over_ideal["process pool"][0], over_ideal["process pool"][-1]
    for name in ("Celery + Redis", "Dask"):
        small, large = over_ideal[name][0], over_ideal[name][-1]
        claim(
            f"As tasks grew, {name}'s cost per task stopped mattering",
            small > 1.5 * pool_small
            and large < small / 2
            and large / pool_large < small / pool_small,
            measured=f"{small:.2f}x the ideal at the smallest tasks, {large:.2f}x at the"
            f" largest (the pool: {pool_small:.2f}x, {pool_large:.2f}x)",
            expected="over 1.5 times the pool's at the smallest; then at most half as"
            " far from the ideal, and closer to the pool",
        )
    claim(
        "The pool came close to the ideal with the largest tasks",
        pool_large < 1.6,
        measured=f"{pool_large:.2f}x the ideal",
        expected="under 1.6x",
    )

# %%
# Close everything: the pool, the Dask client and cluster, the Celery worker, Redis.

if __name__ == "__main__":
    pool.shutdown()
    client.close()
    cluster.close()
    workers.close()
    app.close()
    redis.close()

# %%
# Take-away: a pool is the cheapest way to run tiny tasks on one machine (the round
# trips above); Celery and Dask cost milliseconds per task,
# which larger tasks hide (the claims above), and in return they reach other machines
# and survive a dead worker.
