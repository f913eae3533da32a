"""Chapter 4 shows what it says: threads overlap waits, not pure-Python computation.

The pages state their results as claims, each checked where it is measured (CPU
seconds per second, which load can only lower; wall-clock speed-ups only where the
machine showed a free second CPU in the same rounds).  These tests judge those claims
and add what a claim cannot say: how many each page makes, and the invariants of the
measurement.
"""

from __future__ import annotations

from example_runner import check_claims, example

from conc_examples.claims import NOT_SHOWN


def test_threads_overlap_io_waits() -> None:
    run = example("04_gil/01_io_bound_threads.py")
    # Sequential at least twenty delays; twenty and five threads each saved over 80 % of
    # the delays they can overlap (the CPU work, the same in every way, cancels out, so
    # load cannot fake it); the waiting loop under half a CPU.
    assert len(run.claims) == 4
    compare = run.values["compare"]
    assert list(compare.timings) == ["sequential", "5 threads", "20 threads"]
    assert all(len(timing.runs) == 3 for timing in compare.timings.values())
    assert run.values["speedup_20_threads"] == compare.speedup("20 threads", "sequential")
    check_claims(run)


def test_threads_do_not_speed_up_pure_python_but_processes_do() -> None:
    run = example("04_gil/02_cpu_bound_and_the_gil.py")
    # The page's claims: threads at most one CPU (three ways), processes more than
    # one CPU, close to the ceiling, and sooner than threads; threads over one CPU
    # where the GIL is off (free-threaded builds only).
    assert len(run.claims) == 7
    if run.values["gil_on"]:
        assert run.claim("Without the GIL, threads").state == NOT_SHOWN
    # The baseline is the best round of one worker: no pool starts above 1x.
    scaling = run.values["scaling"]
    assert max(scaling.speedup("threads", 1), scaling.speedup("processes", 1)) == 1.0
    check_claims(run)  # last: it skips, with the reason, if a claim was not shown


def test_work_that_releases_the_gil_speeds_up_with_threads() -> None:
    run = example("04_gil/03_work_that_releases_the_gil.py")
    # Sleep about 2x; the pure-Python control at most one CPU; sha256 and zlib each over
    # one CPU and sooner with two threads.
    assert len(run.claims) == 6
    for name in ("sha256", "zlib"):
        assert len([c for c in run.claims if f"({name})" in c.text]) == 2
    compare = run.values["compare"]
    assert compare.ceiling is not None and len(compare.ceiling.speedups) == 3
    # Sleeping needs no CPU at all, whatever the load.
    assert compare.cpus["sleep, 2 threads"] < 0.2
    check_claims(run)
