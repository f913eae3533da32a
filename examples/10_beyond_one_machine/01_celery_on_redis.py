"""
Celery on Redis: tasks, retries, chords, and a worker killed mid-task
=====================================================================

You start a Redis-compatible server and two Celery workers, send them tasks, and watch a
flaky task succeed on its fourth try.  Then you kill a worker in the middle of a task and
see the other worker run it again, twice in the ledger: with this app's settings Celery
delivers *at least* once (with its defaults, a task whose worker dies is lost).

You need the helpers with their ``engines`` extra (the page's download note gives the
command); it brings the server too, on Linux and macOS.
"""

# %%
# A broker, and workers that are programs of their own
# ----------------------------------------------------
# A pool lives inside your program; a task queue does not.  You put tasks on a *broker*,
# a server that holds the queues, and workers, here or on any machine, take them off:
# here Redis or Valkey (its open-source continuation, same protocol).  The page starts
# its own on 127.0.0.1, nothing written to disk: a ``redis-server`` or ``valkey-server``
# on your ``PATH``, else the one the ``engines`` extra installed.  With none, it stops
# with one line: how to get one, or to point it at yours (``CONC_EXAMPLES_REDIS_URL``).

import time

from conc_examples.engines.redis_server import start_redis

started = time.perf_counter()
redis = start_redis()
redis_seconds = time.perf_counter() - started
print(f"{redis} answering after {redis_seconds:.3f} s")

# %%
# The tasks live in an importable module, because a worker finds them by name:
# ``celery -A conc_examples.engines.celery_tasks:app worker``.  The smallest task, and
# the app with its settings:
#
# .. literalinclude:: /../conc_examples/engines/celery_tasks.py
#    :pyobject: add
#
# .. literalinclude:: /../conc_examples/engines/celery_tasks.py
#    :pyobject: make_app
#
# Messages are JSON, never :mod:`pickle`: a worker that unpickles a message runs whatever
# code the message names, so anyone who can write to the broker could run code on every
# worker.  Now two workers, ``a`` and ``b``, each a ``celery worker`` command with one
# pool process.

from conc_examples.engines.celery_tasks import make_app
from conc_examples.engines.celery_workers import start_workers

app = make_app(redis.url)
started = time.perf_counter()
workers = start_workers(app, ["a@localhost", "b@localhost"])
startup_seconds = time.perf_counter() - started
print(f"two workers ready after {startup_seconds:.2f} s")

# %%
# That start-up is the price of a separate program (importing Celery, connecting to the
# broker, forking the pool), paid once per worker, not per task.
#
# Send a task, get its result
# ---------------------------
# ``delay`` puts a message on the queue and hands you an ``AsyncResult`` at once, as
# ``submit`` hands you a future.  ``get`` waits for the result, always with a timeout.

from conc_examples.engines.celery_tasks import add

pending = add.delay(2, 3)
first_result = pending.get(timeout=10)
print(f"add(2, 3) = {first_result}, state {pending.state}")

# %%
# A flaky task, retried with backoff
# ----------------------------------
# ``flaky`` fails three times, as a call to a busy service would, and asks Celery to retry
# it after a backoff that doubles (up to 0.1 s, 0.2 s, 0.4 s), with jitter: a random
# point in the upper half, so that many tasks that failed together do not all come back
# at once, the stampede of :doc:`../08_aiohttp/02_limits_timeouts_retries`.  Each
# attempt writes its time to a ledger file.
#
# .. literalinclude:: /../conc_examples/engines/celery_tasks.py
#    :pyobject: backoff
#
# .. literalinclude:: /../conc_examples/engines/celery_tasks.py
#    :pyobject: flaky

import tempfile
from itertools import pairwise
from pathlib import Path

from conc_examples.claims import claim
from conc_examples.engines.celery_tasks import flaky

ledger_folder = tempfile.TemporaryDirectory()
flaky_ledger = Path(ledger_folder.name, "flaky")
flaky_attempts = flaky.delay(3, str(flaky_ledger)).get(timeout=10)
times = [float(line) for line in flaky_ledger.read_text().split()]
retry_waits = [round(later - earlier, 2) for earlier, later in pairwise(times)]
print(f"succeeded on attempt {flaky_attempts}; waits between attempts (s): {retry_waits}")
least = [0.1 * 2**retry / 2 for retry in range(3)]
claim(
    "The flaky task succeeded on its fourth attempt, each retry after at least half"
    " of its doubling backoff",
    flaky_attempts == 4
    and all(wait >= low - 0.01 for wait, low in zip(retry_waits, least, strict=True)),
    measured=f"attempt {flaky_attempts}, waits {retry_waits} s",
    expected=f"attempt 4, waits of at least {least} s (a busy machine only adds)",
)

