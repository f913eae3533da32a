"""A page's conclusions, each stated once, beside the numbers it rests on, and checked.

A page measures, then draws a conclusion: "two threads keep at most one CPU busy".
Written as fixed prose, that sentence stays on the page even when this build measured
the opposite (a busy machine, another Python).  So every sentence that states a
measured result is a :func:`claim`: the sentence, what was measured (with its numbers),
what the claim needs to be true, and the check itself.  The page prints it with this
run's numbers in one of three states:

* **held**: the sentence, with the numbers that back it;
* **did not hold**: what was claimed, what was measured instead, and the likely reason
  from what the page measured (e.g. the machine's ceiling in the same rounds);
* **not shown**: the claim needs something this run lacked (a second free CPU, Python
  3.14, a free-threaded build), so it says what, instead of claiming.

The docs build collects every page's claims into the claims ledger and puts a box on the
page for each that did not hold or could not be shown; the tests read the same claims
back from the page's run: a claim that did not hold fails its test, one that could not
be shown skips with the page's reason (under ``CI=true`` only for what the machine
lacks or a second CPU that was taken, never for load).  The claim is the one place its
threshold lives.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "CPU_TAKEN",
    "HELD",
    "LOAD",
    "MACHINE",
    "NOT_HELD",
    "NOT_SHOWN",
    "Claim",
    "Need",
    "claim",
    "made",
    "needs_cpus",
    "needs_free_threading",
    "needs_gil",
    "needs_python",
    "take",
    "too_old",
]

HELD, NOT_HELD, NOT_SHOWN = "held", "did not hold", "not shown"

# Why a need was not met: the machine lacks it (a skip is honest everywhere); this
# run's moment lacked it (load: a rebuild on an idle machine shows the claim); or the
# machine's second CPU was taken during these rounds.  The last is load too, but one
# that a shared host (a laptop, a CI runner with neighbours) cannot rule out: a rerun
# may show the claim, and a skip for it is honest everywhere, CI included.
MACHINE, LOAD, CPU_TAKEN = "machine", "load", "cpu taken"

# Two processes side by side do at most twice the work of one; allow a tenth for timing.
STEADY_AT_MOST = 2.2


@dataclass(frozen=True)
class Need:
    """What a claim needs to be shown at all, and whether this run had it.

    ``seen`` says what the run measured or found, in words with numbers; ``lacking``
    is :data:`MACHINE` when this machine or Python cannot have it, :data:`LOAD` when
    it could but did not during these rounds, :data:`CPU_TAKEN` when the second CPU
    was busy during them.
    """

    what: str
    met: bool
    seen: str
    lacking: str = MACHINE


@dataclass(frozen=True)
class Claim:
    """One conclusion as this run found it; what the page prints, the ledger lists and
    the tests assert."""

    page: str
    text: str
    measured: str
    expected: str
    state: str
    reason: str = ""
    lacking: str = ""

    @property
    def held(self) -> bool:
        return self.state == HELD

    def __str__(self) -> str:
        expected = f" (claim: {self.expected})" if self.expected else ""
        if self.state == HELD:
            return _wrap(f"[held] {self.text}: {self.measured}{expected}.")
        if self.state == NOT_HELD:
            return "\n".join(
                [
                    _wrap(f"[did not hold on this run] {self.text}."),
                    _wrap(f"    measured: {self.measured}{expected}"),
                    _wrap(f"    likely why: {self.reason}"),
                ]
            )
        return "\n".join(
            [_wrap(f"[not shown on this run] {self.text}."), _wrap(f"    {self.reason}")]
        )

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


_made: list[Claim] = []


def _wrap(line: str) -> str:
    """Fold a long line for a terminal and a page's output block, indented under it."""
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.fill(line, 88, subsequent_indent=indent, break_on_hyphens=False)


def _current_page() -> str:
    """``chapter/script.py`` of the running script (sphinx-gallery sets ``argv[0]``)."""
    main = sys.modules.get("__main__")
    path = Path(getattr(main, "__file__", None) or (sys.argv[0] if sys.argv else ""))
    return f"{path.parent.name}/{path.name}" if path.name else "<interactive>"


