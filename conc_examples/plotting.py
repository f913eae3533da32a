"""The three charts of the site: bars, scaling and timelines, each with its ideal.

Every chart shows the median with min-max whiskers, draws the ideal beside the
measurement (a claim without its bound is half a claim), and carries the machine
caption.  Figures are saved with a transparent background and dark text; the site's
stylesheet gives images a light backing in dark mode, so they read in both themes.

matplotlib is imported when a chart is drawn, not with this module: a ``spawn`` child
re-imports its parent's script, and importing pyplot there costs about a second per
child for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from conc_examples.machine import caption, usable_cpus
from conc_examples.timeline import Span
from conc_examples.timing import Timing

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["bar_chart", "overhead_chart", "scaling_chart", "show", "timeline_chart"]

_STYLE = {
    "figure.figsize": (7.0, 3.8),
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.framealpha": 0.85,
}
_IDEAL = {"color": "#2a9d3a", "linestyle": "--", "linewidth": 1.5}
_CEILING = {"color": "#c0392b", "linestyle": ":", "linewidth": 1.8}


def _figure(title: str) -> tuple[Figure, Axes]:
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    with mpl.rc_context(_STYLE):
        fig, ax = plt.subplots(layout="constrained")
    # Transparent on the figure itself: sphinx-gallery saves it later, outside the
    # rc_context, so "savefig.transparent" alone would not apply.
    fig.patch.set_alpha(0.0)
    ax.patch.set_alpha(0.0)
    ax.set_title(title)
    fig.supxlabel(caption(), fontsize=8, color="#555555")
    return fig, ax


def _whiskers(values: Sequence[Timing]) -> list[list[float]]:
    return [[t.median - t.min for t in values], [t.max - t.median for t in values]]


def bar_chart(
    timings: Mapping[str, Timing],
    *,
    title: str,
    ideal: float | None = None,
    ideal_label: str = "ideal",
    ylabel: str = "wall time (s)",
) -> Figure:
    """Bars of median times with min-max whiskers, and the ideal as a dashed line."""
    fig, ax = _figure(title)
    labels = list(timings)
    values = list(timings.values())
    bars = ax.bar(
        labels,
        [t.median for t in values],
        yerr=_whiskers(values),
        capsize=5,
        color="#4c78a8",
        label="median (whiskers: min-max)",
    )
    ax.bar_label(bars, fmt="%.3g", padding=3, fontsize=9)
    if ideal is not None:
        ax.axhline(ideal, **_IDEAL, label=f"{ideal_label}: {ideal:.3g}")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, max([t.max for t in values] + [ideal or 0]) * 1.2)
    ax.legend(loc="best")  # away from the tallest bars and their labels
    return fig


def scaling_chart(
    workers: Sequence[int],
    series: Mapping[str, Sequence[Timing]],
    *,
    baseline: Timing,
    title: str,
    ceiling: float | None = None,
    ceiling_label: str = "measured ceiling",
) -> Figure:
    """Speed-up over ``baseline`` against the number of workers, one line per series.

    The ideal is ``min(workers, usable CPUs)``; ``ceiling`` is what independent
    processes reach on this machine (see :mod:`conc_examples.ceiling`).
    """
    fig, ax = _figure(title)
    cpus = usable_cpus()
    ideal = [min(n, cpus) for n in workers]
    ax.plot(workers, ideal, **_IDEAL, label=f"ideal: min(workers, {cpus} CPUs)")
    if ceiling is not None:
        ax.axhline(ceiling, **_CEILING, label=f"{ceiling_label}: {ceiling:.2f}x")
    for name, timings in series.items():
        speedups = [t.speedup_over(baseline) for t in timings]
        low = [s - baseline.median / t.max for s, t in zip(speedups, timings, strict=True)]
        high = [baseline.median / t.min - s for s, t in zip(speedups, timings, strict=True)]
        ax.errorbar(workers, speedups, yerr=[low, high], marker="o", capsize=4, label=name)
    ax.set_xticks(list(workers))
    ax.set_xlabel("workers")
    ax.set_ylabel(f"speed-up over baseline ({baseline.median:.3f} s)")
    ax.set_ylim(0, max([*ideal, ceiling or 0]) * 1.25)
    ax.legend(loc="upper left")
    return fig


def overhead_chart(
    durations: Sequence[float],
    series: Mapping[str, Sequence[Timing]],
    *,
    ideals: Sequence[float],
    title: str,
) -> Figure:
    """Each series' time over the ideal time, against the duration of one task.

    ``series`` maps an engine to one :class:`Timing` per duration; ``ideals`` is the
    ideal time of each job (its work spread perfectly over the workers).  1.0 is the
    ideal; a point at 5 means the job took five times its work.  Log-log axes: task
    sizes and overheads both span decades.
    """
    from matplotlib.ticker import FuncFormatter

    fig, ax = _figure(title)
    ax.axhline(1.0, **_IDEAL, label="ideal: the work alone (no cost per task)")
    for name, timings in series.items():
        ratios = [t.median / i for t, i in zip(timings, ideals, strict=True)]
        low = [r - t.min / i for r, t, i in zip(ratios, timings, ideals, strict=True)]
        high = [t.max / i - r for r, t, i in zip(ratios, timings, ideals, strict=True)]
        ax.errorbar(durations, ratios, yerr=[low, high], marker="o", capsize=4, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(list(durations), [f"{d * 1000:g}" for d in durations])
    ax.set_xlabel("duration of one task (ms)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
    ax.set_ylabel("job time / ideal time (median)")
    ax.legend(loc="upper right")
    return fig


def timeline_chart(spans: Sequence[Span], *, title: str) -> Figure:
    """One row per worker, one bar per task, time in seconds since the first start."""
    if not spans:
        raise ValueError("a timeline needs at least one span")
    fig, ax = _figure(title)
    origin = min(s.start for s in spans)
    workers: list[str] = []
    for span in sorted(spans, key=lambda s: s.start):
        if span.worker not in workers:
            workers.append(span.worker)
    from matplotlib import colormaps

    colours = colormaps["tab10"]
    for row, worker in enumerate(workers):
        mine = [s for s in spans if s.worker == worker]
        ax.broken_barh(
            [(s.start - origin, s.duration) for s in mine],
            (row - 0.35, 0.7),
            facecolors=colours(row % 10),
            edgecolor="white",
            linewidth=0.5,
        )
    ax.set_yticks(range(len(workers)), workers)
    ax.invert_yaxis()
    ax.set_xlabel("time since first start (s)")
    ax.grid(axis="y", visible=False)
    fig.set_figheight(max(2.4, 1.2 + 0.45 * len(workers)))
    return fig


def show() -> None:
    """Show figures when a reader runs the script with a GUI backend; else do nothing.

    ``plt.show()`` under the non-interactive Agg backend (sphinx-gallery, CI) only
    warns; the gallery collects open figures itself.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    if mpl.get_backend().lower() != "agg":
        plt.show()
