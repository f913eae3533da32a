"""The Ray page's driver: its tasks, the two ways to wait for them, and the run itself.

It runs in a Python of its own (``python -m conc_examples.engines.ray_driver N``, from
:func:`conc_examples.engines.ray_tasks.run_ray_lesson`): a Ray driver keeps native
threads after ``ray.shutdown()``, and the process that builds the site must stay free
of them.  It needs Ray; it prints one line of JSON, what :class:`RayLesson` holds.
Ray sends ``add_one`` to its workers pickled, code and all (run with ``-m``, this
module is ``__main__``, which a worker cannot import).
"""

from __future__ import annotations

import json
import sys
import time

import ray

from conc_examples.engines.ray_tasks import start_local_ray
from conc_examples.measure.timing import measure_interleaved

__all__ = ["add_one", "get_in_the_loop", "lesson", "submit_then_get"]


@ray.remote
def add_one(x: int) -> int:
    """The tiny task: its cost is all Ray's."""
    return x + 1


def get_in_the_loop(n: int) -> list[int]:
    """The tempting loop: each ``ray.get`` waits out one round trip before the next
    task is even sent."""
    return [ray.get(add_one.remote(i), timeout=30) for i in range(n)]


def submit_then_get(n: int) -> list[int]:
    """The fix: every task on its way first, then one ``ray.get`` of the list."""
    refs = [add_one.remote(i) for i in range(n)]
    return ray.get(refs, timeout=30)


def lesson(n: int) -> dict[str, object]:
    """Start a cluster, run one task, then ``n`` tasks each way in turns (three rounds,
    see :func:`~conc_examples.measure.timing.measure_interleaved`), and stop it."""
    started = time.perf_counter()
    with start_local_ray(num_cpus=2) as cluster:
        startup = time.perf_counter() - started
        ref = add_one.remote(1)
        first = ray.get(ref, timeout=30)
        ways = {"loop": lambda: get_in_the_loop(n), "batch": lambda: submit_then_get(n)}
        timings = measure_interleaved(ways, repeat=3, warmup=0)
        in_order = submit_then_get(n) == [i + 1 for i in range(n)]
        stopping = time.perf_counter()
    return {
        "cluster": str(cluster),
        "startup_seconds": startup,
        "first_ref": repr(ref),
        "first_result": first,
        "loop": list(timings["loop"].runs),
        "batch": list(timings["batch"].runs),
        "in_order": in_order,
        "processes": len(cluster.processes),
        "left_running": cluster.left_running,
        "shutdown_seconds": time.perf_counter() - stopping,
    }


if __name__ == "__main__":
    print(json.dumps(lesson(int(sys.argv[1]))), flush=True)
