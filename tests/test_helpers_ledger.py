"""append_line: a ledger's lines appear whole, the first one included."""

from __future__ import annotations

from pathlib import Path

from conc_examples.work.ledger import append_line


def test_the_first_line_appears_whole_and_later_lines_append(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    assert append_line(ledger, "started pid 1\n") is True
    assert ledger.read_text() == "started pid 1\n"
    assert append_line(ledger, "finished pid 1\n") is False
    assert ledger.read_text().splitlines() == ["started pid 1", "finished pid 1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger"]  # no draft left
