"""The docs build's hooks around each example: the heap freeze between examples."""

from __future__ import annotations

import gc
import importlib.util
import weakref
from pathlib import Path

HOOKS = Path(__file__).resolve().parent.parent / "docs" / "_ext" / "gallery_hooks.py"


def _load_hooks():
    spec = importlib.util.spec_from_file_location("gallery_hooks", HOOKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the garbage collector frees it


def test_freeze_collects_the_last_examples_garbage_then_freezes_the_rest() -> None:
    hooks = _load_hooks()
    garbage = _Node()
    freed = weakref.ref(garbage)
    del garbage
    frozen_elsewhere = gc.get_freeze_count()  # whatever this process froze before
    try:
        hooks.freeze_the_build({}, "example.py", "after")  # only "before" acts
        assert gc.get_freeze_count() == frozen_elsewhere
        hooks.freeze_the_build({}, "example.py", "before")
        # Collected first: frozen garbage would live until the freeze ends.
        assert freed() is None
        assert gc.get_freeze_count() > frozen_elsewhere
        hooks._thaw(None, None, [])
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
