"""Unit tests of the conc_examples helpers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from conc_examples.charts import plotting
from conc_examples.measure import machine, timeline, timing
from conc_examples.measure.ceiling import Ceiling, CeilingProbe, shares_of_ceiling
from conc_examples.web.webserver import serve, serve_in_thread
from conc_examples.work import workloads


def test_caption_names_cpus_python_and_start_method() -> None:
    text = machine.caption()
    assert f"{machine.usable_cpus()} usable CPUs" in text
    assert machine.info().python_version in text
    assert f"start method: {machine.start_method()}" in text


def test_start_method_does_not_freeze_the_default_context() -> None:
    # In a fresh interpreter: any pool started by an earlier test fixes the context.
    code = (
        "import multiprocessing; from conc_examples.measure import machine;"
        "machine.start_method();"
        "print(multiprocessing.get_start_method(allow_none=True))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "None"


def test_usable_cpus_is_within_the_machine() -> None:
    assert 1 <= machine.usable_cpus() <= (machine.info().cpus or 1)


def test_timing_statistics_and_text() -> None:
    t = timing.Timing.of([3.0, 1.0, 2.0])
    assert (t.min, t.median, t.max) == (1.0, 2.0, 3.0)
    assert t.speedup_over(timing.Timing.of([4.0])) == 2.0
    assert str(t) == "median 2.000 s (min 1.000, max 3.000, 3 runs)"
    with pytest.raises(ValueError):
        timing.Timing(())


def test_measure_warms_up_then_repeats() -> None:
    calls = []
    t = timing.measure(lambda: calls.append(1) or time.sleep(0.01), repeat=3, warmup=2)
    assert len(calls) == 5 and len(t.runs) == 3
    assert t.min >= 0.009


def test_measure_interleaved_takes_turns_and_rotates() -> None:
    calls: list[str] = []
    timings = timing.measure_interleaved(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
        repeat=2,
        warmup=1,
    )
    assert calls == ["a", "b", "b", "a", "a", "b"]  # turns, each round shifted by one
    assert {name: len(t.runs) for name, t in timings.items()} == {"a": 2, "b": 2}
    with pytest.raises(ValueError):
        timing.measure_interleaved({"a": lambda: None}, repeat=0)


def test_calibrate_sizes_work_to_the_target() -> None:
    iterations = workloads.calibrate(0.1)
    start = time.thread_time()  # CPU time: what calibrate sizes by, whatever the load
    workloads.cpu_bound(iterations)
    assert 0.05 < time.thread_time() - start < 0.2


def test_recorder_names_threads_and_tasks() -> None:
    recorder = timeline.Recorder()

    def work() -> None:
        with recorder.span("in a thread"):
            time.sleep(0.01)

    thread = threading.Thread(target=work, name="worker-1")
    thread.start()
    thread.join()

    async def main() -> None:
        async def task() -> None:
            with recorder.span("in a task"):
                await asyncio.sleep(0.01)

        await asyncio.create_task(task(), name="task-1")

    asyncio.run(main())
    workers = {s.worker: s.task for s in recorder.spans}
    assert workers == {"worker-1": "in a thread", "task-1": "in a task"}
    assert all(s.duration >= 0.009 for s in recorder.spans)


def test_timed_call_returns_result_and_span() -> None:
    result, span = timeline.timed_call("job", sum, [1, 2, 3])
    assert result == 6 and span.task == "job" and span.worker == "MainProcess"


def test_charts_carry_the_caption_and_the_ideal() -> None:
    t = timing.Timing.of([0.1, 0.2, 0.3])
    figures = [
        plotting.bar_chart({"a": t, "b": t}, title="bars", ideal=0.1),
        plotting.scaling_chart([1, 2], {"s": [t, t]}, baseline=t, title="s", ceiling=1.5),
        plotting.timeline_chart([timeline.Span("w", "t", 0.0, 1.0)], title="tl"),
    ]
    for fig in figures:
        # On two lines when long: a phone shows the figure 358 px wide.
        assert fig._supxlabel.get_text().replace("\n", " · ") == machine.caption()
        legend = fig.axes[0].get_legend()
        if legend is not None:
            assert any("ideal" in text.get_text() for text in legend.get_texts())
        plt.close(fig)


def test_ceiling_speedup_is_throughput_relative_to_one_process() -> None:
    ceiling = Ceiling(2, alone=timing.Timing.of([1.0]), together=timing.Timing.of([1.25]))
    assert ceiling.speedup == pytest.approx(1.6)  # 2 jobs in 1.25 s vs 1 job in 1 s
    assert "2 independent processes reach 1.60x" in str(ceiling)


def test_ceiling_pairs_each_round_and_reports_the_median() -> None:
    ceiling = Ceiling(
        2,
        alone=timing.Timing.of([1.0, 2.0, 1.0]),
        together=timing.Timing.of([1.0, 2.5, 2.0]),
    )
    # Rounds: 2x, 1.6x, 1x; medians of the columns would give 2*1/2 = 1x instead.
    assert ceiling.speedups == pytest.approx([2.0, 1.6, 1.0])
    assert ceiling.speedup == pytest.approx(1.6)
    with pytest.raises(ValueError, match="one run per round"):
        Ceiling(2, alone=timing.Timing.of([1.0]), together=timing.Timing.of([1.0, 1.0]))


def test_shares_of_ceiling_compare_each_round_with_its_own_ceiling() -> None:
    ceiling = Ceiling(
        2, alone=timing.Timing.of([1.0, 1.0]), together=timing.Timing.of([1.0, 2.0])
    )
    # The pool took 1.25 s where independent processes took 1 s, then 2 s for 2 s.
    parallel = timing.Timing.of([1.25, 2.0])
    assert shares_of_ceiling(parallel, ceiling) == pytest.approx([0.8, 1.0])
    with pytest.raises(ValueError, match="same rounds"):
        shares_of_ceiling(timing.Timing.of([1.0]), ceiling)


def test_ceiling_probe_times_each_round_in_real_children_and_ends_them() -> None:
    with CeilingProbe(2, workloads.calibrate(0.01)) as probe:
        children = list(probe._children)
        probe()
        probe()
    ceiling = probe.ceiling()
    assert len(ceiling.alone.runs) == len(ceiling.together.runs) == 2
    assert all(run > 0 for run in ceiling.alone.runs + ceiling.together.runs)
    assert [child.returncode for child in children] == [0, 0]
    with pytest.raises(RuntimeError, match="inside its with block"):
        probe()


def test_ceiling_probe_reports_a_dead_child_and_still_cleans_up() -> None:
    with pytest.raises(RuntimeError, match="exited with"), CeilingProbe(2, 1000) as probe:
        children = list(probe._children)
        children[1].kill()
        children[1].wait(timeout=10)  # dead before the probe writes to it
        probe()
    assert all(child.returncode is not None for child in children)


def test_server_in_thread_answers_and_stops() -> None:
    with serve_in_thread() as url:
        with urllib.request.urlopen(f"{url}/redirect/2", timeout=10) as response:
            assert response.read() == b"ok"
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{url}/status/503", timeout=10)
        error.value.close()
        assert error.value.code == 503
    assert not [t for t in threading.enumerate() if t.name == "webserver"]


def test_async_server_delays() -> None:
    import aiohttp

    async def main() -> float:
        async with serve() as url, aiohttp.ClientSession() as session:
            start = time.perf_counter()
            async with session.get(f"{url}/delay/0.05") as response:
                assert await response.text() == "ok"
            async with session.get(f"{url}/delay/99") as response:
                assert response.status == 400
            return time.perf_counter() - start

    assert asyncio.run(main()) >= 0.05
