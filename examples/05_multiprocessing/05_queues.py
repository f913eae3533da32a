"""
Queues: send work to another process
====================================

Processes share no memory, so they talk by sending objects.  A
:class:`multiprocessing.Queue` :term:`pickles <pickling>` what you put on it and copies it
through a pipe to whichever process takes it.  You will see a producer hand a consumer
1000 numbers and a :term:`sentinel`, then two workers drain a
:class:`~multiprocessing.JoinableQueue` while the parent waits for the batch.
"""

# %%
# A producer, a consumer and a sentinel
# -------------------------------------
# The consumer cannot know how many items will come.  So the producer ends with a value
# that means "no more" (here ``None``), and the consumer stops when it sees it:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: produce
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: consume

import multiprocessing
import queue

from conc_examples.claims import claim
from conc_examples.work import mp_workers

if __name__ == "__main__":
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    producer = multiprocessing.Process(target=mp_workers.produce, args=(tasks, 1000))
    consumer = multiprocessing.Process(target=mp_workers.consume, args=(tasks, results))
    producer.start()
    consumer.start()
    try:
        summary = results.get(timeout=30)
    except queue.Empty:
        raise SystemExit("the consumer sent no summary within 30 s") from None
    finally:
        for child in (producer, consumer):
            mp_workers.join_or_stop(child, timeout=30)
    for q in (tasks, results):
        q.close()
        q.join_thread()  # wait for the queue's feeder thread
    print(f"the consumer received {summary['items']} items adding up to {summary['sum']}")
    claim(
        "The consumer received every number, and stopped at the sentinel",
        summary == {"items": 1000, "sum": sum(range(1000))} and consumer.exitcode == 0,
        measured=f"{summary['items']} items, sum {summary['sum']},"
        f" consumer exit code {consumer.exitcode}",
        expected=f"1000 items, sum {sum(range(1000))}, exit code 0",
    )

# %%
# The consumer stopped at the sentinel instead of waiting for ever.  A child that outlives
# its ``join(timeout)`` is stopped by ``join_or_stop`` (see :doc:`01_process_basics`): at
# exit, :mod:`multiprocessing` would wait for it with no timeout.  Notice the order: you
# take the result *before* you join.  A process that has put data on a queue does not end
# until its data is in the pipe, and a full pipe waits for a reader.  Join first, and you
# can deadlock.
#
# ``JoinableQueue``: wait until the work is done
# ----------------------------------------------
# Sometimes you want to know when a batch is finished, but keep the workers for the next
# one.  With a :class:`~multiprocessing.JoinableQueue`, each worker calls ``task_done()``
# for every item it takes, and ``join()`` returns once every item put is done:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: joinable_worker
#
# ``join()`` itself has no timeout.  You bound it by waiting in a thread that you join
# with one.

import threading

if __name__ == "__main__":
    tasks, results = multiprocessing.JoinableQueue(), multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=mp_workers.joinable_worker, args=(tasks, results), name=f"worker-{n}"
        )
        for n in range(2)
    ]
    for worker in workers:
        worker.start()
    for item in range(10):
        tasks.put(item)
    waiter = threading.Thread(target=tasks.join, name="batch-waiter", daemon=True)
    waiter.start()
    waiter.join(timeout=30)
    batch_done = not waiter.is_alive()
    workers_alive = all(worker.is_alive() for worker in workers)
    print(f"the batch of 10 is done: {batch_done}; the workers are alive: {workers_alive}")
    batch = [results.get(timeout=30) for _ in range(10)]
    for _ in workers:
        tasks.put(None)  # one sentinel per worker: now they stop
    for worker in workers:
        mp_workers.join_or_stop(worker, timeout=30)
    for q in (tasks, results):
        q.close()
        q.join_thread()
    squares = sorted(square for _, square in batch)
    print(f"all ten results: {squares}")
    for worker in workers:
        took = sorted(square for name, square in batch if name == worker.name)
        print(f"{worker.name} squared into {took}")
    claim(
        "join() returned with the batch done and both workers still alive",
        batch_done and workers_alive,
        measured=f"batch done {batch_done}, workers alive {workers_alive}",
    )
    exits = [worker.exitcode for worker in workers]
    claim(
        "Every item was squared once, and each worker stopped at its own sentinel",
        squares == [x * x for x in range(10)] and exits == [0, 0],
        measured=f"{len(squares)} squares, exit codes {exits}",
    )

# %%
# Which worker took which item is a matter of timing.  Each worker
# needed its own sentinel to stop: ``join()`` and ``task_done()`` only count work, they
# stop nobody.
#
# Take-away: a queue copies what it carries from one process to another; end a stream
# with a sentinel per consumer, take results before you join, and use a
# ``JoinableQueue`` when the parent must know that all 10 items of a batch are done.
