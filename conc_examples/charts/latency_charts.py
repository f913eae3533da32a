"""The latency chart: percentiles of several loads side by side, against a server stall.

:func:`percentiles_chart` draws, for each load, its latency at p50, p90, p99, p99.9 and
the max as grouped bars on a log axis (a fast median and a stalled tail differ by
decades), with the server's stall as the dashed reference line: a load that saw the
stall reaches it at its max, one that saw the queue behind the stall reaches it sooner.
The estimator (the nearest-rank percentile) is named on the axis.  The style, the
legend's place and the machine caption are those of :mod:`conc_examples.charts.plotting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from conc_examples.charts.plotting import (
    _IDEAL,
    SMALLEST_TEXT_PT,
    _figure,
    _legend_over_the_data,
)
from conc_examples.measure.latency import PERCENTILES, Latencies

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["percentiles_chart"]

_COLOURS = ["#4c78a8", "#e45756", "#54a24b", "#b279a2"]


def _name(p: float) -> str:
    return "max" if p == 100 else f"p{p:g}"


def percentiles_chart(loads: Sequence[Latencies], *, stall: float, title: str) -> Figure:
    """Grouped bars: each load's latency (ms) at each of :data:`PERCENTILES`.

    ``stall`` (seconds) is how long the server stalled: the dashed line.  Each bar is
    labelled with its value; the y axis is logarithmic.
    """
    if not loads:
        raise ValueError("percentiles_chart needs at least one load")
    fig, ax = _figure(title)
    width = 0.8 / len(loads)
    positions = range(len(PERCENTILES))
    tallest = stall * 1e3
    lowest = tallest
    for i, (load, colour) in enumerate(zip(loads, _COLOURS, strict=False)):
        values = [load.at(p) * 1e3 for p in PERCENTILES]
        tallest, lowest = max(tallest, *values), min(lowest, *values)
        bars = ax.bar(
            [x + (i - (len(loads) - 1) / 2) * width for x in positions],
            values,
            width,
            color=colour,
            label=f"{load.load} ({len(load.seconds)} requests)",
        )
        ax.bar_label(bars, fmt="%.3g", padding=2, fontsize=SMALLEST_TEXT_PT)
    ax.axhline(stall * 1e3, **_IDEAL, label=f"the server's stall: {stall * 1e3:.0f} ms")
    ax.set_yscale("log")
    ax.set_xticks(list(positions), [_name(p) for p in PERCENTILES])
    ax.set_xlabel("percentile of the requests")
    ax.set_ylabel("latency (ms, log scale),\nnearest-rank percentile")
    _legend_over_the_data(ax, tallest * 1.5, bottom=lowest / 2, log=True, gap_pt=12)
    return fig
