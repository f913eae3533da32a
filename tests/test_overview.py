"""The landing page's figure: measure_overview, its chart, and the Sphinx directive."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from conc_examples.charts import plotting
from conc_examples.measure import machine, overview

ROOT = Path(__file__).resolve().parent.parent


def test_overview_measures_every_way_and_waits_overlap() -> None:
    result = overview.measure_overview(wait=0.05, compute=0.04, rounds=2)
    assert set(result.timings) == set(overview.JOBS)
    for runs in result.timings.values():
        assert set(runs) == set(overview.WAYS)
        assert all(len(t.runs) == 2 for t in runs.values())
    waiting = result.timings["waiting"]
    # Four waits of 50 ms: one after another at least 200 ms; overlapped about 50 ms.
    assert waiting["sequential"].min >= 4 * 0.05
    for way in ("threads", "processes", "asyncio"):
        assert result.speedup("waiting", way) > 2, way
    assert result.ideal["waiting"] == 0.05
    cpus = min(overview.TASKS, machine.usable_cpus())
    sequential = result.timings["computing"]["sequential"].min
    assert result.ideal["computing"] == pytest.approx(sequential / cpus)
    assert "waiting:" in str(result) and "computing:" in str(result)


def test_overview_chart_has_both_panels_ideals_caption_and_legends_above_the_bars() -> None:
    result = overview.measure_overview(wait=0.01, compute=0.01, rounds=1)
    fig = plotting.overview_chart(result)
    try:
        assert len(fig.axes) == 2
        assert fig._supxlabel.get_text().replace("\n", " · ") == machine.caption()
        assert not fig.legends  # beside the panels, a legend halves them on a phone
        labels = [[t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes]
        assert all(any("ideal" in label for label in panel) for panel in labels)
        named = [
            label for panel in labels for label in panel if "best of 1 rounds" in label
        ]
        assert len(named) == 1  # the estimator, named once
        fig.canvas.draw()
        for ax in fig.axes:  # each legend sits inside its panel, above every bar
            box = ax.get_legend().get_window_extent()
            for artist in [*ax.patches, *ax.lines, *ax.collections]:
                assert artist.get_window_extent().y1 <= box.y0 + 1
    finally:
        plt.close(fig)


@pytest.mark.skipif(
    importlib.util.find_spec("sphinx") is None, reason="Sphinx is not installed here"
)
def test_overview_directive_writes_the_figure(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(ROOT / "docs" / "_ext")!r})
            extensions = ["overview"]
            """
        )
    )
    (source / "index.rst").write_text("Home\n====\n\n.. overview-figure::\n")
    out = tmp_path / "html"
    build = [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(source)]
    subprocess.run([*build, str(out)], check=True, timeout=120)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<img src="_images/overview.png"' in page
    assert "Waiting: sequential" in page and "Computing: sequential" in page
    assert (out / "_images" / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
