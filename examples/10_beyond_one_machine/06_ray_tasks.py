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
# A task, and the reference it returns
# ------------------------------------
# ``@ray.remote`` turns a function into a task.  ``add_one.remote(1)`` sends it to a
# worker and returns at once, with an ``ObjectRef``: a claim ticket for a result that
# may not exist yet.  ``ray.get`` waits for the result; give it a ``timeout``, as you
# would ``Future.result``.
#
# .. literalinclude:: /../conc_examples/engines/ray_driver.py
#    :pyobject: add_one
#
# The tempting loop calls ``ray.get`` right after each ``.remote``: every task waits for
# the previous one's round trip, so your two workers take turns being idle.  The fix is
# one line apart: send every task first, then make one ``ray.get`` of the list.
#
# .. literalinclude:: /../conc_examples/engines/ray_driver.py
#    :pyobject: get_in_the_loop
#
# .. literalinclude:: /../conc_examples/engines/ray_driver.py
#    :pyobject: submit_then_get

# %%
# A cluster on your machine, in a process of its own
# --------------------------------------------------
# ``ray.init()`` starts a whole cluster, even on one machine: a GCS server (the
# cluster's directory), a raylet (this node's scheduler and object store), agents, and
# one worker process per CPU you give it.  ``start_local_ray`` calls it with settings
# for a page: two CPUs, every server on 127.0.0.1, no dashboard, a temporary folder,
# quiet logs.  Your program would ``import ray`` and call it; this page runs that
# driver in a Python of its own, because a Ray driver keeps native threads after
# ``ray.shutdown()``, and the process that builds this site forks later.  It runs both
# ways in turns, 200 tasks each, three rounds (see
# :doc:`../09_benchmarking/05_how_this_site_measures`), and reports the best round.
#
# .. literalinclude:: /../conc_examples/engines/ray_driver.py
#    :pyobject: lesson

from conc_examples.engines.ray_tasks import MISSING, installed, needs_ray, run_ray_lesson

N = 200
has_ray = installed()
if __name__ == "__main__" and has_ray:
    lesson = run_ray_lesson(N)
    print(f"{lesson.cluster}: started in {lesson.startup_seconds:.2f} s")
    print(f"add_one.remote(1) returned {lesson.first_ref}; ray.get: {lesson.first_result}")
    ways = {"ray.get in the loop": lesson.loop, "submit, then ray.get": lesson.batch}
    per_task_ms = {name: timing.min / N * 1000 for name, timing in ways.items()}
    for name, ms in per_task_ms.items():
        print(f"{name:>20}: {ways[name].min:.3f} s, best of 3, {ms:.2f} ms a task")
elif __name__ == "__main__":
    print(MISSING)

# %%
# The loop's figure is a round trip (the driver to the raylet, to a worker, back); the
# other is the cost of a task when many are on the way at once.  The rounds spread
# with the machine's load; the claim is shown when each way's slowest round took at
# most twice its best.

from conc_examples.claims import LOAD, Need, claim

if __name__ == "__main__":
    speedup, slowest_over_best, in_order = 0.0, 1.0, False
    if has_ray:
        loop, batch, in_order = lesson.loop, lesson.batch, lesson.in_order
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
    if has_ray:
        ray_figures = (
            f"start {lesson.startup_seconds:.1f} s, round trip"
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
# The driver stopped the cluster at the end of its ``with`` block: ``ray.shutdown()``,
# then a look (on Linux, in ``/proc``) for every process that ``ray.init()`` started.

if __name__ == "__main__":
    watched = has_ray and lesson.processes > 0
    if has_ray:
        print(f"ray.shutdown(): {lesson.shutdown_seconds:.2f} s")
    claim(
        "ray.shutdown() stopped every process that ray.init() started",
        watched and lesson.left_running == 0,
        measured=f"{lesson.left_running} of {lesson.processes} still running"
        if watched
        else "not watched",
        expected="none left",
        needs=(
            needs_ray(),
            Need("/proc (Linux)", not has_ray or watched, "this system has none"),
        ),
    )

# %%
# Take-away: ``.remote()`` returns at once and ``ray.get`` waits, so put the waiting
# after the sending: the first claim gives how many times as fast that ran, for the
# same 200 tasks on the same two workers.
