"""Let the tests import the example runner next to them and the docs' extensions; print
the claims judged."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS), str(TESTS.parent / "docs" / "_ext")]


def pytest_terminal_summary(terminalreporter) -> None:
    from example_runner import CLAIMS_CHECKED, RETAKEN, TAKES

    if CLAIMS_CHECKED:
        states = list(CLAIMS_CHECKED.values())
        counts = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states)))
        terminalreporter.write_line(f"claims checked: {len(states)} ({counts})")
    for label, first_take in RETAKEN.items():
        terminalreporter.write_line(
            f"taken again (up to {TAKES} takes): {label}; the first take said: {first_take}"
        )
