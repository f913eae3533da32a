"""Record the numbers an example claims, so the test-suite can check the claims.

An example prints its measurements for the reader and also passes the ones its text
relies on to :func:`record`.  When the test-suite runs the example it sets
``CONC_EXAMPLES_RECORD`` to a file; each call appends one JSON line there, and the
tests assert on those values (e.g. "lost updates without the lock > 0").  Without
the variable, :func:`record` does nothing.
"""

from __future__ import annotations

import json
import os

__all__ = ["ENV_VAR", "record"]

ENV_VAR = "CONC_EXAMPLES_RECORD"


def record(name: str, value: object) -> None:
    """Append ``{"name": ..., "value": ...}`` to the file named by the environment."""
    path = os.environ.get(ENV_VAR)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"name": name, "value": value}) + "\n")
