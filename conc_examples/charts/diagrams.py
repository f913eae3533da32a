"""Pictures of the mechanisms the chapters measure, drawn from code at build time.

Six diagrams: the GIL passing between two threads, the event loop's cycle, one task's
round trip through a process pool, the three start methods, Ctrl-C reaching a process
group, and the two clocks that tell computing from waiting.  Each is a function that
returns a matplotlib figure; :data:`DIAGRAMS` names them with the text alternative that
says what the picture shows, so the page and the picture never disagree
(``docs/_ext/diagrams.py`` draws them while the site builds and puts them on the concept
pages and in the galleries' thumbnails).

They are drawn for a phone: a 10:7 canvas (the gallery thumbnail's shape), few labels,
large type.  Unlike the charts (transparent, backed by the stylesheet in dark mode) a
diagram carries its own light, opaque background: it appears on pages and in places the
stylesheet's figure rules do not reach, and dark text on it reads in both themes.

matplotlib is imported when a diagram is drawn, not with this module, as in
:mod:`conc_examples.charts.plotting`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BACKGROUND",
    "DIAGRAMS",
    "SIZE",
    "Diagram",
    "ctrl_c_process_group",
    "event_loop_cycle",
    "gil_handoff",
    "pool_round_trip",
    "start_methods",
    "two_clocks",
]

SIZE = (6.0, 4.2)  # inches: 10:7, the shape of a gallery thumbnail (400 x 280)
BACKGROUND = "#f4f5f7"  # light and opaque: dark text on it reads in either theme
INK = "#1b1f24"
SOFT_INK = "#3d444d"  # still 4.5:1 and more against the background
TITLE_PT = 17
LABEL_PT = 15
NOTE_PT = 13  # the smallest type: about 12 px when the figure is 390 px wide

# Fills light enough for dark text, told apart by hue and by hatching too.
RUNS = "#9ec5ec"
WAITS = "#e3e5e8"
IO = "#f6c58f"
PARENT = "#cfe3f6"
CHILD = "#d9efd2"
PIPE = "#f8dcb5"


@dataclass(frozen=True)
class Diagram:
    """A diagram: the function that draws it and the words that stand in for it."""

    name: str
    draw: Callable[[], Figure]
    alt: str  # what the picture shows, for a reader who cannot see it


def _canvas(title: str) -> tuple[Figure, Axes]:
    """A 10 x 7 unit drawing area filling the figure, on the opaque background."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=SIZE, dpi=100, facecolor=BACKGROUND)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 7)
    ax.set_axis_off()
    ax.text(5, 6.55, title, ha="center", va="center", fontsize=TITLE_PT, color=INK,
            fontweight="bold")  # fmt: skip
    return fig, ax


def _box(
    ax: Axes,
    center: tuple[float, float],
    size: tuple[float, float],
    text: str,
    *,
    fill: str,
    fontsize: float = LABEL_PT,
    hatch: str | None = None,
    dashed: bool = False,
    heading: str = "",
) -> None:
    """A rounded box with its text centred in it, under a bold ``heading`` if given."""
    from matplotlib.patches import FancyBboxPatch

    (x, y), (w, h) = center, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h,
            boxstyle="round,pad=0.02,rounding_size=0.15",
            facecolor=fill, edgecolor=INK, linewidth=1.4, hatch=hatch,
            linestyle="--" if dashed else "-",
        )
    )  # fmt: skip
    if heading:  # a bold name on top, the text under it
        ax.text(x, y + h / 2 - 0.35, heading, ha="center", va="center",
                fontsize=fontsize, color=INK, fontweight="bold")  # fmt: skip
        y -= 0.25
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=INK,
                linespacing=1.15)  # fmt: skip


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    bend: float = 0.0,
    color: str = INK,
) -> None:
    """An arrow from ``start`` to ``end``, curved by ``bend`` (0 is straight)."""
    ax.annotate(
        "", xy=end, xytext=start,
        arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.3", "color": color,
                    "linewidth": 2.0, "shrinkA": 2, "shrinkB": 2,
                    "connectionstyle": f"arc3,rad={bend}"},
    )  # fmt: skip


