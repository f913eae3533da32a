"""The landing page's figure, measured while the site builds: ``overview-figure``.

In a MyST page::

    ```{overview-figure}
    ```

(or ``.. overview-figure::`` in reStructuredText).  At every build the directive runs
:func:`conc_examples.measure.overview.measure_overview` (a few seconds: the same four tasks
sequentially, on threads, on processes and with asyncio, waiting and computing), draws
it with :func:`conc_examples.charts.plotting.overview_chart`, writes the PNG to
``_images/overview.png`` in the HTML output, and puts the figure there with the
numbers in its caption and alt text.  The page is read again at every build, so the
figure is never older than the build.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

IMAGE = "overview.png"
_output: dict[str, Path] = {}  # the HTML output folder, known once the builder starts


def _describe(overview) -> str:
    """One sentence per job: each way's best time, as the alt text and the caption."""
    from conc_examples.measure.overview import WAYS

    parts = []
    for job, runs in overview.timings.items():
        ways = ", ".join(f"{way} {runs[way].min * 1e3:.0f} ms" for way in WAYS)
        parts.append(
            f"{job.capitalize()}: {ways} (ideal {overview.ideal[job] * 1e3:.0f} ms)."
        )
    return " ".join(parts)


class OverviewFigure(SphinxDirective):
    """Measure, draw and place the landing page's figure."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        import matplotlib

        matplotlib.use("agg")
        import matplotlib.pyplot as plt

        from conc_examples.charts.plotting import overview_chart
        from conc_examples.measure.overview import measure_overview

        self.env.note_reread()  # measure again at the next build, too
        overview = measure_overview()
        figure = overview_chart(overview)
        images = _output["html"] / "_images"
        images.mkdir(parents=True, exist_ok=True)
        try:
            figure.savefig(images / IMAGE, dpi=100)
        finally:
            plt.close(figure)
        depth = self.env.docname.count("/")
        src = "../" * depth + f"_images/{IMAGE}"
        text = html.escape(_describe(overview))
        markup = (
            f'<figure class="overview-figure">'
            f'<img src="{src}" alt="{text}" style="max-width: 100%; height: auto">'
            f"<figcaption>Measured while this copy of the site was built. {text}"
            f"</figcaption></figure>"
        )
        return [nodes.raw("", markup, format="html")]


def _remember_output(app: Sphinx) -> None:
    _output["html"] = Path(app.outdir)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _remember_output)
    app.add_directive("overview-figure", OverviewFigure)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
