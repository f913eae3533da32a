"""Mechanism diagrams drawn at every build: concept-page figures, gallery thumbnails.

The drawings are :data:`conc_examples.charts.diagrams.DIAGRAMS`; nothing drawn here is
committed.  When the builder starts, every diagram is written as an SVG to
``docs/_build/diagrams/`` (ignored by git, beside the HTML output), and a page shows one
with::

    ```{diagram} gil_handoff
    The caption, in the page's own words.
    ```

which makes a figure whose alt text is the diagram's own description, so the picture and
its text alternative are always drawn from the same place.

Thumbnails: sphinx-gallery gives a page that draws no chart a placeholder (four pastel
blobs).  ``diagram_thumbnails`` in ``conf.py`` names each chapter's mechanism; after
sphinx-gallery has written the galleries, this extension replaces the thumbnail of the
chapter's first page, and of every page without a chart of its own, by that diagram.
sphinx-gallery keeps an existing thumbnail of a page without a chart, and only rewrites
those of pages it runs, so every build ends with the same thumbnails.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the logic runs without Sphinx: the unit tests import this bare
    from docutils import nodes
    from sphinx.application import Sphinx

FOLDER = Path("_build") / "diagrams"  # inside the source folder, ignored by git
THUMBNAIL_PX = (400, 280)  # sphinx-gallery's default thumbnail_size


def render(name: str, fmt: str, *, width_px: int | None = None) -> bytes:
    """The diagram ``name`` as ``fmt`` ("svg" or "png") bytes, ``width_px`` wide for PNG."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    from conc_examples.charts.diagrams import DIAGRAMS, SIZE

    figure = DIAGRAMS[name].draw()
    buffer = io.BytesIO()
    dpi = (width_px / SIZE[0]) if width_px else 100
    # No date, and ids from a fixed salt: the same drawing gives the same bytes at every
    # build, so Sphinx sees no changed image.
    metadata = {"Date": None} if fmt == "svg" else {}
    try:
        with matplotlib.rc_context({"svg.hashsalt": "conc-examples"}):
            figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    finally:
        plt.close(figure)
    return buffer.getvalue()


def _write_if_changed(path: Path, data: bytes) -> None:
    """Leave an identical file alone, so that Sphinx does not see a changed image."""
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_figures(app: Sphinx) -> None:
    """Every diagram as an SVG under ``_build/diagrams`` of the source folder."""
    from conc_examples.charts.diagrams import DIAGRAMS

    for name in DIAGRAMS:
        _write_if_changed(Path(app.srcdir) / FOLDER / f"{name}.svg", render(name, "svg"))


def _diagram_directive() -> type:
    """The ``diagram`` directive, made here: importing this module needs no Sphinx."""
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class DiagramFigure(SphinxDirective):
        """A figure of one diagram: alt text from the diagram, caption from the page."""

        required_arguments = 1
        has_content = True

        def run(self) -> list[nodes.Node]:
            from conc_examples.charts.diagrams import DIAGRAMS

            name = self.arguments[0]
            if name not in DIAGRAMS:
                raise self.error(f"no diagram {name!r}; there are {', '.join(DIAGRAMS)}")
            image = nodes.image(uri=image_uri(name), alt=DIAGRAMS[name].alt)
            figure = nodes.figure("", image, classes=["diagram"])
            if self.content:
                holder = nodes.Element()
                self.state.nested_parse(self.content, self.content_offset, holder)
                paragraph = holder.children[0] if holder.children else None
                if isinstance(paragraph, nodes.paragraph):
                    figure += nodes.caption(paragraph.rawsource, "", *paragraph.children)
            self.set_source_info(figure)
            return [figure]

    return DiagramFigure


def image_uri(name: str) -> str:
    """Where a page finds the diagram ``name``: relative to the source folder."""
    return f"/{FOLDER.as_posix()}/{name}.svg"


