"""02/11, children and dying parents: the orphan, PR_SET_PDEATHSIG and pidfds."""

from __future__ import annotations

import sys

from example_runner import check_claims, example

PAGE = "02_subprocess/11_children_and_dying_parents.py"


def test_a_killed_parent_leaves_its_child_unless_the_child_asked() -> None:
    run = example(PAGE)
    # The orphan, the parent-death signal, and the pidfd that refuses after the end.
    assert len(run.claims) == 3
    if sys.platform == "linux":
        # The page cleaned up the orphan it made (the runner also checks none is left).
        assert run.values["cleaned"] is True
    check_claims(run)
