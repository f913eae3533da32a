"""The throwaway Redis server, and the runner finding processes in sessions of their own."""

from __future__ import annotations

import shutil
import socket
import sys
import textwrap
from pathlib import Path

import pytest
from example_runner import run

from conc_examples.engines import redis_server
from conc_examples.engines.redis_server import ENV_VAR, RedisMissing, start_redis

needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def _ping(url: str) -> bytes:
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=2) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16)


@needs_redis
def test_redis_server_answers_on_loopback_then_stops(monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    with start_redis() as server:
        assert server.url.startswith("redis://127.0.0.1:")
        assert _ping(server.url) == b"+PONG\r\n"
        process = server.process
    assert process is not None and process.poll() is not None  # stopped
    with pytest.raises(OSError):
        _ping(server.url)


def test_redis_url_from_the_environment_starts_nothing(monkeypatch) -> None:
    monkeypatch.setenv(ENV_VAR, "redis://127.0.0.1:1/0")
    with start_redis() as server:
        assert server.url == "redis://127.0.0.1:1/0"
        assert server.process is None


def test_no_redis_server_is_one_line_and_exit_status_1(monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(redis_server.shutil, "which", lambda name: None)
    with pytest.raises(RedisMissing) as caught:
        start_redis()
    assert isinstance(caught.value, SystemExit)  # so Python prints it, no traceback
    message = str(caught.value.code)
    assert "\n" not in message
    assert "apt-get install redis-server" in message and ENV_VAR in message


def test_runner_finds_a_process_that_left_the_session(tmp_path: Path) -> None:
    script = tmp_path / "escapes.py"
    script.write_text(
        textwrap.dedent(
            f"""\
            import subprocess
            subprocess.Popen([{sys.executable!r}, "-c", "import time; time.sleep(60)"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
            """
        )
    )
    result = run(script)
    assert any("python" in leftover for leftover in result.leftovers), result.leftovers
