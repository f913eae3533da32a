"""Helpers shared by the conc-examples scripts.

The examples import these for measuring, recording and drawing, never for the
concurrency they teach.  Code that must run in a child process also lives here,
because a function defined in a script cannot be found by a ``spawn`` or
``forkserver`` child when the script runs under sphinx-gallery.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
