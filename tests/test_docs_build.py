"""The strict docs build executed every example: each page's output is from this source.

sphinx-gallery writes ``<example>.py.md5`` next to a page only after it executed that
exact source, and skips unchanged examples on a rebuild; so a page whose md5 matches
the example file shows output produced by running that file.  ``.ci/run`` builds the
site before the tests; elsewhere the check is skipped until ``nox -s docs`` has run.
"""

from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as ET

import pytest
from example_runner import EXAMPLES, ROOT, discover

CHAPTERS = ROOT / "docs" / "chapters"
JUNIT = ROOT / "docs" / "_build" / "sphinx-gallery" / "junit-results.xml"

if not JUNIT.exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI runs the docs build before the tests, but {JUNIT} is missing")
    pytest.skip(
        "the site has not been built yet: run `nox -s docs`", allow_module_level=True
    )


@pytest.mark.parametrize(
    "script", discover(), ids=lambda p: p.relative_to(EXAMPLES).as_posix()
)
def test_page_shows_output_of_this_source(script) -> None:
    page_dir = CHAPTERS / script.parent.name
    md5_file = page_dir / f"{script.name}.md5"
    assert md5_file.exists(), f"the docs build never executed {script.name}"
    executed = md5_file.read_text().strip()
    assert executed == hashlib.md5(script.read_bytes()).hexdigest(), (
        f"{script.name} changed since the docs build executed it: rebuild the docs"
    )
    page = (page_dir / f"{script.stem}.rst").read_text(encoding="utf-8")
    assert "sphx-glr-script-out" in page, f"{script.name}'s page shows no output"


def test_last_build_had_no_failing_example() -> None:
    suite = ET.parse(JUNIT).getroot()
    assert suite.get("failures") == "0" and suite.get("errors") == "0", ET.tostring(suite)
