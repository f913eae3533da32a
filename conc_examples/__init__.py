"""What the conc-examples pages share, by concern; each subpackage says what it is for.

- :mod:`conc_examples.claims`: a page's conclusions, stated once beside the numbers they
  rest on, checked in the same run, and shown as held, not held or not shown here.
- :mod:`conc_examples.measure`: timings in interleaved rounds, the machine's parallel
  ceiling, CPU use, timelines, what the OS counts, the machine caption.
- :mod:`conc_examples.charts`: the figures, drawn from what ``measure`` returns.
- :mod:`conc_examples.work`: what the examples run, in this process or in children
  (code a ``spawn`` child must import cannot live in a page run by sphinx-gallery).
- :mod:`conc_examples.web`: the local aiohttp server and chapter 8's crawler.
- :mod:`conc_examples.engines`: chapter 10's Redis server, Celery, Dask and gevent
  (the ``engines`` extra).
- :mod:`conc_examples.trouble`: chapter 11's hung and signalled programs.
- :mod:`conc_examples.notebook`: lets a downloaded notebook run a page's event loops.

Imports run one way: ``charts`` uses ``measure``, ``measure`` uses ``work``, and
nothing imports back up.
"""

import os

__all__ = ["__version__"]

__version__ = "0.1.0"

# numpy (imported by matplotlib when a chart is drawn) starts an OpenBLAS thread pool.
# A process holding those threads is multi-threaded, so a later fork (the "fork" start
# method) copies a process whose other threads may hold locks, and Python 3.12+ warns
# about it.  The examples do no linear algebra: one BLAS thread, which is this one.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