def gil_handoff() -> Figure:
    """Two threads and one GIL on a time line: who runs, who waits, and why it changes.

    Thread A computes until B has waited a switch interval (5 ms) for the GIL; A drops
    it at its next check and B runs.  When B starts blocking I/O it drops the GIL at
    once, and A takes it back.  Only one bar is "runs" at any moment: that is the GIL.
    """
    fig, ax = _canvas("One GIL, two threads")
    left, right, end_ms = 2.1, 9.6, 16.0

    def x(ms: float) -> float:
        return left + (right - left) * ms / end_ms

    lanes = {"thread A": 4.7, "thread B": 2.9}
    spans = {
        "thread A": [(0, 5, "runs"), (5, 8, "waits"), (8, 16, "runs")],
        "thread B": [(0, 5, "waits"), (5, 8, "runs"), (8, 14, "I/O"), (14, 16, "waits")],
    }
    style = {"runs": (RUNS, None), "waits": (WAITS, "///"), "I/O": (IO, None)}
    for lane, y in lanes.items():
        ax.text(left - 0.15, y, lane, ha="right", va="center", fontsize=LABEL_PT,
                color=INK)  # fmt: skip
        for start, stop, kind in spans[lane]:
            fill, hatch = style[kind]
            _box(ax, ((x(start) + x(stop)) / 2, y), (x(stop) - x(start) - 0.06, 0.95),
                 kind if kind != "waits" else "", fill=fill, hatch=hatch)  # fmt: skip
    # The hand-offs: down at the switch interval, up when B blocks on I/O.
    _arrow(ax, (x(5), lanes["thread A"] - 0.5), (x(5), lanes["thread B"] + 0.5))
    _arrow(ax, (x(8), lanes["thread B"] + 0.5), (x(8), lanes["thread A"] - 0.5))
    ax.text(x(5), 5.65, "5 ms: A must\ndrop it", ha="center", va="center",
            fontsize=NOTE_PT, color=SOFT_INK)  # fmt: skip
    ax.text(x(8) + 0.12, 1.95, "B blocks on I/O:\ndrops it at once", ha="left",
            va="center", fontsize=NOTE_PT, color=SOFT_INK)  # fmt: skip
    # The legend for the one unlabelled kind, and the time axis.
    _box(ax, (0.55, 0.75), (0.55, 0.45), "", fill=WAITS, hatch="///")
    ax.text(1.0, 0.75, "waits for the GIL", ha="left", va="center", fontsize=NOTE_PT,
            color=INK)  # fmt: skip
    ax.annotate(
        "",
        xy=(right, 1.3),
        xytext=(left, 1.3),
        arrowprops={"arrowstyle": "-|>", "color": SOFT_INK, "linewidth": 1.4},
    )
    ax.text(right, 0.75, "time", ha="right", va="center", fontsize=NOTE_PT,
            color=SOFT_INK)  # fmt: skip
    return fig


def event_loop_cycle() -> Figure:
    """The three steps an asyncio event loop repeats, in its one thread.

    It runs every callback in the ready queue (a task's step runs up to its next
    ``await``), then asks the selector to sleep until a socket is ready or the next
    timer is due, then queues the callbacks of what became ready.  A step that never
    reaches an ``await`` stops the whole cycle: that is why blocking the loop hurts.
    """
    fig, ax = _canvas("The event loop's cycle")
    size = (4.2, 1.6)
    ready, selector, callbacks = (5.0, 4.85), (7.45, 1.35), (2.55, 1.35)
    _box(ax, ready, size, "runs each task\nto its next await", fill=RUNS,
         heading="ready queue")  # fmt: skip
    _box(ax, selector, size, "sleeps until a\nsocket or timer", fill=WAITS,
         heading="selector")  # fmt: skip
    _box(ax, callbacks, size, "of what is ready\njoin the queue", fill=IO,
         heading="callbacks")  # fmt: skip
    _arrow(ax, (ready[0] + 2.15, ready[1] - 0.2), (selector[0] + 0.6, selector[1] + 0.8),
           bend=-0.35)  # fmt: skip
    _arrow(ax, (selector[0] - 2.15, selector[1]), (callbacks[0] + 2.15, callbacks[1]))
    _arrow(ax, (callbacks[0] - 0.6, callbacks[1] + 0.8), (ready[0] - 2.15, ready[1] - 0.2),
           bend=-0.35)  # fmt: skip
    ax.text(5.0, 3.05, "one thread,\nround and round", ha="center", va="center",
            fontsize=NOTE_PT, color=SOFT_INK)  # fmt: skip
    return fig