def thumbnails_to_replace(
    scripts: Iterable[str], has_chart: Mapping[str, bool]
) -> list[str]:
    """Which pages of a chapter get its diagram as thumbnail: the first, and the chartless.

    ``scripts`` are the example files' stems; ``has_chart`` says whether each drew a
    figure of its own (whose thumbnail sphinx-gallery made from it).
    """
    ordered = sorted(scripts)
    return [s for i, s in enumerate(ordered) if i == 0 or not has_chart.get(s, False)]


def _example_stems(folder: Path, ignore: str) -> list[str]:
    """The chapter's example scripts, as sphinx-gallery picks them (helpers left out)."""
    return sorted(
        p.stem for p in folder.glob("*.py") if not re.search(ignore, p.as_posix())
    )


def replace_thumbnails(app: Sphinx) -> None:
    """After sphinx-gallery: the chapter's diagram as the thumbnails that need one."""
    from conc_examples.charts.diagrams import DIAGRAMS

    mapping: dict[str, str] = app.config.diagram_thumbnails
    unknown = sorted(set(mapping.values()) - set(DIAGRAMS))
    if unknown:
        from sphinx.errors import ConfigError

        raise ConfigError(f"diagram_thumbnails names no diagram: {', '.join(unknown)}")
    conf = app.config.sphinx_gallery_conf
    drawn: dict[str, bytes] = {}
    for src, dst in zip(conf["examples_dirs"], conf["gallery_dirs"], strict=True):
        chapter, gallery = Path(src).name, Path(app.srcdir, dst)
        name = mapping.get(chapter)
        if name is None:
            continue
        images = gallery / "images"
        stems = _example_stems(Path(app.srcdir, src), conf["ignore_pattern"])
        has_chart = {s: any(images.glob(f"sphx_glr_{s}_001.*")) for s in stems}
        for stem in thumbnails_to_replace(stems, has_chart):
            if name not in drawn:
                drawn[name] = render(name, "png", width_px=THUMBNAIL_PX[0])
            _write_if_changed(images / "thumb" / f"sphx_glr_{stem}_thumb.png", drawn[name])


# Where sphinx-gallery's page source leaves the title and promise for the first cell.
FIRST_CELL = "\n.. GENERATED FROM PYTHON SOURCE LINES"


def caption(name: str) -> str:
    """The diagram's own summary: the first paragraph of its function's docstring."""
    from conc_examples.charts.diagrams import DIAGRAMS

    doc = DIAGRAMS[name].draw.__doc__ or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def with_chapter_diagram(source: str, name: str) -> str:
    """``source`` (a generated example page) with the diagram ``name`` before its first
    cell: after the title and the promise, before the lesson starts."""
    at = source.find(FIRST_CELL)
    if at < 0:
        return source
    figure = f"\n.. diagram:: {name}\n\n   {caption(name)}\n"
    return source[:at] + figure + source[at:]


def add_chapter_diagram(app: Sphinx, docname: str, source: list[str]) -> None:
    """The first page of each chapter shows the chapter's mechanism, not only as its
    thumbnail.  Injected into the generated page, so the reader's script stays plain."""
    gallery, _, stem = docname.rpartition("/")
    conf = app.config.sphinx_gallery_conf
    for src, dst in zip(conf["examples_dirs"], conf["gallery_dirs"], strict=True):
        name = app.config.diagram_thumbnails.get(Path(src).name)
        if dst == gallery and name is not None:
            stems = _example_stems(Path(app.srcdir, src), conf["ignore_pattern"])
            if stems and stem == stems[0]:
                source[0] = with_chapter_diagram(source[0], name)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("diagram_thumbnails", {}, "env", types=[dict])
    app.add_directive("diagram", _diagram_directive())
    app.connect("builder-inited", write_figures)
    # After sphinx-gallery's own handler (priority 500), which writes the thumbnails.
    app.connect("builder-inited", replace_thumbnails, priority=600)
    app.connect("source-read", add_chapter_diagram)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
