"""conc_examples.charts.benchmark_charts: the clocks chart and the spread histogram."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from conc_examples.charts.benchmark_charts import clocks_chart, spread_histogram
from conc_examples.charts.plotting import PHONE_COLUMN_PX
from conc_examples.measure.timing import Timing


def test_clocks_chart_draws_a_bar_per_block_and_clock_and_the_ideal() -> None:
    readings = {
        block: {clock: Timing.of([0.1, 0.11, 0.12]) for clock in ("wall", "cpu")}
        for block in ("sleep", "compute")
    }
    figure = clocks_chart(readings, block_seconds=0.1, title="t")
    try:
        axes = figure.axes[0]
        assert len(axes.patches) == 4  # 2 blocks x 2 clocks
        assert [t.get_text() for t in axes.get_xticklabels()] == ["sleep", "compute"]
        assert any(line.get_ydata()[0] == pytest.approx(100) for line in axes.lines)
        # The bars are medians, and the axis says so (one estimator, named once).
        assert axes.patches[0].get_height() == pytest.approx(110)
        assert "median of 3 runs" in axes.get_ylabel()
        _legend_inside_above_the_data(figure)
        _legible_on_a_phone(figure)
    finally:
        plt.close(figure)


def _legend_inside_above_the_data(figure) -> None:
    """The legend inside the axes (beside them it halves a phone's plot), over no data."""
    figure.canvas.draw()
    axes = figure.axes[0]
    box, frame = axes.get_legend().get_window_extent(), axes.get_window_extent()
    assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1
    for artist in [*axes.patches, *axes.lines, *axes.collections]:
        assert artist.get_window_extent().y1 <= box.y0 + 1, "the legend covers data"


def _legible_on_a_phone(figure) -> None:
    scale = PHONE_COLUMN_PX / (figure.get_figwidth() * figure.dpi)
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            assert text.get_fontsize() / 72 * figure.dpi * scale >= 8.0, text.get_text()


def test_spread_histogram_marks_each_summary_and_keeps_the_legend_off_the_data() -> None:
    figure = spread_histogram([1.0, 1.1, 1.2, 5.0], {"min": 1.0, "median": 1.15}, title="t")
    try:
        axes = figure.axes[0]
        labels = [text.get_text() for text in axes.get_legend().get_texts()]
        assert labels == ["4 runs", "min: 1.000 ms", "median: 1.150 ms"]
        _legend_inside_above_the_data(figure)
        _legible_on_a_phone(figure)
    finally:
        plt.close(figure)


def test_bad_input_gets_one_clear_message() -> None:
    with pytest.raises(ValueError, match="at least one block"):
        clocks_chart({}, block_seconds=0.1, title="t")
    with pytest.raises(ValueError, match="at least two runs"):
        spread_histogram([1.0], {}, title="t")