def pool_round_trip() -> Figure:
    """One task through a process pool: everything that crosses is pickled bytes.

    The parent pickles the function and its arguments and writes the bytes to a pipe;
    the worker reads and unpickles them, runs the function, pickles the result and
    sends it back the same way.  Each crossing costs copying and pickling, which is the
    cost a pool's task pays on top of the work.
    """
    fig, ax = _canvas("A task's round trip in a pool")
    ax.text(1.9, 5.75, "parent", ha="center", va="center", fontsize=LABEL_PT,
            color=INK, fontweight="bold")  # fmt: skip
    ax.text(8.1, 5.75, "worker", ha="center", va="center", fontsize=LABEL_PT,
            color=INK, fontweight="bold")  # fmt: skip
    ax.text(5.0, 5.75, "pipe", ha="center", va="center", fontsize=LABEL_PT,
            color=INK, fontweight="bold")  # fmt: skip
    size = (3.3, 1.2)
    _box(ax, (1.9, 4.55), size, "pickles\nf and x", fill=PARENT)
    _box(ax, (5.0, 4.55), (1.7, 0.8), "bytes", fill=PIPE)
    _box(ax, (8.1, 4.55), size, "unpickles\nf and x", fill=CHILD)
    _box(ax, (8.1, 2.75), size, "runs f(x),\npickles result", fill=CHILD)
    _box(ax, (5.0, 1.0), (1.7, 0.8), "bytes", fill=PIPE)
    _box(ax, (1.9, 1.0), size, "unpickles\nthe result", fill=PARENT)
    _arrow(ax, (3.6, 4.55), (4.1, 4.55))
    _arrow(ax, (5.9, 4.55), (6.4, 4.55))
    _arrow(ax, (8.1, 3.9), (8.1, 3.4))
    _arrow(ax, (8.1, 2.1), (5.95, 1.0), bend=-0.3)
    _arrow(ax, (4.1, 1.0), (3.6, 1.0))
    ax.text(1.9, 2.75, "each crossing:\ncopy + pickle", ha="center", va="center",
            fontsize=NOTE_PT, color=SOFT_INK)  # fmt: skip
    return fig


def start_methods() -> Figure:
    """How each start method makes a child: copy the parent, start afresh, or fork clean.

    ``fork`` copies the parent (memory, imported modules, everything) and the child
    runs the target at once; ``spawn`` starts a new interpreter that imports the main
    script as ``__mp_main__`` before it runs the target; ``forkserver`` forks each
    child from a server process started early, clean of the parent's state.
    """
    fig, ax = _canvas("Three ways to start a child")
    columns = {
        "fork": (1.7, "copy of the\nparent", "Linux before 3.14"),
        "spawn": (5.0, "fresh python\nimports script\nas __mp_main__", "macOS, Windows"),
        "forkserver": (8.3, "fork of a\nclean server", "Linux from 3.14"),
    }
    for method, (x, how, default) in columns.items():
        ax.text(x, 5.75, method, ha="center", va="center", fontsize=LABEL_PT + 1,
                color=INK, fontweight="bold", family="monospace")  # fmt: skip
        _box(ax, (x, 4.95), (3.05, 0.75), "parent", fill=PARENT)
        _box(ax, (x, 3.25), (3.05, 1.65), how, fill=WAITS, fontsize=LABEL_PT - 1)
        _box(ax, (x, 1.6), (3.05, 0.75), "child runs", fill=CHILD)
        _arrow(ax, (x, 4.55), (x, 4.1))
        _arrow(ax, (x, 2.4), (x, 2.0))
        ax.text(x, 0.7, f"default:\n{default}", ha="center", va="center",
                fontsize=NOTE_PT, color=SOFT_INK)  # fmt: skip
    return fig


def ctrl_c_process_group() -> Figure:
    """Ctrl-C in a terminal: the kernel sends SIGINT to every process of the foreground
    process group, the workers of a pool as well as the parent.

    That is why a pool's workers print their own ``KeyboardInterrupt`` tracebacks, and
    why the parent must not be the only one that decides what happens on Ctrl-C.
    """
    fig, ax = _canvas("Ctrl-C reaches the whole group")
    _box(ax, (1.45, 3.0), (2.3, 1.5), "terminal:\nCtrl-C", fill=IO)
    _box(ax, (7.25, 3.0), (4.7, 5.3), "", fill="none", dashed=True)
    ax.text(7.25, 5.3, "foreground process group", ha="center", va="center",
            fontsize=NOTE_PT, color=SOFT_INK)  # fmt: skip
    processes = [(4.45, "parent"), (3.3, "worker 1"), (2.15, "worker 2"),
                 (1.0, "worker 3")]  # fmt: skip
    for y, name in processes:
        _box(ax, (7.25, y), (3.3, 0.9), name, fill=PARENT if name == "parent" else CHILD)
        _arrow(ax, (2.65, 3.0), (5.55, y))
    ax.text(3.55, 5.0, "SIGINT\nto each", ha="center", va="center", fontsize=LABEL_PT,
            color=INK, fontweight="bold")  # fmt: skip
    return fig


