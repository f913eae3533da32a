"""
A hung child, a stuck task
==========================

A child process stops moving and you ask it where it waits, from outside with
``py-spy dump`` and from inside with :mod:`faulthandler`.  Then an asyncio task stops
moving and you ask the event loop, with :func:`asyncio.all_tasks` and each task's
stack.  Each time the answer is one line, and each fix is one change.
"""

# %%
# A child that waits for ever
# ---------------------------
# The child counts the lines it reads on its stdin, so it reads to the end of the
# file.  The parent writes three lines and waits for the answer, but forgets to close
# the pipe: the child never sees the end, and both wait.  The ``wait`` has a timeout,
# so this page notices instead of hanging.
#
# .. literalinclude:: /../conc_examples/trouble/hangs.py
#    :pyobject: count_lines
#    :lineno-match:

import subprocess
import sys

from conc_examples.trouble.shutdown_programs import wait_until_ready

child = subprocess.Popen(
    [sys.executable, "-m", "conc_examples.trouble.hangs", "count_lines"],
    stdin=subprocess.PIPE,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
    text=True,
)
wait_until_ready(child)
child.stdin.write("one\ntwo\nthree\n")
child.stdin.flush()  # sent, but the pipe stays open
try:
    child.wait(timeout=0.5)
except subprocess.TimeoutExpired:
    print("the child is still running after 0.5 s")

# %%
# Ask from outside: ``py-spy dump --pid`` reads the child's stack (it needs ptrace
# permission, as the first page of this chapter says).
# Then ask from inside: the child registered :func:`faulthandler.register` for
# ``SIGUSR1``, so that signal makes it write every stack to its stderr, and go on
# (POSIX only; Windows has no ``SIGUSR1``).

import linecache
import signal

from conc_examples.trouble import hangs
from conc_examples.trouble.hangs import frames_in, py_spy_dump


def source(frame) -> str:
    """The line of hangs.py that a dump's frame names."""
    return linecache.getline(hangs.__file__, frame.line).split("#")[0].strip()


dump, why_not = py_spy_dump(child.pid)
child_outside = frames_in(dump, "hangs.py")
for frame in child_outside:
    print("py-spy:      ", frame, "->", source(frame))
child.send_signal(signal.SIGUSR1)

# %%
# The fix is the missing line: close the pipe.
# :meth:`~subprocess.Popen.communicate` does it for you: it writes the input, closes
# stdin, reads stdout and stderr to the end, and waits, all under one timeout.

out, err = child.communicate(timeout=10)  # closes stdin: the child sees the end
child_inside = frames_in(err, "hangs.py")
for frame in child_inside:
    print("faulthandler:", frame, "->", source(frame))
child_answer = out.strip()
print("the child answered:", child_answer)

# %%
# Both dumps point at the ``readlines()`` line of ``count_lines`` (numbered in the
# listing above).  Once stdin was closed, the child counted its lines and ended.

from conc_examples.claims import Need, claim, needs_python


def waits_in_readlines(frames) -> bool:
    return [f.function for f in frames] == ["count_lines"] and all(
        "stdin.readlines()" in source(f) for f in frames
    )


claim(
    "faulthandler showed the hung child waiting in readlines()",
    waits_in_readlines(child_inside),
    measured="; ".join(f"{f} -> {source(f)}" for f in child_inside) or "no frame",
    expected="count_lines(), at its stdin.readlines() line",
)
claim(
    "py-spy, from outside, found the same line",
    waits_in_readlines(child_outside),
    measured="; ".join(f"{f} -> {source(f)}" for f in child_outside) or "no frame",
    expected="count_lines(), at its stdin.readlines() line",
    needs=Need("py-spy, allowed to read another process", why_not is None, str(why_not)),
)
claim(
    "With its stdin closed, the child counted its lines and ended",
    child_answer == "3 lines" and child.returncode == 0,
    measured=f"{child_answer!r}, exit status {child.returncode}",
    expected="'3 lines', exit status 0",
)

# %%
# A task that waits for ever
# --------------------------
# A consumer task takes items from an :class:`asyncio.Queue` until it sees ``None``.
# The producer puts three items and returns without the ``None``.  ``gather`` would
# wait for ever; :func:`asyncio.wait` with a timeout returns what is still pending.
# While the consumer is stuck, the page also asks from outside, as you would from a
# shell: ``python -m asyncio pstree PID`` (Python 3.14+), run from a thread so that the
# loop keeps waiting.

import asyncio
import os

