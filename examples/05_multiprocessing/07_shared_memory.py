"""
Shared memory: the same bytes in two processes
==============================================

Copying is what makes queues and pipes safe, and what makes them slow for big data.
:term:`Shared memory` lets processes read and write the same bytes with no copy.  You will
watch two processes lose additions to a shared counter, fix it with the counter's lock,
then let a child change the parent's bytes in place through a named block.
"""

# %%
# ``Value``: a shared number, and a race
# --------------------------------------
# :func:`multiprocessing.Value` holds one C number in shared memory, with a lock.  The
# lock makes each single read and each single write safe.  But ``counter.value += 1`` is
# a read *and* a write: another process can write in between, and its addition is lost.
# That is a :term:`race condition`.  Two workers each add 20000, first without holding
# the lock across both steps, then with it.  A shared :func:`~multiprocessing.Array`
# holds how many additions each made:
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: add_to_counter

import multiprocessing

from conc_examples.claims import claim
from conc_examples.work import mp_workers

ADDITIONS = 20_000


def count_together(use_lock: bool) -> tuple[int, int]:
    """Run two adders at once; return (additions made, final counter value)."""
    counter = multiprocessing.Value("i", 0)
    done = multiprocessing.Array("i", 2)
    start = multiprocessing.Barrier(2)
    adders = [
        multiprocessing.Process(
            target=mp_workers.add_to_counter,
            args=(counter, done, index, ADDITIONS, start, use_lock),
        )
        for index in range(2)
    ]
    for adder in adders:
        adder.start()
    for adder in adders:
        adder.join(timeout=60)
    return sum(done[:]), counter.value


if __name__ == "__main__":
    # A race shows only when the two really interleave; on a busy machine one worker
    # can finish before the other runs, so you give it up to three rounds.
    for attempt in range(1, 4):
        made, value = count_together(use_lock=False)
        print(f"without the lock (round {attempt}): {made} made, counter = {value}")
        if value < made:
            break
    lost_without_lock = made - value
    made_with_lock, value_with_lock = count_together(use_lock=True)
    print(
        f"with the lock:               {made_with_lock} made, counter = {value_with_lock}"
    )
    lost_with_lock = made_with_lock - value_with_lock
    claim(
        "Without the lock, the counter lost additions",
        lost_without_lock > 0,
        measured=f"{lost_without_lock} of {made} lost, in round {attempt}",
        why="the two workers did not overlap in three rounds (a busy machine)",
    )
    claim(
        "With the lock held across the read and the write, none was lost",
        lost_with_lock == 0 and made_with_lock == 2 * ADDITIONS,
        measured=f"{lost_with_lock} of {made_with_lock} lost",
    )

# %%
# Without the lock, both workers read the same value and wrote back the same sum.
# ``get_lock()`` held across the read and the write stops that.  The counter travels to
# the children as an argument: a ``Value`` made in a global would be a new, unrelated
# one in each ``spawn`` child.
#
# ``SharedMemory``: a block of bytes shared by name
# -------------------------------------------------
# :class:`multiprocessing.shared_memory.SharedMemory` creates a block of memory with a
# name.  Another process attaches to it by that name and sees the same bytes.  Each
# process ``close()``\ s its view when done; the creator also ``unlink()``\ s the block,
# which belongs to the system, not to a process.  If you forget, on POSIX the
# :mod:`multiprocessing` resource tracker (a helper process) unlinks it when your
# program ends, and warns about a leaked ``shared_memory`` object.  The block does
# outlive your program when no tracker takes care of it: the tracker itself was killed
# (a kill signal to the whole process group), the block was made with ``track=False``
# (Python 3.13+), or a program that does not use the tracker created it.  On Windows
# the block goes when its last handle closes.
#
# .. literalinclude:: /../conc_examples/work/mp_workers.py
#    :pyobject: double_in_shared_memory

from multiprocessing import shared_memory

if __name__ == "__main__":
    block = shared_memory.SharedMemory(create=True, size=8)
    try:
        block.buf[:8] = bytes(range(1, 9))
        before = list(block.buf[:8])
        print(f"block {block.name!r} before: {before}")
        doubler = multiprocessing.Process(
            target=mp_workers.double_in_shared_memory, args=(block.name, 8)
        )
        doubler.start()
        doubler.join(timeout=30)
        after = list(block.buf[:8])
        print(f"block {block.name!r} after the child: {after}")
    finally:
        block.close()
        block.unlink()
    claim(
        "The child doubled the parent's bytes in place, found by the block's name alone",
        after == [2 * b for b in before] and doubler.exitcode == 0,
        measured=f"before {before}, after {after}",
    )

# %%
# Nothing was copied: the child wrote into the very bytes the parent reads.
#
# Take-away: shared memory skips the copy, so nothing keeps two processes apart: above,
# the counter lost additions until the lock was held across each read and write; a
# named block lets a child work on your bytes in place.
