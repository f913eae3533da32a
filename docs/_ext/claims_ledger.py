"""The claims of every page, as this build found them: a box where one failed, a ledger.

Each example states its conclusions through :func:`conc_examples.claims.claim`, which
prints them with this build's numbers.  This extension keeps what each example claimed
(:func:`record_claims`, a sphinx-gallery ``reset_modules`` hook, writes one JSON file
per example, so a rebuild that does not re-run an example still knows its claims), then:

- puts a visible box after the output of every claim that did not hold or could not be
  shown, saying what was claimed, what was measured and why;
- renders the claims ledger (``claims.md``): every claim of the site, its page,
  measured value, threshold and state;
- puts the count on the landing page (the ``<!-- claims-summary -->`` line);
- prints the same summary at the end of the build, naming each claim that did not hold.

A claim that did not hold is never a build failure (a busy machine must not break a
reader's build, and ``-W`` must not make it one); the tests are where it fails.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from conc_examples.claims import HELD, NOT_HELD, NOT_SHOWN, Claim, take

if TYPE_CHECKING:
    from sphinx.application import Sphinx

CLAIMS_DIR = Path(__file__).resolve().parents[1] / "_build" / "claims"
SUMMARY_MARKER = "<!-- claims-summary -->"
LEDGER_MARKER = "<!-- claims-ledger -->"
_BOX_TITLES = {NOT_HELD: "Did not hold on this build", NOT_SHOWN: "Not shown on this build"}


def record_claims(gallery_conf: dict, fname: str, when: str) -> None:
    """Before an example, forget stray claims; after it, keep the ones it made."""
    made = take()
    if when == "after":
        CLAIMS_DIR.mkdir(parents=True, exist_ok=True)
        records = [c.as_dict() for c in made]
        (CLAIMS_DIR / f"{fname}.json").write_text(json.dumps(records, indent=1), "utf-8")


def _all_claims() -> list[dict[str, str]]:
    found = []
    for path in sorted(CLAIMS_DIR.glob("*.json")):
        found += json.loads(path.read_text("utf-8"))
    return sorted(found, key=lambda c: c["page"])


def _escape(text: str) -> str:
    return re.sub(r"([\\*`|_])", r"\\\1", text)


def _box(found: dict[str, str]) -> list[str]:
    lines = [
        f".. admonition:: {_BOX_TITLES[found['state']]}",
        f"   :class: claim claim-{found['state'].replace(' ', '-')}",
        "",
        f"   **Claimed:** {_escape(found['text'])}.",
        "",
        f"   **Measured:** {_escape(found['measured'])}"
        + (f" (the claim: {_escape(found['expected'])})" if found["expected"] else "")
        + ".",
        "",
        f"   **Why:** {_escape(found['reason'])}.",
        "",
    ]
    return lines


def _in_block(line: str) -> bool:
    """Still inside an output block: indented, or blank."""
    return line.startswith("    ") or not line.strip()


def _boxes_after_outputs(source: str, claims: list[dict[str, str]]) -> str:
    """Insert a box after the output block that printed each failed or unshown claim.

    Last claim first, so that several boxes under one block keep the claims' order.
    """
    lines = source.split("\n")
    for found in reversed(claims):
        if found["state"] == HELD:
            continue
        first = "    " + str(Claim(**found)).splitlines()[0]
        try:
            at = lines.index(first)
        except ValueError:
            continue  # printed inside a loop or a table: the ledger still lists it
        end = at + 1
        while end < len(lines) and _in_block(lines[end]):
            end += 1
        lines[end:end] = _box(found)
    return "\n".join(lines)


def _summary(claims: list[dict[str, str]]) -> str:
    counts = Counter(c["state"] for c in claims)
    parts = [f"{counts[HELD]} held"]
    if counts[NOT_HELD]:
        parts.append(f"{counts[NOT_HELD]} did not hold")
    if counts[NOT_SHOWN]:
        parts.append(f"{counts[NOT_SHOWN]} could not be shown on this machine")
    return f"{len(claims)} claims checked while this copy was built: {', '.join(parts)}"


def _ledger(claims: list[dict[str, str]]) -> str:
    rows = [
        "| page | claim | measured | the claim needs | state |",
        "|---|---|---|---|---|",
    ]
    for found in claims:
        chapter, name = found["page"].split("/", 1) if "/" in found["page"] else ("", "")
        stem = name.removesuffix(".py")
        page = f"{{ref}}`{stem} <sphx_glr_chapters_{chapter}_{stem}.py>`" if stem else "?"
        state = found["state"] + (f": {found['reason']}" if found["reason"] else "")
        cells = [page, found["text"], found["measured"], found["expected"], state]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def _render(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == "index" and SUMMARY_MARKER in source[0]:
        claims = _all_claims()
        sentence = (
            f"**{_summary(claims)}**; {{doc}}`the claims ledger <claims>` lists each one."
        )
        source[0] = source[0].replace(SUMMARY_MARKER, sentence)
    elif docname == "claims" and LEDGER_MARKER in source[0]:
        claims = _all_claims()
        source[0] = source[0].replace(
            LEDGER_MARKER, f"{_summary(claims)}.\n\n{_ledger(claims)}"
        )
    elif docname.startswith("chapters/"):
        recorded = CLAIMS_DIR / f"{docname.rsplit('/', 1)[-1]}.py.json"
        if recorded.exists():
            source[0] = _boxes_after_outputs(
                source[0], json.loads(recorded.read_text("utf-8"))
            )


def _always_reread(app: Sphinx, env: object, added: set, changed: set, removed: set):
    """The landing page and the ledger count every page's claims: read them each build."""
    return [name for name in ("index", "claims") if name not in added | changed]


def _report(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    claims = _all_claims()
    logger.info(_summary(claims))
    for found in claims:
        if found["state"] == NOT_HELD:
            logger.info(
                f"  did not hold: {found['page']}: {found['text']} ({found['measured']})"
            )


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("source-read", _render)
    app.connect("env-get-outdated", _always_reread)
    app.connect("build-finished", _report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
