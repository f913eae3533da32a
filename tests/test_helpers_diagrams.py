"""The mechanism diagrams (conc_examples.charts.diagrams) and their Sphinx extension.

The diagrams must read on a phone (the canvas of a thumbnail, large type, no label over
another or across a box's edge), on either theme (an opaque light background, dark text
that passes WCAG AA), and carry a text alternative that says what they show.  The
extension (docs/_ext/diagrams.py, imported here without Sphinx) must pick the right
thumbnails and draw the same bytes at every build.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyBboxPatch

from conc_examples.charts import diagrams

EXTENSION = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "diagrams.py"
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal text
EDGE_PX = 5  # a label closer than this to a box's edge touches it


def _load_extension():
    spec = importlib.util.spec_from_file_location("diagrams_extension", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _luminance(colour) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(a, b) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(params=sorted(diagrams.DIAGRAMS))
def drawn(request):
    matplotlib.use("agg")
    diagram = diagrams.DIAGRAMS[request.param]
    figure = diagram.draw()
    figure.canvas.draw()
    yield diagram, figure
    plt.close(figure)


def _labels(figure):
    return [t for ax in figure.axes for t in ax.texts if t.get_text().strip()]


def test_the_registry_names_each_function() -> None:
    assert set(diagrams.DIAGRAMS) == {
        "gil_handoff",
        "event_loop_cycle",
        "pool_round_trip",
        "start_methods",
        "ctrl_c_process_group",
        "two_clocks",
    }
    for name, diagram in diagrams.DIAGRAMS.items():
        assert diagram.name == name
        assert diagram.draw is getattr(diagrams, name)
        assert diagram.draw.__doc__, f"{name} says why in its docstring"


def test_canvas_is_a_thumbnail_with_an_opaque_light_background(drawn) -> None:
    _, figure = drawn
    width, height = figure.get_size_inches()
    assert width / height == pytest.approx(400 / 280)
    face = figure.get_facecolor()
    assert face[3] == 1.0, "opaque: the same light card in the light and dark themes"
    assert _luminance(face) > 0.8


def test_few_large_labels_all_dark_enough(drawn) -> None:
    _, figure = drawn
    labels = _labels(figure)
    assert 3 <= len(labels) <= 16, "a diagram with few labels reads on a phone"
    for label in labels:
        assert label.get_fontsize() >= diagrams.NOTE_PT, label.get_text()
        contrast = _contrast(label.get_color(), diagrams.BACKGROUND)
        assert contrast >= MIN_TEXT_CONTRAST, (label.get_text(), contrast)
    words = sum(len(label.get_text().split()) for label in labels)
    assert words <= 45, f"{words} words: a diagram is not a paragraph"


def test_labels_inside_the_figure_apart_and_clear_of_box_edges(drawn) -> None:
    _, figure = drawn
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    boxes = [
        (label.get_text(), label.get_window_extent(renderer)) for label in _labels(figure)
    ]
    for text, box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, f"{text!r} leaves the figure"
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, f"{text!r} leaves the figure"
    for i, (text, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            assert not box.overlaps(other_box), f"{text!r} overlaps {other!r}"
    patches = [
        p.get_window_extent(renderer)
        for ax in figure.axes
        for p in ax.patches
        if isinstance(p, FancyBboxPatch)
    ]
    for text, box in boxes:
        for patch in patches:
            inside = (
                patch.x0 + EDGE_PX <= box.x0
                and box.x1 <= patch.x1 - EDGE_PX
                and patch.y0 + EDGE_PX <= box.y0
                and box.y1 <= patch.y1 - EDGE_PX
            )
            assert inside or not box.overlaps(patch), f"{text!r} crosses a box's edge"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("gil_handoff", ["GIL", "switch interval", "I/O"]),
        ("event_loop_cycle", ["ready queue", "selector", "await"]),
        ("pool_round_trip", ["pickles", "pipe", "worker"]),
        ("start_methods", ["fork", "spawn", "__mp_main__", "forkserver"]),
        ("ctrl_c_process_group", ["Ctrl-C", "SIGINT", "foreground process group"]),
        ("two_clocks", ["CPU clock", "wall clock", "CPU-bound", "I/O-bound"]),
    ],
)
def test_alt_text_says_what_the_picture_shows(name: str, words: list[str]) -> None:
    alt = diagrams.DIAGRAMS[name].alt
    assert len(alt.split()) >= 15
    for word in words:
        assert word in alt, f"the alt text of {name} does not mention {word!r}"


def test_extension_picks_the_first_page_and_the_pages_without_a_chart() -> None:
    extension = _load_extension()
    stems = ["03_c", "01_a", "02_b", "04_d"]
    charts = {"01_a": True, "02_b": True, "03_c": False}
    assert extension.thumbnails_to_replace(stems, charts) == ["01_a", "03_c", "04_d"]
    assert extension.thumbnails_to_replace([], {}) == []


def test_extension_leaves_out_the_helpers_as_sphinx_gallery_does(tmp_path: Path) -> None:
    extension = _load_extension()
    for name in ("01_a.py", "02_b.py", "_helper.py", "__init__.py", "notes.txt"):
        (tmp_path / name).write_text("")
    ignore = r"__init__\.py|(^|/)_"  # docs/conf.py's ignore_pattern
    assert extension._example_stems(tmp_path, ignore) == ["01_a", "02_b"]


def test_extension_draws_the_same_bytes_at_every_build() -> None:
    extension = _load_extension()
    svg = extension.render("gil_handoff", "svg")
    assert svg == extension.render("gil_handoff", "svg")
    assert b"<svg" in svg[:1000]
    png = extension.render("start_methods", "png", width_px=400)
    assert png == extension.render("start_methods", "png", width_px=400)
    width = int.from_bytes(png[16:20], "big")  # the PNG header's IHDR width
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == extension.THUMBNAIL_PX
    assert extension.image_uri("gil_handoff") == "/_build/diagrams/gil_handoff.svg"


def test_a_chapters_first_page_gets_its_diagram_after_the_promise() -> None:
    extension = _load_extension()
    page = "Title\n=====\n\nThe promise.\n" + extension.FIRST_CELL + " 1-2\n\nA cell."
    shown = extension.with_chapter_diagram(page, "start_methods")
    promise, cell = shown.index("The promise."), shown.index(".. GENERATED FROM")
    assert promise < shown.index(".. diagram:: start_methods") < cell
    assert extension.caption("start_methods") in shown
    assert extension.with_chapter_diagram("no cells", "start_methods") == "no cells"
