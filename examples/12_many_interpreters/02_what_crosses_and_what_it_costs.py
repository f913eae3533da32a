"""
What crosses between interpreters, and what one costs
=====================================================

Interpreters share a process but no Python objects: you will see which values may cross
(numbers, strings, bytes, tuples of them, queues) and which may not (a list).  Then you
will see what starting one costs, beside starting a thread and a process.
"""

# %%
# Nothing is shared by accident
# -----------------------------
# Each interpreter has its own modules, its own globals and its own GIL.  So an object
# of one interpreter can never be used from another: two GILs would guard it.  What
# crosses is a *shareable* value, copied or (for a queue) pointing to the same
# queue.  ``is_shareable`` says which.  Python 3.14+ or 3.13 with the backport
# (see the first page); elsewhere the page says so and skips to the start-up costs.

from conc_examples.work.subinterpreters import MISSING, load

interpreters, _ = load()
has_interpreters = interpreters is not None
if __name__ == "__main__" and has_interpreters:
    queue = interpreters.create_queue()
    candidates = [42, 1.5, "text", b"bytes", (1, "a"), None, queue, [1, 2], {"a": 1}]
    shareable = {repr(value): interpreters.is_shareable(value) for value in candidates}
    for name, verdict in shareable.items():
        print(f"{name:<12} {'shareable' if verdict else 'NOT shareable'}")
elif __name__ == "__main__":
    print(MISSING)

# %%
# In and out
# ----------
# You hand values to the interpreter's ``__main__`` with ``prepare_main``, then run
# source code there with ``exec``.  The code imports what it needs: nothing of this
# script exists in there.  The answer comes back on the queue, with a timeout, like any
# queue between threads.
#
# .. literalinclude:: /../conc_examples/work/subinterpreters.py
#    :pyobject: new_interpreter

from conc_examples.work.subinterpreters import new_interpreter

CODE = """
from conc_examples.work.workloads import cpu_bound
results.put(cpu_bound(n))
"""

if __name__ == "__main__" and has_interpreters:
    worker = new_interpreter()
    try:
        worker.prepare_main(results=queue, n=100_000)
        worker.exec(CODE)
        answer = queue.get(timeout=10)
        print(f"the interpreter answered {answer}")
        try:
            worker.prepare_main(data=[1, 2])
            print("a list was accepted")
        except interpreters.NotShareableError as error:
            refused = str(error)
            print(f"a list is refused: NotShareableError: {refused}")
    finally:
        worker.close()  # ends it now, not whenever the object happens to be collected

# %%
# After ``close`` only the main interpreter is left.

if __name__ == "__main__" and has_interpreters:
    interpreters_left = len(interpreters.list_all())
    print(f"interpreters in this process now: {interpreters_left}")

# %%
# What starting one costs
# -----------------------
# A new interpreter imports its own copy of the modules it needs, so it costs more than
# a thread.  A process costs more again under ``spawn`` (the default on macOS and
# Windows), which starts a fresh Python; ``fork`` (Linux before 3.14) copies the
# parent and is often cheaper.  Each figure is the median of five starts (three for
# spawn), each closed or joined again.  Everything here runs under the ``__main__``
# guard, because a spawned child imports this script.

import multiprocessing
import threading

from conc_examples.measure.timing import measure
from conc_examples.work.mp_workers import do_nothing


def start_thread() -> None:
    thread = threading.Thread(target=do_nothing)
    thread.start()
    thread.join(timeout=10)


def process_starter(method: str | None):
    context = multiprocessing.get_context(method)

    def start_process() -> None:
        process = context.Process(target=do_nothing)
        process.start()
        process.join(timeout=30)

    return start_process


if __name__ == "__main__":
    starts = {"thread": measure(start_thread)}
    if has_interpreters:
        starts["interpreter"] = measure(lambda: interpreters.create().close())
    method = multiprocessing.get_start_method()
    starts[f"process ({method})"] = measure(process_starter(None))
    if method != "spawn":  # a fresh Python each time: slow, so three starts only
        starts["process (spawn)"] = measure(process_starter("spawn"), repeat=3, warmup=0)
    start_ms = {what: timing.median * 1000 for what, timing in starts.items()}
    for what, ms in start_ms.items():
        print(f"start and stop: {what:<18} {ms:8.2f} ms")

# %%
# A thread starts in well under a millisecond, an interpreter in milliseconds, a spawned
# process in tens of milliseconds or more.
#
# Take-away: keep interpreters, like processes, in a pool and reuse them; pass them
# shareable values and queues, and give them code they can import.