from conc_examples.trouble.hangs import asyncio_pstree


async def produce(queue: asyncio.Queue, finish: bool) -> None:
    for item in range(3):
        await queue.put(item)
    if finish:
        await queue.put(None)  # "no more items": what the buggy version forgets


async def consume(queue: asyncio.Queue, seen: list[int]) -> None:
    while (item := await queue.get()) is not None:
        seen.append(item)


async def run_pipeline(finish: bool) -> tuple[list, list[int]]:
    queue: asyncio.Queue = asyncio.Queue()
    seen: list[int] = []
    tasks = [
        asyncio.create_task(produce(queue, finish), name="producer"),
        asyncio.create_task(consume(queue, seen), name="consumer"),
    ]
    _, pending = await asyncio.wait(tasks, timeout=0.3)
    if not finish:
        outside.extend(await asyncio.to_thread(asyncio_pstree, os.getpid(), "consumer"))
    stuck = []
    for task in asyncio.all_tasks():  # ask the loop: which tasks are there, and where?
        if task is not asyncio.current_task():
            frame = task.get_stack()[-1]  # a suspended task: its own frame only
            stuck.append((task.get_name(), frame.f_code.co_name, frame.f_lineno))
            if sys.version_info >= (3, 14):  # the whole await chain, and who awaits it
                graphs.append(asyncio.format_call_graph(task))
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return stuck, seen


graphs: list[str] = []
outside: list = []  # the pstree and why it is missing
stuck_tasks, seen_stuck = asyncio.run(run_pipeline(finish=False))
for name, function, line in stuck_tasks:
    print(f"task {name!r} is waiting in {function}(), line {line}")
for graph in graphs or ["(no asyncio.format_call_graph before Python 3.14)"]:
    print(graph)
pstree, pstree_why_not = outside
print(f"python -m asyncio pstree, from outside:\n{pstree}" if pstree else pstree_why_not)

# %%
# One task left, the consumer, at the ``await queue.get()`` line: it waits for an item
# that will never come.  :meth:`~asyncio.Task.get_stack` gives a suspended task's own
# frame only, not what that frame awaits.  Python 3.14 added
# :func:`asyncio.format_call_graph` (and :func:`~asyncio.print_call_graph`), printed above
# where this Python has it: the whole chain down to ``Queue.get``, and who awaits the
# task; ``python -m asyncio pstree PID`` printed the same from outside the process
# (``python -m asyncio ps PID`` lists every task in a table).  Before 3.14 there is
# neither, and this page prints only the line.

PAGE = run_pipeline.__code__.co_filename
claim(
    "The loop named the stuck task and the line it waits on",
    [(n, f) for n, f, _ in stuck_tasks] == [("consumer", "consume")]
    and all("await queue.get()" in linecache.getline(PAGE, n) for *_, n in stuck_tasks),
    measured=f"{stuck_tasks}",
    expected="only the consumer, at its `await queue.get()` line",
)
claim(
    "The call graph showed where the consumer waits",
    any("consume" in graph for graph in graphs),
    measured=f"{len(graphs)} call graph(s)",
    expected="one naming consume()",
    needs=needs_python((3, 14), "asyncio.format_call_graph"),
)
claim(
    "python -m asyncio pstree, from outside, showed the consumer waiting in Queue.get",
    "consume" in pstree and "Queue.get" in pstree,
    measured=" / ".join(line.split("── ")[-1].strip() for line in pstree.splitlines())
    or "no tree",
    expected="the consumer's tree, down to Queue.get",
    needs=Need(
        "Python 3.14+ (python -m asyncio pstree), allowed to read another process",
        pstree_why_not is None,
        str(pstree_why_not),
    ),
)

# %%
# The fix is the producer's last line:

stuck_after_fix, seen_fixed = asyncio.run(run_pipeline(finish=True))
print(f"with the None: {len(stuck_after_fix)} tasks left, consumer saw {seen_fixed}")
claim(
    "With the None, no task was left and the consumer saw every item",
    stuck_after_fix == [] and seen_fixed == [0, 1, 2],
    measured=f"{len(stuck_after_fix)} tasks left, consumer saw {seen_fixed}",
    expected="0 tasks, [0, 1, 2]",
)

# %%
# Take-away: a hang is a wait with no end.  Ask where it waits (py-spy or
# faulthandler for a process, ``all_tasks`` and ``get_stack``, or from 3.14 the call
# graph, for asyncio), and the line printed above names what it waits for: here
# end-of-file and a ``None``.
