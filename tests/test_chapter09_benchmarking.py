"""Chapter 9 shows what it says: what timeit measures, what each clock counts, noise.

Each page states its results as claims; these tests judge them (a claim that did not
hold fails, one that could not be shown skips) and add what a claim cannot say: how many
each page makes, and the invariants of what the page computed, read by the names the
page gives them.
"""

from __future__ import annotations

from example_runner import check_claims, example


def test_timeit_arguments_do_what_the_page_says() -> None:
    run = example("09_benchmarking/01_timeit_basics.py")
    # setup vs stmt, descending vs random, callable vs string, the naps, the collector.
    assert len(run.claims) == 5
    check_claims(run)
    values = run.values
    assert 0 < values["per_loop"] < 0.01  # one sort of 1000 floats: microseconds
    # stmt runs in timeit's namespace, not the script's: the script's name is unknown.
    assert values["name_error"] == "name 'numbers' is not defined"
    # The five totals of the same sort, each turned into time per loop, as printed.
    assert len(values["totals"]) == 5
    per_loop_runs = [t / values["LOOPS"] * 1e6 for t in values["totals"]]
    assert values["per_loop_runs"] == per_loop_runs


def test_python_m_timeit_output_is_parsed() -> None:
    run = example("09_benchmarking/02_timeit_command_line.py")
    # The set against the list; autorange's loop count.
    assert len(run.claims) == 2
    check_claims(run)
    assert "best of 3" in run.stdout and "raw times:" in run.stdout


def test_clocks_tell_waiting_from_computing() -> None:
    run = example("09_benchmarking/03_three_clocks.py")
    # Asleep; computing; one thread's clocks agree; the main thread waiting on a worker.
    assert len(run.claims) == 4
    check_claims(run)
    results = run.values["results"]
    assert list(results) == ["sleep", "compute", "main waits for worker"]
    assert all(
        len(timing.runs) == 3 for clocks in results.values() for timing in clocks.values()
    )


def test_one_hiccup_moves_the_mean_not_the_min_or_median() -> None:
    run = example("09_benchmarking/04_noise_min_median.py")
    # The minimum, the median, the mean.
    assert len(run.claims) == 3
    check_claims(run)
    values = run.values
    assert len(values["runs_ms"]) == values["RUNS"]
    # The hiccup really was one: at least its 50 ms sleep, so the mean moved by a
    # visible amount (about 0.25 ms among 200 runs).
    assert values["interrupted_ms"] >= values["HICCUP"] * 1e3
    assert values["moved"]["mean"] > 0.2


def test_site_helper_sees_four_times_the_work() -> None:
    run = example("09_benchmarking/05_how_this_site_measures.py")
    # Four times the time, best round against best round, within the rounds' spread.
    assert len(run.claims) == 1
    check_claims(run)
    values = run.values
    # The sequential measurements (by the wall clock, and by CPU time) did multiply the
    # work: a page that did not reads about 1x.  They compare two moments, not rounds
    # taken in turns, so only this wide band.
    assert 1.5 < values["more_over_once_median"] < 12
    assert 2 < values["more_over_once_cpu"] < 8
    # The race interleaved the two contenders over five rounds.
    assert values["compare"].rounds == 5
    assert [len(t.runs) for t in values["compare"].timings.values()] == [5, 5]
    # Two independent processes, three rounds: a speed-up, at most about two CPUs' worth.
    ceiling = values["ceiling"]
    assert ceiling.processes == 2 and len(ceiling.speedups) == 3
    assert 0 < ceiling.speedup <= 2.5


def test_callbacks_and_coroutines_time_each_overlapping_task() -> None:
    run = example("09_benchmarking/06_timing_concurrent_work.py")
    # The late callback's thread; latencies and total for each style.
    assert len(run.claims) == 5
    check_claims(run)
    spans = run.values["spans"]
    # Every task is there: for callbacks, because shutdown joined the workers.
    assert len(spans) == len(run.values["WAITS"])
    # A callback added while the task runs runs in the worker thread that finished it.
    assert all("(thread_" in span.worker for span in spans)
