"""The charts of the site: bars, speed-ups, scaling and timelines, each with its ideal.

Every chart draws the ideal beside the measurement (a claim without its bound is half
a claim), says in its legend which estimator it shows (by default the best of the
runs, which load on a shared machine disturbs least, with the spread as whiskers),
keeps the legend outside the axes where it cannot cover data, and carries the machine
caption.  Figures are saved with a transparent background and dark text; the site's
stylesheet gives images a light backing in dark mode, so they read in both themes.

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

_STYLE = {
    "figure.figsize": (8.0, 3.8),
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


def _legend_outside(ax: Axes) -> None:
    """Put the legend to the right of the axes, where it cannot cover any data."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)


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
    legend, which names the estimator, sits outside the axes.  ``log=True`` draws the
    values on a logarithmic axis, for values that span several decades.
    """
    fig, ax = _figure(title)
    labels = list(timings)
    values = list(timings.values())
    bars = ax.bar(
        labels,
        [_estimate(t, estimator) for t in values],
        yerr=_whiskers(values, estimator),
        capsize=5,
        color="#4c78a8",
        label=_estimator_label(values, estimator),
    )
    ax.bar_label(bars, fmt="%.3g", padding=3, fontsize=9)
    if ideal is not None:
        ax.axhline(ideal, **_IDEAL, label=f"{ideal_label}: {ideal:.3g}")
    ax.set_ylabel(ylabel)
    top = max([t.max for t in values] + [ideal or 0])
    if log:
        ax.set_yscale("log")
        bottom = min([t.min for t in values] + ([ideal] if ideal else []))
        ax.set_ylim(bottom / 2, top * 3)
        ax.set_ylabel(f"{ylabel}, log scale")
    else:
        ax.set_ylim(0, top * 1.2)
    _legend_outside(ax)
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
    labels = list(pairs)
    best = [race.speedup(*pairs[k]) for k in labels]
    slowest = [race.slowest_speedup(*pairs[k]) for k in labels]
    low = [max(0.0, b - s) for b, s in zip(best, slowest, strict=True)]
    bars = ax.bar(
        labels,
        best,
        yerr=[low, [0.0] * len(labels)],
        capsize=5,
        color="#4c78a8",
        label=f"best of {race.rounds} rounds over best (whisker: down to the slowest)",
    )
    ax.bar_label(bars, fmt="%.2fx", padding=3, fontsize=9)
    ax.axhline(ideal, **_IDEAL, label=f"{ideal_label}: {ideal:.3g}x")
    ceiling = race.ceiling
    if ceiling is not None:
        ax.axhline(
            ceiling.speedup,
            **_CEILING,
            label=f"{ceiling.processes} independent processes: {ceiling.speedup:.2f}x",
        )
    ax.set_ylabel("speed-up (x)")
    ax.set_ylim(0, max([*best, ideal, ceiling.speedup if ceiling else 0]) * 1.2)
    _legend_outside(ax)
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
    :mod:`conc_examples.measure.ceiling`).  The legend sits outside the axes.
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
    ax.set_ylim(0, top * 1.2)
    _legend_outside(ax)
    return fig


def scaling_panels(scaling: Scaling, *, title: str) -> Figure:
    """Left: speed-up over one worker; right: CPUs in use, from :func:`measure_scaling`.

    The left panel shows the best round of one worker over each series' best round,
    with a whisker down to the slowest round, and the ceiling if it was measured; the
    right one the median CPU seconds per wall-clock second, which load can only lower.
    Both carry the ideal ``min(workers, usable CPUs)``; the legend sits outside.
    """
    workers, series, cpus = scaling.workers, scaling.timings, scaling.cpus
    baseline = scaling.one_worker
    ceiling = None if scaling.ceiling is None else scaling.ceiling.speedup
    ceiling_label = "2 independent processes"
    if scaling.ceiling is not None:
        ceiling_label = f"{scaling.ceiling.processes} independent processes"
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    with mpl.rc_context(_STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 3.8), layout="constrained")
    fig.patch.set_alpha(0.0)
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    fig.supxlabel(caption(), fontsize=8, color="#555555")
    cpus_here = usable_cpus()
    ideal = [min(n, cpus_here) for n in workers]
    top = max([*ideal, ceiling or 0])
    for ax in (left, right):
        ax.patch.set_alpha(0.0)
        ax.plot(workers, ideal, **_IDEAL, label=f"ideal: min(workers,\n{cpus_here} CPUs)")
        ax.set_xticks(list(workers))
        ax.set_xlabel("workers")
    if ceiling is not None:
        left.axhline(ceiling, **_CEILING, label=f"{ceiling_label}: {ceiling:.2f}x")
    runs = min(len(t.runs) for timings in series.values() for t in timings)
    for name, timings in series.items():
        points = [baseline / t.min for t in timings]
        low = [max(0.0, p - baseline / t.max) for p, t in zip(points, timings, strict=True)]
        (line,) = left.plot([], [])  # take the next colour for both panels
        colour = line.get_color()
        line.remove()
        left.errorbar(
            workers,
            points,
            yerr=[low, [0.0] * len(points)],
            marker="o",
            capsize=4,
            color=colour,
            label=name,
        )
        right.plot(workers, list(cpus[name]), marker="s", color=colour)
        top = max(top, *points, *cpus[name])
    left.set_title(f"speed-up over 1 worker (best of {runs} rounds)", fontsize=10)
    left.set_ylabel("speed-up (x)")
    right.set_title(f"CPUs in use (median of {runs} rounds)", fontsize=10)
    right.set_ylabel("CPU seconds per second")
    for ax in (left, right):
        ax.set_ylim(0, top * 1.2)
    handles, labels = left.get_legend_handles_labels()
    fig.legend(
        handles,
        [
            label + ("\n(whisker: down to its slowest round)" if label in series else "")
            for label in labels
        ],
        loc="outside right upper",
    )
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
    ax.set_ylim(0, max([*ideal, *(v for values in cpus.values() for v in values)]) * 1.2)
    _legend_outside(ax)
    return fig


def overview_chart(overview: Overview) -> Figure:
    """The landing page's figure: each job done four ways, the ideal beside each.

    Two panels (waiting, computing), one bar per way at its best round with a whisker
    up to the slowest, the ideal as a dashed line, the legend outside on the right.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    with mpl.rc_context(_STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(11.0, 3.8), layout="constrained")
    fig.patch.set_alpha(0.0)
    fig.suptitle(
        f"The same {overview.tasks} tasks done four ways: who gets faster?",
        fontsize=12,
        x=0.01,
        ha="left",
    )
    fig.supxlabel(caption(), fontsize=8, color="#555555")
    titles = {
        "waiting": f"waiting: {overview.tasks} waits of {overview.wait * 1e3:.0f} ms",
        "computing": f"computing: {overview.tasks} pure-Python tasks",
    }
    ideals = {
        "waiting": "ideal: one wait (all overlap)",
        "computing": f"ideal: sequential / {min(overview.tasks, usable_cpus())} CPUs",
    }
    for ax, (job, runs) in zip(axes, overview.timings.items(), strict=True):
        ax.patch.set_alpha(0.0)
        values = [t.scaled(1e3) for t in runs.values()]
        rounds = min(len(t.runs) for t in values)
        bars = ax.bar(
            list(runs),
            [t.min for t in values],
            yerr=[[0.0] * len(values), [t.max - t.min for t in values]],
            capsize=4,
            color="#4c78a8",
            label=f"best of {rounds} rounds\n(whisker: up to the slowest)",
        )
        ax.bar_label(bars, fmt="%.0f", padding=3, fontsize=9)
        ideal = overview.ideal[job] * 1e3
        ax.axhline(ideal, **_IDEAL, label=ideals[job])
        ax.set_title(titles[job], fontsize=10)
        ax.set_ylabel("wall time (ms)")
        ax.set_ylim(0, max([t.max for t in values] + [ideal]) * 1.2)
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="outside right upper")
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
    ax.set_ylabel(f"job time / ideal time\n(median of {rounds} rounds, fastest to slowest)")
    _legend_outside(ax)
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
