"""The charts of the site: bars, speed-ups, scaling and timelines, each with its ideal.

Every chart draws the ideal beside the measurement (a claim without its bound is half
a claim), says in its legend which estimator it shows (by default the best of the
runs, which load on a shared machine disturbs least, with the spread as whiskers),
keeps the legend inside the top of the axes with every data point below it, and carries
the machine caption.

Every chart is drawn for a phone first: 5.2 inches wide, one column of panels, no
text under 9 points, so that shown 358 CSS px wide (a 390 px screen) its smallest text
is still 8 px (:data:`SMALLEST_TEXT_PT`, :data:`PHONE_COLUMN_PX`).  A legend to the
right of the axes would halve the plot there.  Figures are saved with a transparent
background and dark text; the site's stylesheet gives images a light backing in dark
mode, so they read in both themes.

matplotlib is imported when a chart is drawn, not with this module: a ``spawn`` child
re-imports its parent's script, and importing pyplot there costs about a second per
child for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from conc_examples.measure.machine import caption, usable_cpus
from conc_examples.measure.timeline import Span
from conc_examples.measure.timing import Timing

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from conc_examples.measure.ceiling import Scaling
    from conc_examples.measure.overview import Overview
    from conc_examples.measure.rounds import Race

__all__ = [
    "PHONE_COLUMN_PX",
    "SMALLEST_TEXT_PT",
    "bar_chart",
    "cpus_chart",
    "overhead_chart",
    "overview_chart",
    "scaling_chart",
    "scaling_panels",
    "show",
    "speedup_bars",
    "timeline_chart",
]

SMALLEST_TEXT_PT = 9.0  # no text on a chart is smaller
PHONE_COLUMN_PX = 358  # a figure's width on a 390 px wide screen (CSS px)
WIDTH_IN = 5.2  # 9 pt at 100 dpi in 520 px, shown 358 px wide: 8.6 px
_STYLE = {
    "figure.figsize": (WIDTH_IN, 4.0),
    "figure.dpi": 100,
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": SMALLEST_TEXT_PT,
    "legend.framealpha": 0.85,
}
_TITLE_CHARS = 50  # a 12 pt title wider than this wraps onto a second line
_LEGEND_CHARS = 44  # a legend entry wider than this wraps
_CAPTION_CHARS = 60  # the machine caption, at 9 pt, wraps at a " · " past this
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
    # Over the figure, from its left edge: centred over the axes, a title overflows
    # the figure when long worker names on the y axis push the axes to the right.
    fig.suptitle(_wrap(title, _TITLE_CHARS), fontsize=12, x=0.02, ha="left")
    _caption(fig)
    return fig, ax


def _wrap(text: str, width: int) -> str:
    """``text`` on as many lines as it takes to keep each under ``width`` characters."""
    import textwrap

    return "\n".join(
        "\n".join(textwrap.wrap(line, width, break_on_hyphens=False)) or line
        for line in text.splitlines()
    )


def _caption(fig: Figure) -> None:
    """The machine caption under everything, at the smallest size, on two lines if long."""
    parts = caption().split(" · ")
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 3 + len(part) > _CAPTION_CHARS:
            lines.append(part)
        else:
            lines[-1] += " · " + part
    fig.supxlabel("\n".join(lines), fontsize=SMALLEST_TEXT_PT, color="#555555")


def _legend_over_the_data(
    ax: Axes,
    top: float,
    *,
    bottom: float = 0.0,
    log: bool = False,
    gap_pt: float = 4.0,
    handles: Sequence[object] | None = None,
    labels: Sequence[str] | None = None,
) -> None:
    """The legend inside the top of the axes; the y-axis raised until the data is under it.

    To the right of the axes a legend halves the plot on a phone, and ``loc="best"``
    inside may still cover a bar.  So the legend takes the top left of the axes and the
    upper y limit is set so that ``top`` (the highest bar, whisker or point) stays
    ``gap_pt`` below the legend's lower edge: room for a bar's label above it.
    """
    if handles is None or labels is None:
        handles, labels = ax.get_legend_handles_labels()
    fig = ax.figure
    if not handles:
        ax.set_ylim(bottom, bottom * (top / bottom) ** 1.2 if log else top * 1.2)
        return
    legend = ax.legend(
        handles,
        [_wrap(label, _LEGEND_CHARS) for label in labels],
        loc="upper left",
        fontsize=SMALLEST_TEXT_PT,
    )
    for _ in range(2):  # tick labels change with the limits, and the axes with them
        fig.draw_without_rendering()
        frame, box = ax.get_window_extent(), legend.get_window_extent()
        room = (box.y0 - frame.y0 - gap_pt * fig.dpi / 72) / frame.height
        room = max(room, 0.3)  # a legend taller than the axes: let it cover, visibly
        if log:
            ax.set_ylim(bottom, bottom * (top / bottom) ** (1 / room))
        else:
            ax.set_ylim(bottom, bottom + (top - bottom) / room)


def _bar_labels(labels: Sequence[str]) -> list[str]:
    """Bar names wrapped to the width a bar has on a phone, so that they do not collide."""
    width = max(8, 48 // max(1, len(labels)))
    return [_wrap(label, width) for label in labels]


def _estimate(timing: Timing, estimator: str) -> float:
    if estimator == "best":
        return timing.min
    if estimator == "median":
        return timing.median
    raise ValueError(f"estimator must be 'best' or 'median', not {estimator!r}")


def _whiskers(values: Sequence[Timing], estimator: str = "median") -> list[list[float]]:
    """Whiskers from each bar to the fastest and the slowest run."""
    return [
        [_estimate(t, estimator) - t.min for t in values],
        [t.max - _estimate(t, estimator) for t in values],
    ]


def _estimator_label(values: Sequence[Timing], estimator: str) -> str:
    runs = min(len(t.runs) for t in values)
    if estimator == "best":
        return f"best of {runs} runs (whisker: up to the slowest)"
    return f"median of {runs} runs (whiskers: fastest to slowest)"


def bar_chart(
    timings: Mapping[str, Timing],
    *,
    title: str,
    ideal: float | None = None,
    ideal_label: str = "ideal",
    ylabel: str = "wall time (s)",
    estimator: str = "best",
    log: bool = False,
) -> Figure:
    """Bars of the best runs (or the medians) with whiskers, and the ideal as a line.

    ``estimator="best"`` (the default) draws each bar at the fastest run, the figure
    that load on the machine disturbs least, with a whisker up to the slowest;
    ``"median"`` draws the median with whiskers from the fastest to the slowest.  The
    legend, which names the estimator, sits at the top of the axes, above every bar.
    ``log=True`` draws the values on a logarithmic axis, for values that span several
    decades.
    """
    fig, ax = _figure(title)
    labels = _bar_labels(list(timings))
    values = list(timings.values())
    bars = ax.bar(
        labels,
        [_estimate(t, estimator) for t in values],
        yerr=_whiskers(values, estimator),
        capsize=5,
        color="#4c78a8",
        label=_estimator_label(values, estimator),
    )
    ax.bar_label(bars, fmt="%.3g", padding=3, fontsize=SMALLEST_TEXT_PT)
    if ideal is not None:
        ax.axhline(ideal, **_IDEAL, label=f"{ideal_label}: {ideal:.3g}")
    ax.set_ylabel(ylabel)
    top = max([t.max for t in values] + [ideal or 0])
    if log:
        ax.set_yscale("log")
        bottom = min([t.min for t in values] + ([ideal] if ideal else []))
        ax.set_ylabel(f"{ylabel}, log scale")
        _legend_over_the_data(ax, top * 1.5, bottom=bottom / 2, log=True, gap_pt=15)
    else:
        _legend_over_the_data(ax, top, gap_pt=15)
    return fig


def speedup_bars(
    race: Race,
    pairs: Mapping[str, tuple[str, str]],
    *,
    title: str,
    ideal: float,
    ideal_label: str = "ideal",
) -> Figure:
    """Bars of speed-ups from a race: ``pairs[label] = (contender, baseline)``.

    Each bar compares the best rounds of the two; its whisker goes down to the
    contender's slowest round against the baseline's best, so it shows how far load
    pulled the figure down.  The race's ceiling, if it measured one, is drawn too.
    """
    fig, ax = _figure(title)
    names = list(pairs)
    labels = _bar_labels(names)
    best = [race.speedup(*pairs[k]) for k in names]
    slowest = [race.slowest_speedup(*pairs[k]) for k in names]
    low = [max(0.0, b - s) for b, s in zip(best, slowest, strict=True)]
    bars = ax.bar(
        labels,
        best,
        yerr=[low, [0.0] * len(labels)],
        capsize=5,
        color="#4c78a8",
        label=f"best of {race.rounds} rounds over best (whisker: down to the slowest)",
    )
    ax.bar_label(bars, fmt="%.2fx", padding=3, fontsize=SMALLEST_TEXT_PT)
    ax.axhline(ideal, **_IDEAL, label=f"{ideal_label}: {ideal:.3g}x")
    ceiling = race.ceiling
    if ceiling is not None:
        ax.axhline(
            ceiling.speedup,
            **_CEILING,
            label=f"{ceiling.processes} independent processes: {ceiling.speedup:.2f}x",
        )
    ax.set_ylabel("speed-up (x)")
    _legend_over_the_data(
        ax, max([*best, ideal, ceiling.speedup if ceiling else 0]), gap_pt=15
    )
    return fig


def scaling_chart(
    workers: Sequence[int],
    series: Mapping[str, Sequence[Timing]],
    *,
    baseline: Timing | Mapping[str, Timing],
    title: str,
    ceiling: float | None = None,
    ceiling_label: str = "measured ceiling",
    estimator: str = "best",
    ylabel: str | None = None,
) -> Figure:
    """Speed-up over ``baseline`` against the number of workers, one line per series.

    ``baseline`` is one Timing for every series, or one per series name (e.g. each
    pool with one worker, so that one worker is 1x by construction).  With
    ``estimator="best"`` (the default) each point is the baseline's fastest run over
    the series' fastest run, with a whisker down to its slowest; ``"median"`` divides
    medians and spans fastest to slowest.  The ideal is ``min(workers, usable CPUs)``;
    ``ceiling`` is what independent processes reach on this machine (see
    :mod:`conc_examples.measure.ceiling`).  The legend sits at the top of the axes,
    above every point.
    """
    fig, ax = _figure(title)
    cpus = usable_cpus()
    ideal = [min(n, cpus) for n in workers]
    ax.plot(workers, ideal, **_IDEAL, label=f"ideal: min(workers, {cpus} CPUs)")
    if ceiling is not None:
        ax.axhline(ceiling, **_CEILING, label=f"{ceiling_label}: {ceiling:.2f}x")
    top = max([*ideal, ceiling or 0])
    for name, timings in series.items():
        base = baseline[name] if isinstance(baseline, Mapping) else baseline
        reference = _estimate(base, estimator)
        points = [reference / _estimate(t, estimator) for t in timings]
        low = [
            max(0.0, p - reference / t.max) for p, t in zip(points, timings, strict=True)
        ]
        high = [
            0.0 if estimator == "best" else reference / t.min - p
            for p, t in zip(points, timings, strict=True)
        ]
        ax.errorbar(workers, points, yerr=[low, high], marker="o", capsize=4, label=name)
        top = max(top, *(p + h for p, h in zip(points, high, strict=True)))
    ax.set_xticks(list(workers))
    ax.set_xlabel("workers")
    if ylabel is None:
        runs = min(len(t.runs) for timings in series.values() for t in timings)
        what = "best of" if estimator == "best" else "median of"
        ylabel = f"speed-up ({what} {runs} rounds)"
    ax.set_ylabel(ylabel)
    _legend_over_the_data(ax, top)
    return fig


def _panels(title: str, height: float) -> tuple[Figure, list[Axes]]:
    """Two panels one above the other (side by side they are half as wide on a phone)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    with mpl.rc_context(_STYLE):
        fig, axes = plt.subplots(2, 1, figsize=(WIDTH_IN, height), layout="constrained")
    fig.patch.set_alpha(0.0)
    for ax in axes:
        ax.patch.set_alpha(0.0)
    fig.suptitle(_wrap(title, _TITLE_CHARS), fontsize=12, x=0.02, ha="left")
    _caption(fig)
    return fig, list(axes)


