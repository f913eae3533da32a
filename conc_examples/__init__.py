"""Helpers shared by the conc-examples scripts.

The examples import these for measuring, recording and drawing, never for the
concurrency they teach.  Code that must run in a child process also lives here,
because a function defined in a script cannot be found by a ``spawn`` or
``forkserver`` child when the script runs under sphinx-gallery.
"""

import os

__all__ = ["__version__"]

__version__ = "0.1.0"

# numpy (imported by matplotlib when a chart is drawn) starts an OpenBLAS thread pool.
# A process holding those threads is multi-threaded, so a later fork (the "fork" start
# method) copies a process whose other threads may hold locks, and Python 3.12+ warns
# about it.  The examples do no linear algebra: one BLAS thread, which is this one.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
