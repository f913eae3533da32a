"""
What crosses between interpreters, and what one costs
=====================================================

Interpreters share a process but no Python objects: you will see which values may cross
(numbers, strings, bytes, tuples of them, queues) and what is copied or refused (a
list).  Then you will see what starting one costs, beside a thread and a process.
"""

# %%
# Nothing is shared by accident
# -----------------------------
# Each interpreter has its own modules and its own globals, so an object of one can never be
# used from another.  A few types are *shareable*: numbers, strings, bytes, ``None``, tuples
# of these, and the interpreters' own queues; ``is_shareable`` says which.  They cross
# cheaply, and a queue stays one queue on both sides.  Python 3.14 also lets most other
# values cross :meth:`Queue.put <concurrent.interpreters.Queue.put>`,
# :meth:`Interpreter.call <concurrent.interpreters.Interpreter.call>` and
# :class:`~concurrent.futures.InterpreterPoolExecutor`, as a copy made by :mod:`pickle`,
# while ``prepare_main`` still takes shareable values only; on 3.13 this page shows only the
# refusal.  Either way a list is never *shared*. Python 3.14+ or 3.13 with the backport (see
# the first page); elsewhere the page says so and skips to the start-up costs.

import sys

from conc_examples.claims import claim
from conc_examples.work.subinterpreters import MISSING, load, needs_interpreters

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
    shareable = {}

if __name__ == "__main__":
    mutable = [name for name in ("[1, 2]", "{'a': 1}") if shareable.get(name)]
    claim(
        "Immutable values and queues are shareable, lists and dicts are not",
        has_interpreters
        and all(shareable[repr(v)] for v in candidates[:7])
        and not mutable,
        measured=f"{sum(shareable.values())} of {len(shareable)} shareable",
        expected="the first 7 shareable, the list and the dict not",
        needs=needs_interpreters(),
    )

# %%
# In and out, and a GIL of its own
# --------------------------------
# You hand shareable values to the interpreter's ``__main__`` with ``prepare_main``,
# then run source code there with ``exec``.  The code imports what it needs: nothing of
# this script exists in there.  The answer comes back on the queue, with a timeout.  A
# list goes in on a queue of its own (3.14+), which hands the interpreter a copy.
#
# .. literalinclude:: /../conc_examples/work/subinterpreters.py
#    :pyobject: new_interpreter
#
# ``interpreters.create()`` makes an *isolated* interpreter: its own GIL, its own
# memory allocator, and a check on every extension module it imports.  A C extension
# with single-phase init (one ``PyInit_`` that returns a ready module) cannot load
# there (:exc:`ImportError`), nor can a multi-phase one that does not declare
# ``Py_MOD_PER_INTERPRETER_GIL_SUPPORTED``.  The C API's older
# ``Py_NewInterpreter()`` makes one that shares the main interpreter's GIL: no
# parallelism.  CPython's private ``_interpreters.get_config`` shows which you got.

from conc_examples.work.subinterpreters import new_interpreter
from conc_examples.work.workloads import cpu_bound

CODE = """
from conc_examples.work.workloads import cpu_bound
results.put(cpu_bound(n))
if inbox is not None:
    data = inbox.get(timeout=10)
    data.append(3)  # the list in here: a copy of the caller's, or the same one?
    results.put(data)
"""

if __name__ == "__main__" and has_interpreters:
    import _interpreters  # CPython 3.13+, private: only to show the configuration

    worker = new_interpreter()
    try:
        config = _interpreters.get_config(worker.id)
        print(f"its GIL: {config.gil}; checks: {config.check_multi_interp_extensions}")
        worker.prepare_main(results=queue, n=100_000, inbox=None)
        mine, came_back = [1, 2], "nothing: refused"
        try:
            worker.prepare_main(data=mine)  # shareable values only, on every version
        except interpreters.NotShareableError as error:
            print(f"prepare_main refuses a list: NotShareableError: {error}")
        if sys.version_info >= (3, 14):  # a queue takes it, as a pickled copy
            inbox = interpreters.create_queue()
            inbox.put(mine)
            worker.prepare_main(inbox=inbox)
        worker.exec(CODE)
        answer = queue.get(timeout=10)
        if not queue.empty():
            came_back = queue.get(timeout=10)
        print(f"the interpreter answered {answer}; its list: {came_back}; ours: {mine}")
    finally:
        worker.close()  # ends it now, not whenever the object happens to be collected
    interpreters_left = len(interpreters.list_all())
    print(f"interpreters in this process now: {interpreters_left}")
elif __name__ == "__main__":
    answer, mine, came_back, config, interpreters_left = None, [1, 2], "-", None, 0

if __name__ == "__main__":
    need, gil = needs_interpreters(), getattr(config, "gil", None)
    checks = getattr(config, "check_multi_interp_extensions", None)
    claim(
        "The interpreter computed the same answer, sent back on the queue",
        answer == cpu_bound(100_000),
        measured=f"{answer}",
        expected=f"{cpu_bound(100_000)}",
        needs=need,
    )
    claim(
        "A list handed to the interpreter was copied or refused, never shared",
        mine == [1, 2],
        measured=f"ours stayed {mine}; the interpreter's: {came_back}",
        expected="ours unchanged by the interpreter's append",
        needs=need,
    )
    claim(
        "The new interpreter had its own GIL and checked its extension modules",
        gil == "own" and checks is True,
        measured=f"gil={gil!r}, checks={checks}",
        expected="gil='own', checks=True",
        needs=need,
    )
    claim(
        "After close only the main interpreter was left",
        interpreters_left == 1,
        measured=f"{interpreters_left} interpreter(s)",
        expected="1",
        needs=need,
    )

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
# Starting a thread is cheapest, an interpreter costs more (it imports its own copy of
# every module it needs), a spawned process (a fresh Python) most.

if __name__ == "__main__":
    spawn = start_ms["process (spawn)"]
    claim(
        "A thread started faster than a spawned process",
        start_ms["thread"] < spawn,
        measured=f"thread {start_ms['thread']:.2f} ms, spawned process {spawn:.0f} ms",
        expected="thread first",
    )
    interpreter_ms = start_ms.get("interpreter", float("nan"))
    claim(
        "An interpreter started slower than a thread and faster than a spawned process",
        start_ms["thread"] < interpreter_ms < spawn,
        measured=f"interpreter {interpreter_ms:.1f} ms",
        expected="between the thread and the spawned process",
        needs=needs_interpreters(),
    )

# %%
# Take-away: keep interpreters, like processes, in a pool and reuse them; pass them
# shareable values and queues (anything else crosses as a copy, if at all), and give
# them code they can import.