def scaling_panels(scaling: Scaling, *, title: str) -> Figure:
    """Above: speed-up over one worker; below: CPUs in use, from :func:`measure_scaling`.

    The upper panel shows the best round of one worker over each series' best round,
    with a whisker down to the slowest round, and the ceiling if it was measured; the
    lower one the median CPU seconds per wall-clock second, which load can only lower.
    Both carry the ideal ``min(workers, usable CPUs)`` and share the y scale; the legend
    sits at the top of the upper panel, above its points, and serves both (one colour
    per series).
    """
    workers, series, cpus = scaling.workers, scaling.timings, scaling.cpus
    baseline = scaling.one_worker
    ceiling = None if scaling.ceiling is None else scaling.ceiling.speedup
    ceiling_label = "2 independent processes"
    if scaling.ceiling is not None:
        ceiling_label = f"{scaling.ceiling.processes} independent processes"
    fig, (upper, lower) = _panels(title, 6.6)
    cpus_here = usable_cpus()
    ideal = [min(n, cpus_here) for n in workers]
    top = max([*ideal, ceiling or 0])
    for ax in (upper, lower):
        ax.plot(workers, ideal, **_IDEAL, label=f"ideal: min(workers, {cpus_here} CPUs)")
        ax.set_xticks(list(workers))
        ax.set_xlabel("workers")
    if ceiling is not None:
        upper.axhline(ceiling, **_CEILING, label=f"{ceiling_label}: {ceiling:.2f}x")
    runs = min(len(t.runs) for timings in series.values() for t in timings)
    for name, timings in series.items():
        points = [baseline / t.min for t in timings]
        low = [max(0.0, p - baseline / t.max) for p, t in zip(points, timings, strict=True)]
        (line,) = upper.plot([], [])  # take the next colour for both panels
        colour = line.get_color()
        line.remove()
        upper.errorbar(
            workers,
            points,
            yerr=[low, [0.0] * len(points)],
            marker="o",
            capsize=4,
            color=colour,
            label=name,
        )
        lower.plot(workers, list(cpus[name]), marker="s", color=colour)
        top = max(top, *points, *cpus[name])
    upper.set_title(
        f"speed-up over 1 worker: best of {runs} rounds\n"
        "(whisker: down to the slowest round)",
        fontsize=10,
    )
    upper.set_ylabel("speed-up (x)")
    lower.set_title(f"CPUs in use: median of {runs} rounds", fontsize=10)
    lower.set_ylabel("CPU s per second")
    _legend_over_the_data(upper, top)
    lower.set_ylim(upper.get_ylim())
    return fig


