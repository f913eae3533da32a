"""The chart rules of conc_examples.charts.plotting: best round, the estimator named, the
legend off the data, the ideal and the caption on every chart."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from conc_examples.charts import plotting
from conc_examples.measure import machine
from conc_examples.measure.ceiling import Ceiling, Scaling
from conc_examples.measure.rounds import Race
from conc_examples.measure.timing import Timing

T = Timing.of([0.2, 0.1, 0.4])
U = Timing.of([0.1, 0.05, 0.3])


def _legend_off_the_data(fig) -> None:
    fig.canvas.draw()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + fig.legends
    assert legends, "a chart with an ideal has a legend"
    for legend in legends:
        box = legend.get_window_extent()
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent()), "the legend covers an axes"


def _figures():
    scaling = Scaling(
        (1, 2),
        {"threads": [T, T], "processes": [T, U]},
        {"threads": [1.0, 1.0], "processes": [1.0, 1.9]},
        Ceiling(2, Timing.of([0.1] * 3), Timing.of([0.12] * 3)),
        (0.9, 1.0, 1.1),
        3,
    )
    race = Race({"a": T, "b": U}, {"a": 1.0, "b": 2.0}, None, 3)
    return {
        "bar_chart": plotting.bar_chart({"a": T, "b": U}, title="bars", ideal=0.1),
        "scaling_chart": plotting.scaling_chart(
            [1, 2], {"s": [T, U]}, baseline=T, title="s", ceiling=1.5
        ),
        "speedup_bars": plotting.speedup_bars(
            race, {"b over a": ("b", "a")}, title="r", ideal=2.0
        ),
        "scaling_panels": plotting.scaling_panels(scaling, title="panels"),
        "cpus_chart": plotting.cpus_chart(scaling, title="cpus"),
    }


@pytest.mark.parametrize("name", list(_figures()))
def test_every_chart_keeps_its_legend_off_the_data_and_carries_the_caption(name) -> None:
    figures = _figures()
    try:
        fig = figures[name]
        assert fig._supxlabel.get_text() == machine.caption()
        _legend_off_the_data(fig)
        texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
        texts += [
            t.get_text()
            for ax in fig.axes
            if ax.get_legend()
            for t in ax.get_legend().get_texts()
        ]
        assert any("ideal" in text for text in texts)
    finally:
        for fig in figures.values():
            plt.close(fig)


def test_bars_stand_at_the_best_run_and_name_the_estimator() -> None:
    fig = plotting.bar_chart({"a": T}, title="bars")
    ax = fig.axes[0]
    assert ax.patches[0].get_height() == pytest.approx(T.min)
    assert "best of 3 runs" in ax.get_legend().get_texts()[0].get_text()
    plt.close(fig)
    fig = plotting.bar_chart({"a": T}, title="bars", estimator="median")
    assert fig.axes[0].patches[0].get_height() == pytest.approx(T.median)
    plt.close(fig)
    with pytest.raises(ValueError, match="estimator"):
        plotting.bar_chart({"a": T}, title="bars", estimator="mean")


def test_scaling_speedups_share_the_one_worker_baseline() -> None:
    scaling = Scaling(
        (1, 2),
        {"threads": [Timing.of([0.12]), Timing.of([0.11])], "processes": [T, U]},
        {"threads": [1.0, 1.0], "processes": [1.0, 1.9]},
        None,
        (),
        1,
    )
    assert scaling.one_worker == 0.1  # the best one-worker round of any pool
    assert scaling.speedup("processes", 1) == 1.0
    assert scaling.speedup("threads", 1) < 1.0  # nobody starts above 1x
    assert scaling.speedup("processes", 2) == pytest.approx(0.1 / 0.05)
