"""What a pool's round trips cost: one call that times ``pool.map`` by chunksize.

The chapter on :mod:`multiprocessing` pools claims that many tiny tasks are dominated
by their round trips (pickle, pipe, unpickle, and back), and that ``chunksize`` cuts
them.  :func:`time_pool_map` times ``pool.map(func, tasks, chunksize=c)`` for each
``c``, in interleaved rounds (see :func:`conc_examples.measure.timing.measure_interleaved`),
beside the same work done in the parent with no pool at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from conc_examples.measure.timing import Timing, measure_interleaved

__all__ = ["IN_THE_PARENT", "time_pool_map"]

# The longest one pool.map may take before the measurement gives up.
TIMEOUT_SECONDS = 60.0

# The key of the baseline: the same work, done by the parent with the built-in map.
IN_THE_PARENT = "in the parent"


def _pool_map(
    pool: Any, func: Callable[[Any], Any], tasks: list[Any], chunksize: int
) -> list[Any]:
    # map_async + get(timeout=...): a broken pool fails the measurement instead of hanging
    return pool.map_async(func, tasks, chunksize=chunksize).get(timeout=TIMEOUT_SECONDS)


def _in_parent(func: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
    return list(map(func, tasks))


def time_pool_map(
    pool: Any,  # a multiprocessing.pool.Pool
    func: Callable[[Any], Any],
    tasks: Iterable[Any],
    chunksizes: Sequence[int],
    *,
    repeat: int = 3,
) -> dict[str, Timing]:
    """Milliseconds of ``pool.map(func, tasks, chunksize=c)`` for each ``c``.

    ``pool`` is a :class:`multiprocessing.pool.Pool`; each map waits at most
    :data:`TIMEOUT_SECONDS` (:exc:`multiprocessing.TimeoutError` after that).
    The keys are the chunksizes as strings, in the order given, then
    :data:`IN_THE_PARENT`: ``list(map(func, tasks))`` with no pool.  Every contender
    runs once per round (after one untimed warm-up round), so a burst of load on a
    shared machine hits them all alike.
    """
    tasks = list(tasks)
    if not chunksizes or any(c < 1 for c in chunksizes):
        raise ValueError(f"chunksizes must be one or more positive numbers: {chunksizes}")
    contenders: dict[str, Callable[[], object]] = {
        str(c): partial(_pool_map, pool, func, tasks, c) for c in chunksizes
    }
    contenders[IN_THE_PARENT] = partial(_in_parent, func, tasks)
    timings = measure_interleaved(contenders, repeat=repeat)
    return {name: timing.scaled(1000) for name, timing in timings.items()}