def cpus_chart(scaling: Scaling, *, title: str) -> Figure:
    """CPUs in use (CPU seconds per wall-clock second) against the number of workers.

    One line per kind of pool in a :class:`~conc_examples.measure.ceiling.Scaling`, the
    median of its rounds, and the ideal ``min(workers, usable CPUs)``.  Load on the
    machine can only lower these figures, so a series that stays at one CPU stays there
    in every build.
    """
    workers, cpus, rounds = scaling.workers, scaling.cpus, scaling.rounds
    fig, ax = _figure(title)
    cpus_here = usable_cpus()
    ideal = [min(n, cpus_here) for n in workers]
    ax.plot(workers, ideal, **_IDEAL, label=f"ideal: min(workers, {cpus_here} CPUs)")
    for name, values in cpus.items():
        ax.plot(workers, list(values), marker="o", label=name)
    ax.set_xticks(list(workers))
    ax.set_xlabel("workers")
    ax.set_ylabel(f"CPUs in use (CPU s per s,\nmedian of {rounds} rounds)")
    _legend_over_the_data(
        ax, max([*ideal, *(v for values in cpus.values() for v in values)])
    )
    return fig


def overview_chart(overview: Overview) -> Figure:
    """The landing page's figure: each job done four ways, the ideal beside each.

    Two panels one above the other (waiting, computing), one bar per way at its best
    round with a whisker up to the slowest, the ideal as a dashed line; each panel's
    legend sits at its top, above the bars, and the estimator is named once, in the
    upper one.
    """
    fig, axes = _panels(
        f"The same {overview.tasks} tasks done four ways: who gets faster?", 6.8
    )
    titles = {
        "waiting": f"waiting: {overview.tasks} waits of {overview.wait * 1e3:.0f} ms",
        "computing": f"computing: {overview.tasks} pure-Python tasks",
    }
    ideals = {
        "waiting": "ideal: one wait (all overlap)",
        "computing": f"ideal: sequential / {min(overview.tasks, usable_cpus())} CPUs",
    }
    for index, (ax, (job, runs)) in enumerate(
        zip(axes, overview.timings.items(), strict=True)
    ):
        values = [t.scaled(1e3) for t in runs.values()]
        rounds = min(len(t.runs) for t in values)
        bars = ax.bar(
            _bar_labels(list(runs)),
            [t.min for t in values],
            yerr=[[0.0] * len(values), [t.max - t.min for t in values]],
            capsize=4,
            color="#4c78a8",
            label=f"best of {rounds} rounds (whisker: up to the slowest)"
            if index == 0
            else "_the estimator, named once",
        )
        ax.bar_label(bars, fmt="%.0f", padding=3, fontsize=SMALLEST_TEXT_PT)
        ideal = overview.ideal[job] * 1e3
        ax.axhline(ideal, **_IDEAL, label=ideals[job])
        ax.set_title(titles[job], fontsize=10)
        ax.set_ylabel("wall time (ms)")
        _legend_over_the_data(ax, max([t.max for t in values] + [ideal]), gap_pt=15)
    return fig