def two_clocks() -> Figure:
    """The wall clock and the CPU clock of a process, for work that computes and work
    that waits: the one measurement that tells CPU-bound from I/O-bound work.

    While a process computes, its CPU clock keeps pace with the wall clock; while it
    waits (a sleep, a socket, a disk), the wall clock runs on and the CPU clock hardly
    moves.  A sketch of what the measurement shows, not a measurement.
    """
    fig, ax = _canvas("Two clocks tell the work apart")
    left, right = 3.3, 9.6
    rows = [
        ("computes", 4.85, [("wall clock", 1.0, WAITS), ("CPU clock", 0.97, RUNS)]),
        ("waits", 2.05, [("wall clock", 1.0, WAITS), ("CPU clock", 0.04, RUNS)]),
    ]
    for kind, y, bars in rows:
        ax.text(0.2, y, kind, ha="left", va="center", fontsize=LABEL_PT + 1,
                color=INK, fontweight="bold")  # fmt: skip
        for (clock, share, fill), dy in zip(bars, (0.55, -0.55), strict=True):
            width = (right - left) * share
            _box(ax, (left + width / 2, y + dy), (width, 0.8), "", fill=fill)
            ax.text(left - 0.15, y + dy, clock.split()[0], ha="right", va="center",
                    fontsize=NOTE_PT, color=SOFT_INK)  # fmt: skip
    ax.text(6.45, 4.3 - 0.95, "CPU keeps pace: CPU-bound", ha="center", va="center",
            fontsize=NOTE_PT, color=INK)  # fmt: skip
    ax.text(6.45, 0.55, "CPU hardly moves: I/O-bound", ha="center", va="center",
            fontsize=NOTE_PT, color=INK)  # fmt: skip
    return fig


DIAGRAMS: dict[str, Diagram] = {
    d.name: d
    for d in (
        Diagram(
            "gil_handoff",
            gil_handoff,
            "A time line of two threads sharing one GIL. Thread A runs while thread B"
            " waits for the GIL; after the 5 ms switch interval A drops it and B runs;"
            " when B blocks on I/O it drops the GIL at once and A runs again. At every"
            " moment at most one thread runs Python code.",
        ),
        Diagram(
            "event_loop_cycle",
            event_loop_cycle,
            "The event loop's cycle in one thread, three steps in a circle: the ready"
            " queue runs each task up to its next await; the selector sleeps until a"
            " socket is ready or a timer is due; the callbacks of what became ready join"
            " the ready queue, and the cycle starts again.",
        ),
        Diagram(
            "pool_round_trip",
            pool_round_trip,
            "One task's round trip through a process pool. The parent pickles the"
            " function and its argument into bytes that cross a pipe; the worker"
            " unpickles them, runs the function and pickles the result, whose bytes"
            " cross the pipe back for the parent to unpickle. Each crossing costs a copy"
            " and pickling.",
        ),
        Diagram(
            "start_methods",
            start_methods,
            "The three multiprocessing start methods side by side. fork makes the child"
            " as a copy of the parent (the default on Linux before Python 3.14); spawn"
            " starts a new Python interpreter that imports the main script as"
            " __mp_main__ (the default on macOS and Windows); forkserver forks each"
            " child from a clean server process (the default on Linux from Python"
            " 3.14). In each, the child then runs its target.",
        ),
        Diagram(
            "ctrl_c_process_group",
            ctrl_c_process_group,
            "Ctrl-C pressed in a terminal: the terminal sends SIGINT to every process"
            " of the foreground process group, here a parent and its three pool"
            " workers, so each of them receives its own SIGINT.",
        ),
        Diagram(
            "two_clocks",
            two_clocks,
            "A sketch of two clocks for two kinds of work. For work that computes, the"
            " CPU clock bar is as long as the wall clock bar: the work is CPU-bound. For"
            " work that waits, the wall clock bar is just as long but the CPU clock bar"
            " is a sliver: the work is I/O-bound.",
        ),
    )
}
