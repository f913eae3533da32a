"""The chart rules of conc_examples.charts.plotting: best round, the estimator named, the
legend inside the axes and above the data, the ideal and the caption on every chart, and
no text under 8 px on a phone."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from conc_examples.charts import plotting
from conc_examples.measure import machine
from conc_examples.measure.ceiling import Ceiling, Scaling
from conc_examples.measure.overview import Overview
from conc_examples.measure.rounds import Race
from conc_examples.measure.timeline import Span
from conc_examples.measure.timing import Timing

T = Timing.of([0.2, 0.1, 0.4])
U = Timing.of([0.1, 0.05, 0.3])


def _data_boxes(ax):
    """The window extents of what an axes draws from data: bars, lines, whiskers."""
    return [
        artist.get_window_extent()
        for artist in [*ax.patches, *ax.lines, *ax.collections]
        if artist.get_visible()
    ]


def _legend_off_the_data(fig) -> None:
    """Every legend inside its axes (not beside it, which halves a phone's plot), and
    above everything the axes draws from data."""
    fig.canvas.draw()
    assert not fig.legends, "a figure legend sits beside the axes"
    legends = [(ax, ax.get_legend()) for ax in fig.axes if ax.get_legend()]
    assert legends, "a chart with an ideal has a legend"
    for ax, legend in legends:
        box, frame = legend.get_window_extent(), ax.get_window_extent()
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, "legend beside the axes"
        assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, "legend off the axes"
        for data in _data_boxes(ax):
            assert data.y1 <= box.y0 + 1, f"the legend covers data: {data} vs {box}"


def _legible_on_a_phone(fig) -> None:
    """Every text inside the figure and, shown at a phone's column width, at least 8
    CSS px high."""
    scale = plotting.PHONE_COLUMN_PX / (fig.get_figwidth() * fig.dpi)
    drawn = fig.get_tightbbox()  # inches: all that is drawn, titles and labels too
    assert drawn.x0 >= -0.01 and drawn.x1 <= fig.get_figwidth() + 0.01, "text cut off"
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            assert text.get_fontsize() >= plotting.SMALLEST_TEXT_PT, text.get_text()
            size = text.get_fontsize() / 72 * fig.dpi * scale
            assert size >= 8.0, f"{text.get_text()!r}: {size:.1f} px on a phone"


def _figures():
    """Each chart, drawn only when a test asks for it."""
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
        "bar_chart": lambda: plotting.bar_chart({"a": T, "b": U}, title="bars", ideal=0.1),
        "scaling_chart": lambda: plotting.scaling_chart(
            [1, 2], {"s": [T, U]}, baseline=T, title="s", ceiling=1.5
        ),
        "speedup_bars": lambda: plotting.speedup_bars(
            race, {"b over a": ("b", "a")}, title="r", ideal=2.0
        ),
        "scaling_panels": lambda: plotting.scaling_panels(scaling, title="panels"),
        "cpus_chart": lambda: plotting.cpus_chart(scaling, title="cpus"),
        "overhead_chart": lambda: plotting.overhead_chart(
            [0.001, 0.01],
            {"pool": [T, U], "threads": [U, T]},
            ideals=[0.05, 0.05],
            title="a long title that has to wrap onto a second line on a phone",
        ),
        "overview_chart": lambda: plotting.overview_chart(
            Overview(
                4,
                0.1,
                {"waiting": {"threads": T, "asyncio": U}, "computing": {"processes": T}},
                {"waiting": 0.1, "computing": 0.2},
            )
        ),
        "bar_chart_log": lambda: plotting.bar_chart(
            {"fork": U, "spawn": Timing.of([1.0, 1.5])}, title="log", ideal=0.01, log=True
        ),
    }


@pytest.mark.parametrize("name", list(_figures()))
def test_every_chart_keeps_its_legend_off_the_data_and_carries_the_caption(name) -> None:
    fig = _figures()[name]()
    try:
        caption = fig._supxlabel.get_text()
        assert caption.replace("\n", " · ") == machine.caption()
        assert fig._supxlabel.get_position()[1] < min(
            ax.get_position().y0 for ax in fig.axes
        )
        _legend_off_the_data(fig)
        _legible_on_a_phone(fig)
        texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
        texts += [
            t.get_text()
            for ax in fig.axes
            if ax.get_legend()
            for t in ax.get_legend().get_texts()
        ]
        assert any("ideal" in text for text in texts)
    finally:
        plt.close(fig)


def test_a_timeline_with_long_names_keeps_its_text_inside_and_legible() -> None:
    fig = plotting.timeline_chart(
        [Span("main task (one after another)", "a", 0.0, 0.3), Span("b", "b", 0.3, 0.4)],
        title="One task waiting three times, then three at once",
    )
    try:
        fig.canvas.draw()
        _legible_on_a_phone(fig)
    finally:
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
