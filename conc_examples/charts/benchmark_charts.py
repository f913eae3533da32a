"""The two charts of the benchmarking chapter: clocks side by side, and a spread of runs.

:func:`clocks_chart` draws what several clocks read around the same blocks (median
bars, min-max whiskers, named on the axis) against the length of each block, the ideal.
:func:`spread_histogram` draws many runs of the same work on a log time axis, with
vertical lines at the summaries (min, median, mean...) the page compares.  Both carry
the machine caption and follow :mod:`conc_examples.charts.plotting`'s rules for a
phone: its figure size, no text under 9 points, the legend inside the top of the axes
with the data below it.  matplotlib is imported when a chart is drawn, not with this
module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from conc_examples.charts.plotting import SMALLEST_TEXT_PT, _figure, _legend_over_the_data
from conc_examples.measure.timing import Timing

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["clocks_chart", "spread_histogram"]

_IDEAL = {"color": "#2a9d3a", "linestyle": "--", "linewidth": 1.5}
_LINE_STYLES = [":", "--", "-.", (0, (1, 3)), (0, (5, 1))]


def _label_2_and_5(value: float, _position: object) -> str:
    """Label the minor ticks 2, 5, 20, 50... of a log axis; the others stay bare."""
    leading = f"{value:.0e}"[0]
    return f"{value:g}" if leading in "25" else ""


def clocks_chart(
    results: Mapping[str, Mapping[str, Timing]],
    *,
    block_seconds: float,
    title: str,
) -> Figure:
    """Grouped bars: for each block (outer key), what each clock (inner key) read, in ms.

    Each bar is the median of the runs, its whiskers reach the fastest and the slowest;
    the axis label says so.  The dashed line is ``block_seconds``, the length each
    block was made to last.
    """
    if not results:
        raise ValueError("clocks_chart needs at least one block of readings")
    figure, axes = _figure(title)
    blocks = list(results)
    clocks = list(results[blocks[0]])
    width = 0.8 / len(clocks)
    for offset, clock in enumerate(clocks):
        timings = [results[block][clock] for block in blocks]
        positions = [
            group + (offset - (len(clocks) - 1) / 2) * width for group in range(len(blocks))
        ]
        medians = [t.median * 1e3 for t in timings]
        whiskers = [
            [(t.median - t.min) * 1e3 for t in timings],
            [(t.max - t.median) * 1e3 for t in timings],
        ]
        bars = axes.bar(positions, medians, width, yerr=whiskers, capsize=3, label=clock)
        axes.bar_label(bars, fmt="%.0f", padding=2, fontsize=SMALLEST_TEXT_PT)
    axes.axhline(block_seconds * 1e3, **_IDEAL, label="length of each block")
    axes.set_xticks(range(len(blocks)), blocks)
    runs = min(len(t.runs) for block in results.values() for t in block.values())
    axes.set_ylabel(f"time by that clock (ms)\nmedian of {runs} runs, fastest to slowest")
    top = max(t.max for block in results.values() for t in block.values())
    _legend_over_the_data(axes, max(top, block_seconds) * 1e3, gap_pt=14)
    return figure


def spread_histogram(
    runs_ms: Sequence[float],
    marks: Mapping[str, float],
    *,
    title: str,
    bins: int = 40,
) -> Figure:
    """A histogram of ``runs_ms`` on a log axis, with a vertical line per mark (ms).

    The lines stop at the tallest bar, so that the legend above them covers nothing.
    """
    import numpy as np

    if len(runs_ms) < 2:
        raise ValueError("spread_histogram needs at least two runs")
    figure, axes = _figure(title)
    edges = np.geomspace(min(runs_ms) * 0.95, max(runs_ms) * 1.05, bins)
    counts, _, _ = axes.hist(
        runs_ms, bins=edges, color="#4c78a8", label=f"{len(runs_ms)} runs"
    )
    tallest = float(max(counts))
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter("{x:g}")
    axes.xaxis.set_minor_formatter(_label_2_and_5)
    for (name, value), style in zip(marks.items(), _LINE_STYLES, strict=False):
        axes.vlines(
            value,
            0,
            tallest,
            color="black",
            linestyle=style,
            label=f"{name}: {value:.3f} ms",
        )
    axes.set_xlabel("duration of one run (ms, log scale)")
    axes.set_ylabel("runs")
    _legend_over_the_data(axes, tallest)
    return figure
