"""
Ray: remote tasks, and the ``ray.get`` that belongs outside the loop
====================================================================

You start a Ray cluster on this machine, turn a function into a task with
``@ray.remote``, and run 200 of them twice: waiting for each result before you send the
next, then sending them all and waiting once, and you see which keeps the workers busy.

You need the helpers with their ``engines`` extra (the page's download note gives the
command); it brings Ray where Ray has wheels (CPython 3.10 to 3.14 on Linux x86-64 and
ARM64, macOS ARM64, Windows x86-64).  Elsewhere the page says so and shows no claims.
"""

# %%
# A cluster on your machine
# -------------------------
# ``ray.init()`` starts a whole cluster, even on one machine: a GCS server (the
# cluster's directory), a raylet (this node's scheduler and object store), agents, and
# one worker process per CPU you give it.  ``start_local_ray`` calls it with settings
# for a page: two CPUs, every server on 127.0.0.1, no dashboard, a temporary folder,
# quiet logs (the module's docstring lists them).  In your own program it is ``import
# ray`` and ``ray.init()``; here ``load()`` gives ``None`` where Ray has no wheel.

import time

from conc_examples.engines.ray_tasks import MISSING, load, needs_ray, start_local_ray

ray = load()  # the ray module, or None where this Python has no Ray
if __name__ == "__main__" and ray is None:
    print(MISSING)
elif __name__ == "__main__":
    started = time.perf_counter()
    cluster = start_local_ray(num_cpus=2)
    startup_seconds = time.perf_counter() - started
    print(f"{cluster}: started in {startup_seconds:.2f} s")

# %%
# A task, and the reference it returns
# ------------------------------------
# ``@ray.remote`` turns a function into a task.  ``add_one.remote(1)`` sends it to a
# worker and returns at once, with an ``ObjectRef``: a claim ticket for a result that
# may not exist yet.  ``ray.get`` waits for the result; give it a ``timeout``, as you
# would ``Future.result``.  Ray pickles a function of your script by value (its code),
# so the workers need no copy of the script.

if __name__ == "__main__" and ray is not None:

    @ray.remote
    def add_one(x: int) -> int:
        return x + 1

    ref = add_one.remote(1)
    print(f"add_one.remote(1) returned {ref!r}")
    print(f"ray.get(ref) = {ray.get(ref, timeout=30)}")

# %%
# ``ray.get`` in a loop, and the fix
# ----------------------------------
# The tempting loop calls ``ray.get`` right after each ``.remote``: every task waits for
# the previous one's round trip, so your two workers take turns being idle.  The fix is
# one line apart: send every task first, then make one ``ray.get`` of the list.  Both
# run 200 tiny tasks; they take turns, round by round (see
# :doc:`../09_benchmarking/05_how_this_site_measures`), and each figure is the best round.

from conc_examples.measure.timing import measure_interleaved

N = 200


def get_in_the_loop() -> list[int]:
    return [ray.get(add_one.remote(i), timeout=30) for i in range(N)]


def submit_then_get() -> list[int]:
    refs = [add_one.remote(i) for i in range(N)]
    return ray.get(refs, timeout=30)


if __name__ == "__main__" and ray is not None:
    ways = {"ray.get in the loop": get_in_the_loop, "submit, then ray.get": submit_then_get}
    timings = measure_interleaved(ways, repeat=3, warmup=0)
    per_task_ms = {name: timing.min / N * 1000 for name, timing in timings.items()}
    for name, ms in per_task_ms.items():
        print(f"{name:>20}: {timings[name].min:.3f} s, best of 3, {ms:.2f} ms a task")
    in_order = submit_then_get() == [i + 1 for i in range(N)]

# %%
# The loop's figure is a round trip (your process to the raylet, to a worker, back);
# the other is the cost of a task when many are on the way at once.  The rounds spread
# with the machine's load; the claim is shown when each way's slowest round took at
# most twice its best.

from conc_examples.claims import LOAD, Need, claim

if __name__ == "__main__":
    if ray is None:
        speedup, slowest_over_best, in_order = 0.0, 1.0, False
    else:
        loop, batch = timings["ray.get in the loop"], timings["submit, then ray.get"]
        speedup = loop.min / batch.min
        slowest_over_best = max(loop.max / loop.min, batch.max / batch.min)
    claim(
        f"Sending all {N} tasks, then one ray.get, was over twice as fast as ray.get in"
        " the loop",
        speedup > 2,
        measured=f"{speedup:.1f} times as fast, best round against best round",
        expected="over 2 times",
        needs=(
            needs_ray(),
            Need(
                "rounds within a factor of 2",
                slowest_over_best <= 2,
                f"a slowest round took {slowest_over_best:.1f} times its best",
                LOAD,
            ),
        ),
    )
    claim(
        "One ray.get of a list returned the results in the list's order",
        in_order,
        measured=f"{N} results, each in its task's place" if in_order else "not in order",
        expected="add_one(i) at position i",
        needs=needs_ray(),
    )

# %%
# Where Ray, Dask and Celery fit
# ------------------------------
# All three run your functions on other processes and other machines; they differ in
# what they are built around.  Ray's figures are the ones measured above; Celery's and
# Dask's, measured side by side with a process pool, are on page 3,
# :doc:`03_what_a_task_costs`.

if __name__ == "__main__":
    ray_figures = "not measured: no Ray here"
    if ray is not None:
        ray_figures = (
            f"start {startup_seconds:.1f} s, round trip"
            f" {per_task_ms['ray.get in the loop']:.2f} ms, in a batch"
            f" {per_task_ms['submit, then ray.get']:.2f} ms a task"
        )
    fit = {
        "Ray": ("many small tasks and stateful actors, a shared object store", ray_figures),
        "Dask": ("arrays and dataframes in pieces, futures like an executor's", "page 3"),
        "Celery": ("a web app's background jobs through a broker, with retries", "page 3"),
    }
    for engine, (made_for, figures) in fit.items():
        print(f"{engine:<7} {made_for}\n{'':<7} {figures}")

# %%
# Stop the cluster: ``ray.shutdown()``, timed; then every process that ``ray.init()``
# started should be gone (on Linux the helper looks for them in ``/proc``).

if __name__ == "__main__" and ray is not None:
    started = time.perf_counter()
    cluster.close()
    shutdown_seconds = time.perf_counter() - started
    print(f"ray.shutdown(): {shutdown_seconds:.2f} s, {cluster.left_running} left running")

if __name__ == "__main__":
    watched = ray is not None and bool(cluster.processes)
    claim(
        "ray.shutdown() stopped every process that ray.init() started",
        watched and cluster.left_running == 0,
        measured=f"{cluster.left_running} of {len(cluster.processes)} still running"
        if watched
        else "not watched",
        expected="none left",
        needs=(
            needs_ray(),
            Need("/proc (Linux)", ray is None or watched, "this system has none"),
        ),
    )

# %%
# Take-away: ``.remote()`` returns at once and ``ray.get`` waits, so put the waiting
# after the sending: the first claim gives how many times as fast that ran, for the
# same 200 tasks on the same two workers.
