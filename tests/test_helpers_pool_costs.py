"""conc_examples.measure.pool_costs: one call that times pool.map by chunksize."""

from __future__ import annotations

import multiprocessing

import pytest

from conc_examples.measure.pool_costs import IN_THE_PARENT, time_pool_map
from conc_examples.work import mp_workers


def test_every_chunksize_and_the_parent_are_timed_in_milliseconds() -> None:
    # spawn: forking this (possibly multi-threaded) test process would warn on 3.12+
    with multiprocessing.get_context("spawn").Pool(processes=1) as pool:
        timings = time_pool_map(pool, mp_workers.square, range(20), [1, 20], repeat=2)
    assert list(timings) == ["1", "20", IN_THE_PARENT]
    assert all(len(t.runs) == 2 and t.min > 0 for t in timings.values())
    # A map through a pool takes at least a tenth of a millisecond; a list of 20 squares
    # in the parent far less: the values are milliseconds, not seconds.
    assert timings["1"].median > 0.1
    assert timings[IN_THE_PARENT].median < timings["1"].median


@pytest.mark.parametrize("chunksizes", [[], [0], [10, -1]])
def test_bad_chunksizes_get_one_clear_message(chunksizes: list[int]) -> None:
    with pytest.raises(ValueError, match="chunksizes must be one or more positive"):
        time_pool_map(None, mp_workers.square, range(3), chunksizes)