def claim(
    text: str,
    holds: bool,
    *,
    measured: str,
    expected: str = "",
    needs: Need | tuple[Need, ...] = (),
    why: str = "the machine was busy while this ran; run it again on an idle machine",
) -> Claim:
    """State ``text`` as this run's conclusion, check it, print it, and return it.

    ``holds`` is the check; ``measured`` the numbers it read, in words; ``expected``
    the ideal or threshold.  ``needs`` are preconditions measured in the same run (see
    :func:`needs_cpus`): if one is unmet the claim is *not shown*, whatever
    ``holds`` says.  ``why`` is the likely reason if it does not hold, from what the
    page measured.
    """
    unmet = [
        need for need in ((needs,) if isinstance(needs, Need) else needs) if not need.met
    ]
    if unmet:
        reason = "; ".join(f"it needs {n.what}: {n.seen}" for n in unmet)
        # The strictest kind wins: load (CI fails on it), then a taken CPU, then machine.
        kinds = {n.lacking for n in unmet}
        lacking = next(k for k in (LOAD, CPU_TAKEN, MACHINE) if k in kinds)
        if lacking != MACHINE:
            reason += " (run it again on an idle machine to see it)"
        found = Claim(_current_page(), text, measured, expected, NOT_SHOWN, reason, lacking)
    elif holds:
        found = Claim(_current_page(), text, measured, expected, HELD)
    else:
        found = Claim(_current_page(), text, measured, expected, NOT_HELD, why)
    _made.append(found)
    print(found, flush=True)
    return found


def made() -> list[Claim]:
    """Every claim this process has made so far, in order."""
    return list(_made)


def take() -> list[Claim]:
    """Hand over the claims made so far and start afresh (the docs build runs every
    page in one process, and keeps each page's claims apart)."""
    taken = list(_made)
    _made.clear()
    return taken


def needs_python(version: tuple[int, int], feature: str) -> Need:
    """Python ``version`` or newer, for ``feature`` (e.g. ``concurrent.interpreters``)."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    return Need(
        f"Python {version[0]}.{version[1]}+ ({feature})",
        sys.version_info >= version,
        f"this is Python {here}",
    )


def too_old(version: tuple[int, int], feature: str) -> str | None:
    """Why this Python lacks ``feature``, new in Python ``version``, in one line; None
    if it has it.  For helpers that return why they could not measure."""
    if sys.version_info >= version:
        return None
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"{feature} is new in Python {version[0]}.{version[1]}; this is Python {here}"


def _gil_enabled() -> bool:
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


def needs_gil() -> Need:
    """A GIL build (or the GIL switched on): claims about what the GIL prevents."""
    return Need(
        "the GIL",
        _gil_enabled(),
        "this is a free-threaded build running with the GIL off",
    )


def needs_free_threading() -> Need:
    """A free-threaded build with the GIL off (``python3.14t``; ``uv python install
    3.14t`` gets one): claims about what Python does without the GIL."""
    return Need(
        "a free-threaded build with the GIL off (e.g. `uv python install 3.14t`)",
        not _gil_enabled(),
        f"this is {sys.implementation.name} {sys.version.split()[0]} with the GIL on",
    )


def needs_cpus(ceiling: float | Sequence[float], *, at_least: float = 1.4) -> Need:
    """A second CPU that was free during the measurement.

    ``ceiling`` is what two independent processes reached over one, measured in the
    same rounds as the claim (:mod:`conc_examples.measure.ceiling`): one figure, or
    each round's.  Two vCPUs that are one core's SMT siblings give about 1.5x; a busy
    machine gives less.  Two processes cannot do more than twice the work of one, so
    a round over :data:`STEADY_AT_MOST` means the lone run was slowed: the machine's
    neighbours came and went during the rounds, and the claims beside them are no
    more certain than that ceiling.
    """
    cpus = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    )
    if (cpus or 1) < 2:
        return Need("a second CPU", False, f"this machine lets Python use {cpus} CPU")
    rounds = [ceiling] if isinstance(ceiling, int | float) else list(ceiling)
    low, high = min(rounds), max(rounds)
    if high > STEADY_AT_MOST:
        return Need(
            "a second CPU free all through the rounds",
            False,
            f"two independent processes reached {low:.2f}x to {high:.2f}x in the same"
            f" rounds (over {STEADY_AT_MOST}x means a lone round was slowed)",
            CPU_TAKEN,
        )
    return Need(
        "a second free CPU",
        low >= at_least,
        f"two independent processes reached {low:.2f}x in the same rounds"
        f" (under {at_least}x means the other CPU was busy)",
        CPU_TAKEN,
    )
