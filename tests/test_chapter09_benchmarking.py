"""Chapter 9 shows what it says: what timeit measures, what each clock counts, noise."""

from __future__ import annotations

from example_runner import example


def test_timeit_arguments_do_what_the_page_says() -> None:
    records = example("09_benchmarking/01_timeit_basics.py").records
    assert 0 < records["string_per_loop"] < 0.01  # one sort of 1000 floats: microseconds
    # Building the list costs more than sorting it: measuring it too changes the answer.
    assert records["with_build_over_sort"] > 2.5
    assert records["name_error_without_globals"] is True
    # Descending input is one run for Timsort: clearly faster than random input.
    assert records["random_over_descending"] > 1.5
    # A callable costs one call per loop more: the same order of magnitude as a string.
    assert 0.2 < records["callable_over_string"] < 5
    assert records["repeat_count"] == 5
    # Five naps of 10 ms: the wall clock sees them, process_time almost does not.
    assert records["nap_wall"] >= 0.05
    assert records["nap_cpu"] < 0.02


def test_python_m_timeit_output_is_parsed() -> None:
    records = example("09_benchmarking/02_timeit_command_line.py").records
    # Membership in a set of 1000 is a hash lookup; in a list, up to 1000 comparisons.
    assert records["list_over_set"] > 50  # ~200-600 seen; the set's time is the noisy one
    # autorange grows the loop count until a measurement lasts 0.2 s: a fast statement
    # needs many loops.
    assert records["autorange_loops"] >= 100_000


def test_clocks_tell_waiting_from_computing() -> None:
    records = example("09_benchmarking/03_three_clocks.py").records
    # Sleeping 0.1 s: wall time passes, CPU time (process or thread) hardly does.
    assert records["sleep[perf_counter]"] >= 0.1
    assert records["sleep[process_time]"] < 0.02
    assert records["sleep[thread_time]"] < 0.02
    # Computing (sized to about 0.1 s of CPU time): the CPU clocks move too.  On a busy
    # machine the wall clock runs ahead (it counts waiting for a CPU).
    assert records["compute[process_time]"] > 0.04
    assert records["compute[process_time]"] > 5 * records["sleep[process_time]"]
    assert records["compute[thread_time]"] > 0.04
    # A main thread waiting on a computing worker: the process's clock counts the
    # worker's CPU, the main thread's own clock does not.
    assert records["worker[process_time]"] > 0.04
    assert records["worker[thread_time]"] < 0.02
    assert records["worker[process_time]"] > 3 * records["worker[thread_time]"]


def test_one_hiccup_moves_the_mean_not_the_min_or_median() -> None:
    records = example("09_benchmarking/04_noise_min_median.py").records
    assert records["slowest_over_fastest"] > 1.0
    # One 50 ms run among 200 shifts the mean by about 0.25 ms; the minimum not at all
    # unless the replaced run was the fastest, the median by one step between neighbours.
    assert records["moved[mean]"] > 0.2
    assert records["moved[min]"] < records["moved[mean]"]
    assert records["moved[median]"] < records["moved[mean]"]


def test_site_helper_sees_four_times_the_work() -> None:
    run = example("09_benchmarking/05_how_this_site_measures.py").values
    # Four times the work takes several times as long by both clocks.  Ratios of 2.1 to
    # 8 were seen on the shared build machine (runs of 20 ms are short for either
    # clock), so only the direction is asserted, with a generous margin.
    assert 1.5 < run["more_over_once_cpu"] < 12
    assert 1.5 < run["more_over_once_median"] < 12
    # The same in interleaved rounds, best round against best round.
    timings = run["compare"].timings
    assert 1.5 < timings["work x4"].min / timings["work x1"].min < 12
    # Two independent processes: more than one alone, never more than two.
    ceiling = run["ceiling"]
    assert ceiling.processes == 2 and len(ceiling.speedups) == 3
    assert 0 < ceiling.speedup <= 2.5


def test_callbacks_and_coroutines_time_each_overlapping_task() -> None:
    records = example("09_benchmarking/06_timing_concurrent_work.py").records
    waits = [0.20, 0.05, 0.15, 0.10]
    for style in ("callback", "coroutine"):
        latencies = records[f"{style}_latencies"]
        assert len(latencies) == len(waits)
        for wait in waits:
            # Each task's latency is its own wait, plus scheduling delay.
            assert wait - 0.005 <= latencies[f"wait {wait:.2f} s"] < wait + 0.5
    for total in (records["threads_total"], records["coroutines_total"]):
        # The waits overlap: the batch takes about the longest, far less than the sum.
        assert max(waits) <= total < 0.8 * sum(waits)
