"""Run an example exactly as ``python script.py`` would, then keep its module globals.

``python -X dev run_as_script.py METHOD VALUES_FILE script.py`` forces the start method
(``default`` leaves it alone), makes the script the real ``__main__`` module (with its
``__file__``, so ``spawn`` children re-import it as ``__mp_main__``, and its own folder
first on ``sys.path``), runs it, and then, whatever ended the run (a normal end,
``sys.exit(130)``, an exception), pickles into VALUES_FILE every module global that
pickles by value and every claim the page made (:mod:`conc_examples.claims`).  That is
how claim tests read what the page computed and concluded, with nothing on the page
that exists only for the tests.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import types
import warnings

# Pickled by reference, not by value: nothing a test could read.
_NOT_VALUES = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
)


def _picklable(namespace: dict[str, object]) -> dict[str, bytes]:
    """Each public global that pickles, pickled on its own (one bad value skips one)."""
    kept = {}
    for name, value in namespace.items():
        if name.startswith("_") or isinstance(value, _NOT_VALUES):
            continue
        try:
            with warnings.catch_warnings():  # e.g. itertools' pickling, deprecated in 3.12
                warnings.simplefilter("ignore")
                kept[name] = pickle.dumps(value)
        except Exception:  # locks, sockets, pools, futures: not values
            continue
    return kept


def main() -> None:
    start_method, values_file, script, *arguments = sys.argv[1:]
    if start_method != "default":
        multiprocessing.set_start_method(start_method)
    script = os.path.abspath(script)
    sys.argv = [script, *arguments]
    sys.path[0] = os.path.dirname(script)
    module = types.ModuleType("__main__")
    module.__file__ = script
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    with open(script, encoding="utf-8") as source_file:
        code = compile(source_file.read(), script, "exec")
    try:
        exec(code, module.__dict__)
    finally:
        claims = sys.modules.get("conc_examples.claims")
        made = [c.as_dict() for c in claims.made()] if claims is not None else []
        with open(values_file, "wb") as out:
            pickle.dump((_picklable(module.__dict__), made), out)


if __name__ == "__main__":
    main()
