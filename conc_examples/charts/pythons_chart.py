"""The versions chart and table: the same small measurements under each Python.

:func:`pythons_chart` draws, for each measurement, one bar per interpreter: its time
divided by the oldest Python's, on a log axis (a start method that got ten times
cheaper and a hand-off that did not change share one chart).  The dashed line at 1 is
"as on the oldest Python": below it, cheaper.  :func:`pythons_table` prints the same
figures in their units.  The style and the machine caption are those of
:mod:`conc_examples.charts.plotting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from conc_examples.charts.plotting import _IDEAL, SMALLEST_TEXT_PT, _figure
from conc_examples.work.pythons import Measured

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["pythons_chart", "pythons_table"]

_COLOURS = ["#9e9e9e", "#4c78a8", "#f58518", "#e45756", "#b279a2", "#72b7b2", "#9d755d"]
STARTS = ("fork", "forkserver", "spawn")
# The chart's bars: a short name and the probe's key (µs) for each.
_OTHERS = {
    "pool": "pool_round_trip_us",
    "task": "asyncio_task_us",
    "hand-off": "thread_hand_off_us",
}


def _rows(measured: Sequence[Measured]) -> dict[str, dict[str, float]]:
    """Each bar's figure (µs) by measurement, then by Python."""
    rows = {
        s: {m.label: m.figures["process_start_us"].get(s, 0.0) for m in measured}
        for s in STARTS
    }
    for name, key in _OTHERS.items():
        rows[name] = {m.label: m.figures[key] for m in measured}
    return rows


def pythons_chart(measured: Sequence[Measured], *, title: str) -> Figure:
    """Grouped bars: each measurement over the first Python's, per Python."""
    if not measured:
        raise ValueError("pythons_chart needs at least one Python")
    base = measured[0].label
    rows = _rows(measured)
    names = [name for name, by in rows.items() if by.get(base)]
    fig, ax = _figure(title)
    width = 0.8 / len(measured)
    ratios: list[float] = [1.0]
    for i, (python, colour) in enumerate(zip(measured, _COLOURS, strict=False)):
        values = [rows[n].get(python.label, 0.0) / rows[n][base] for n in names]
        ratios += [v for v in values if v > 0]
        ax.bar(
            [x + (i - (len(measured) - 1) / 2) * width for x in range(len(names))],
            values,
            width,
            color=colour,
            label=python.label,
        )
    ax.axhline(1.0, **_IDEAL, label=f"as on {base}")
    ax.set_yscale("log")
    ax.set_ylim(min(ratios) / 2, max(ratios) * 8)  # the legend's room, above the bars
    ax.set_xticks(range(len(names)), names, fontsize=SMALLEST_TEXT_PT)
    ax.set_ylabel(f"time over {base}'s (log scale),\nmedian of a few tries")
    ax.legend(loc="upper center", ncols=3)
    return fig


def pythons_table(measured: Sequence[Measured]) -> str:
    """The figures as a table: starts and the interpreter in ms, the rest in µs."""
    lines = [
        "Python   default      fork forkserver  spawn  pool  task hand-off interp",
        "                        ms         ms     ms    us    us       us     ms",
    ]
    for m in measured:
        f, interpreter = m.figures, m.figures["interpreter_us"]
        starts = [f["process_start_us"].get(s, 0.0) / 1e3 for s in STARTS]
        lines.append(
            f"{m.label:<8} {f['default_start_method']:<10}"
            + f" {starts[0]:6.1f} {starts[1]:10.1f} {starts[2]:6.0f}"
            + f" {f['pool_round_trip_us']:5.0f} {f['asyncio_task_us']:5.1f}"
            + f" {f['thread_hand_off_us']:8.1f}"
            + (f" {interpreter / 1e3:6.1f}" if interpreter else "      -")
        )
    return "\n".join(lines)
