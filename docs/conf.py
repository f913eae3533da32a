"""Sphinx configuration: a sphinx-gallery per chapter, executed at every build.

Set ``CONC_EXAMPLES_START_METHOD`` to ``fork``, ``spawn`` or ``forkserver`` to build
the site with that multiprocessing start method as the default: a check that executes
only the pages that start processes (the others show their code without output); the
tests honour the same variable.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

from process_pages import filename_pattern

# Importing conc_examples caps numpy's OpenBLAS threads (see its __init__) before
# sphinx-gallery imports matplotlib, so examples that fork start from a one-thread process.
from conc_examples.measure.machine import caption

START_METHOD = os.environ.get("CONC_EXAMPLES_START_METHOD", "")
if START_METHOD:
    # Examples run inside this process, so this is the default they all see.
    multiprocessing.set_start_method(START_METHOD, force=True)

project = "Python Concurrency, Measured"
author = "the conc-examples authors"
copyright = "2026, the conc-examples authors"

extensions = [
    "myst_parser",
    "sphinx.ext.intersphinx",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_gallery.gen_gallery",
    "gallery_hooks",
    "reader_downloads",  # the wheel, a zip per chapter, the note on every example page
    "overview",  # the landing page's figure, measured at every build
    "claims_ledger",  # every page's claims: boxes, the ledger, the landing page's count
    "symptoms",  # the symptom index: error messages printed by snippets run at build time
    "exercises",  # the chapters' exercises, from docs/exercises.toml (tests run them too)
    "diagrams",  # mechanism diagrams: concept-page figures, gallery thumbnails
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "**/*.ipynb", "**/*.py", "**/*.zip", "**/*.md5"]
nitpicky = True

myst_enable_extensions = ["colon_fence", "deflist", "substitution", "fieldlist"]
myst_heading_anchors = 3
myst_substitutions = {"machine_caption": caption()}

# Python names link to the Python docs through the inventory committed in this repository
# (Python 3.15's; `nox -s python-inventory -- debian` refreshes it).  The local copy comes
# first, so the build never waits on the network and links the same names offline and
# online; the URL is tried only if that file is missing.
PYTHON_INVENTORY = DOCS / "_inventories" / "python3.inv"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", (str(PYTHON_INVENTORY), None)),
}
intersphinx_timeout = 10


def _chapters() -> list[Path]:
    """Every ``examples/NN_name`` folder is a chapter: adding one needs no edit here."""
    return sorted(p for p in (ROOT / "examples").glob("[0-9][0-9]_*") if p.is_dir())


sphinx_gallery_conf = {
    "examples_dirs": [str(p) for p in _chapters()],
    "gallery_dirs": [f"chapters/{p.name}" for p in _chapters()],
    # Run every script; modules whose name starts with "_" are helpers, not examples.
    "filename_pattern": (
        filename_pattern((ROOT / "examples").glob("*/*.py")) if START_METHOD else r"\.py$"
    ),
    "ignore_pattern": r"__init__\.py|(^|/)_",
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "parallel": False,  # loky workers break multiprocessing and distort timings
    "remove_config_comments": True,
    "reset_modules": (
        "matplotlib",
        "gallery_hooks.check_nothing_left_running",
        "gallery_hooks.freeze_the_build",
        "claims_ledger.record_claims",
    ),
    "reset_modules_order": "both",
    "junit": "../sphinx-gallery/junit-results.xml",
    "download_all_examples": False,
    "show_signature": False,
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "capture_repr": (),
    # reader_downloads replaces this with the exact pip command for the page's wheel.
    "first_notebook_cell": "# This notebook imports the conc_examples helpers.",
}

# Each chapter's mechanism, a diagram of conc_examples.charts.diagrams: the thumbnail of
# the chapter's first page and of every page that draws no chart (docs/_ext/diagrams.py).
diagram_thumbnails = {
    "01_processes": "start_methods",
    "02_subprocess": "ctrl_c_process_group",
    "03_threading": "gil_handoff",
    "04_gil": "gil_handoff",
    "05_multiprocessing": "start_methods",
    "06_futures": "pool_round_trip",
    "07_asyncio": "event_loop_cycle",
    "08_aiohttp": "event_loop_cycle",
    "09_benchmarking": "two_clocks",
    "10_beyond_one_machine": "pool_round_trip",
    "11_when_things_go_wrong": "ctrl_c_process_group",
    "12_many_interpreters": "pool_round_trip",
}

html_theme = "pydata_sphinx_theme"
html_title = project
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["site.css"]
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_center": ["sphinx-version"],
}
html_context = {"default_mode": "auto"}
html_show_sourcelink = False