def overhead_chart(
    durations: Sequence[float],
    series: Mapping[str, Sequence[Timing]],
    *,
    ideals: Sequence[float],
    title: str,
) -> Figure:
    """Each series' median time over the ideal time, against the duration of one task.

    The point is the median of the rounds, the whiskers reach the fastest and the
    slowest; the axis label says so.

    ``series`` maps an engine to one :class:`Timing` per duration; ``ideals`` is the
    ideal time of each job (its work spread perfectly over the workers).  1.0 is the
    ideal; a point at 5 means the job took five times its work.  Log-log axes: task
    sizes and overheads both span decades.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

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
    # Plain ratios (1x, 2x, 5x ...) on the log axis; no minor labels to crowd it.
    ax.yaxis.set_major_locator(FixedLocator([1, 1.5, 2, 3, 5, 10, 20, 50, 100]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(NullFormatter())
    rounds = min(len(t.runs) for timings in series.values() for t in timings)
    ax.set_ylabel(
        f"job time / ideal time\n(median of {rounds} rounds,\nfastest to slowest)"
    )
    highest = max(
        t.max / i
        for timings in series.values()
        for t, i in zip(timings, ideals, strict=True)
    )
    lowest = min(
        t.min / i
        for timings in series.values()
        for t, i in zip(timings, ideals, strict=True)
    )
    _legend_over_the_data(
        ax, max(highest, 1.0) * 1.1, bottom=min(lowest, 1.0) / 1.2, log=True
    )
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
            linewidth=0,  # a white edge would wash out the shortest bars
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
