"""The functions children run (conc_examples.work.mp_workers), tested in this process.

Each runs here with in-process stand-ins (a queue.Queue for a multiprocessing queue,
a threading.Barrier for a multiprocessing one), so the tests are fast and show what
each function does; the chapter tests run them in real children.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import re
import signal
import subprocess
import sys
import threading
from multiprocessing import shared_memory
from pathlib import Path

import pytest

from conc_examples.work import mp_workers


def test_tiny_tasks() -> None:
    assert mp_workers.square(7) == 49
    assert mp_workers.sleep_and_return(0.0) == 0.0
    assert mp_workers.reciprocal(4) == 0.25
    with pytest.raises(ZeroDivisionError):
        mp_workers.reciprocal(0)


def test_run_until_stopped_honours_its_limit() -> None:
    mp_workers.run_until_stopped(limit=0.01)  # returns instead of running for ever


def test_a_program_that_leaves_a_daemon_reports_it_terminated_at_exit() -> None:
    # The program's last line comes after multiprocessing's exit handler has terminated
    # and joined the daemon: its exit code, minus SIGTERM.
    program = (
        "from conc_examples.work.mp_workers import leave_a_daemon_behind;"
        "leave_a_daemon_behind('spawn')"
    )
    finished = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    pid, alive, exitcode = finished.stdout.split()
    assert int(pid) > 0 and alive == "True"
    assert int(exitcode) == -signal.SIGTERM


def test_report_inheritance_reports_the_setting() -> None:
    results: queue.Queue = queue.Queue()
    mp_workers.report_inheritance(results)
    report = results.get_nowait()
    assert report["setting"] == mp_workers.SETTING
    assert report["modules"] > 0


def test_pieces_make_whole_lines_when_alone(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    mp_workers.write_lines_in_pieces(str(path), "w0", 3, threading.Barrier(1))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == [f"w0: line {n} of w0" for n in range(3)]


def test_library_logger_writes_its_format(tmp_path: Path) -> None:
    path = tmp_path / "library.log"
    logger = multiprocessing.get_logger()
    before, level = list(logger.handlers), logger.level
    try:
        mp_workers.log_with_library_logger(str(path))
    finally:
        for handler in logger.handlers[len(before) :]:
            handler.close()
        logger.handlers[:] = before
        logger.setLevel(level)
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^\[WARNING/MainProcess\] something looks odd$", text, re.M)


def test_queue_logging_sends_records_and_removes_its_handler() -> None:
    records: queue.Queue = queue.Queue()
    mp_workers.log_through_queue(records, worker=3, tasks=2)
    messages = [records.get_nowait().getMessage() for _ in range(2)]
    assert messages == ["worker 3 finished task 0", "worker 3 finished task 1"]
    assert not logging.getLogger("conc_examples.worker").handlers


def test_producer_and_consumer_agree_on_the_sentinel() -> None:
    tasks: queue.Queue = queue.Queue()
    results: queue.Queue = queue.Queue()
    mp_workers.produce(tasks, 5)
    mp_workers.consume(tasks, results)
    assert results.get_nowait() == {"items": 5, "sum": 10}


def test_joinable_worker_marks_every_item_done() -> None:
    tasks: queue.Queue = queue.Queue()
    results: queue.Queue = queue.Queue()
    for item in (2, 3, None):
        tasks.put(item)
    mp_workers.joinable_worker(tasks, results)
    assert tasks.unfinished_tasks == 0
    assert [results.get_nowait()[1] for _ in range(2)] == [4, 9]


def test_echo_returns_each_message_until_empty() -> None:
    ours, theirs = multiprocessing.Pipe()
    echo = threading.Thread(target=mp_workers.echo_bytes, args=(theirs,))
    echo.start()
    try:
        ours.send_bytes(b"ping")
        assert ours.poll(10)
        assert ours.recv_bytes() == b"ping"
    finally:
        ours.send_bytes(b"")
        echo.join(timeout=10)
        ours.close()
    assert not echo.is_alive()


@pytest.mark.parametrize("use_lock", [False, True])
def test_counter_counts_alone(use_lock: bool) -> None:
    counter = multiprocessing.Value("i", 0)
    done = multiprocessing.Array("i", 1)
    mp_workers.add_to_counter(counter, done, 0, 100, threading.Barrier(1), use_lock)
    assert counter.value == 100
    assert done[0] == 100


def test_shared_memory_is_doubled_in_place() -> None:
    block = shared_memory.SharedMemory(create=True, size=4)
    try:
        block.buf[:4] = bytes([1, 2, 3, 200])
        mp_workers.double_in_shared_memory(block.name, 4)
        assert list(block.buf[:4]) == [2, 4, 6, 144]  # 400 wraps round to 144
    finally:
        block.close()
        block.unlink()


def test_record_in_manager_writes_dict_and_list() -> None:
    shared_dict: dict = {}
    shared_list: list = []
    mp_workers.record_in_manager(shared_dict, shared_list, "child-0")
    assert list(shared_dict) == ["child-0"]
    assert shared_list == ["child-0"]


def test_process_item_writes_its_ledger_entry_once(tmp_path: Path) -> None:
    assert mp_workers.process_item(5, 1, {}, str(tmp_path)) == 25
    # A retry finds the entry and returns its result without doing the work again.
    assert mp_workers.process_item(5, 2, {}, str(tmp_path)) == 25
    lines = (tmp_path / "item-5").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("25 on attempt 1")


def test_lifo_manager_serves_one_stack_to_every_client() -> None:
    authkey = b"a test key"
    # spawn: forking this (possibly multi-threaded) test process would warn on 3.12+
    server = mp_workers.LifoManager(
        address=("127.0.0.1", 0), authkey=authkey, ctx=multiprocessing.get_context("spawn")
    )
    server.start()
    try:
        mp_workers.push_to_stack(server.address, authkey, [1, 2])
        stack = server.stack()
        assert [stack.get(timeout=5), stack.get(timeout=5)] == [2, 1]
        del stack
    finally:
        server.shutdown()