# %%
# A retry is a task with a countdown, and so is ``apply_async(eta=...)``: the worker holds
# it, unacknowledged, until its time.  Keep such delays shorter than the visibility
# timeout below, or Redis hands the task out a second time meanwhile.
#
# A group, a chord, and a time limit
# ----------------------------------
# A *group* runs tasks in parallel, like ``map``.  A *chord* is a group plus a callback
# that runs once, on a worker, with all the results: here their sum.  A chord needs a
# result backend (this app stores results in the same Redis).

from celery import chord, group

from conc_examples.engines.celery_tasks import square, total

group_result = group(square.s(i) for i in range(10))().get(timeout=10)
chord_result = chord(square.s(i) for i in range(10))(total.s()).get(timeout=10)
print(f"group: {group_result}")
claim(
    "The chord's callback ran once, with every result of the group",
    group_result == [i * i for i in range(10)] and chord_result == sum(group_result),
    measured=f"the sum of the squares, {chord_result}",
)

# %%
# A task that would run 3 s gets a soft time limit of 0.3 s: Celery raises
# ``SoftTimeLimitExceeded`` inside it, and the task cleans up and returns.

from conc_examples.engines.celery_tasks import overrun

time_limit_outcome = overrun.apply_async((3.0,), soft_time_limit=0.3).get(timeout=10)
claim(
    "The soft time limit interrupted the task, which cleaned up and returned",
    time_limit_outcome.startswith("interrupted by the soft time limit"),
    measured=repr(time_limit_outcome),
)

# %%
# A worker killed in the middle of a task
# ---------------------------------------
# ``ledger_step`` writes "started", works for half a second, writes "finished".  As soon as
# "started" appears, you kill that worker with ``SIGKILL``, as a machine that loses power.
#
# .. literalinclude:: /../conc_examples/engines/celery_tasks.py
#    :pyobject: ledger_step
#
# The app acknowledges a task only once it has finished (``task_acks_late``); Celery's
# default acknowledges it just before it runs, and a killed worker then loses it.  Redis
# keeps the unacknowledged message, and after its visibility timeout (1.5 s here, an
# hour by default) the surviving worker takes it again.  Redis counts no deliveries, so a
# task that kills every worker it lands on would come back for ever: ``ledger_step``
# counts its own starts and gives up after three.

from conc_examples.engines.celery_tasks import VISIBILITY_TIMEOUT, ledger_step

step_ledger = Path(ledger_folder.name, "step")
sent_at = time.perf_counter()
pending = ledger_step.delay(str(step_ledger), 0.5)
deadline = time.monotonic() + 10
while not step_ledger.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
killed_worker = step_ledger.read_text().split()[1]
workers.kill(killed_worker)
killed_at = time.perf_counter()
redelivered_to = pending.get(timeout=20)
redelivery_seconds = time.perf_counter() - killed_at
sent_to_result = time.perf_counter() - sent_at
ledger_lines = step_ledger.read_text().splitlines()
print(f"killed {killed_worker}; result from {redelivered_to}"
      f" {redelivery_seconds:.1f} s later; the ledger:")  # fmt: skip
print("\n".join(f"  {line}" for line in ledger_lines))
killed, survivor = killed_worker, redelivered_to
claim(
    "The killed worker's task started again on the other worker and finished once, there",
    [line.split()[:2] for line in ledger_lines]
    == [["started", killed], ["started", survivor], ["finished", survivor]]
    and survivor != killed,
    measured=f"{len(ledger_lines)} lines in the ledger",
)
claim(
    "The other worker got the task only after the visibility timeout",
    sent_to_result >= VISIBILITY_TIMEOUT + 0.5,
    measured=f"{sent_to_result:.2f} s from sending to the result",
    expected=f"at least the timeout {VISIBILITY_TIMEOUT} s plus the task's 0.5 s",
)

# %%
# Everything the first attempt did before it died (a row written, an e-mail sent)
# happened, and will happen again.  So make tasks *idempotent*: doing one twice must
# leave the same result as doing it once (write with a key, check before you send).
#
# Stop the workers (a warm shutdown: each finishes its task and exits), then the server.

started = time.perf_counter()
workers.close()
app.close()
redis.close()
ledger_folder.cleanup()
stop_seconds = time.perf_counter() - started
print(f"workers and the server stopped in {stop_seconds:.2f} s")

# %%
# Take-away: a task queue survives a worker's death only because it delivers again (the
# task above started twice, finished once, after the visibility timeout), so every task
# must be safe to run twice.
