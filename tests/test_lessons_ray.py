"""Chapter 10's Ray page shows what it says, and its cluster keeps to this machine.

The page's claims (one ``ray.get`` of the list against ``ray.get`` in the loop, results
in order, every process gone after ``ray.shutdown()``) are judged from its run; these
tests add what a claim cannot say: how many it makes, that the page runs cleanly and
says so in one line where Ray is missing, and that the helper's cluster listens on
127.0.0.1 only, leaves no token in ``~/.ray`` and gives the environment back.  A Ray
driver keeps native threads after ``ray.shutdown()`` (and this process forks later),
so the cluster test drives Ray from a child process, as the page does.  Where this
Python has no Ray (3.15, a free-threaded build) the tests that need one skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from example_runner import EXAMPLES, check_claims, example

from conc_examples.claims import MACHINE
from conc_examples.engines.ray_tasks import MISSING, installed, needs_ray

RAY_PAGE = "10_beyond_one_machine/06_ray_tasks.py"
HAS_RAY = installed()
needs_ray_here = pytest.mark.skipif(not HAS_RAY, reason=f"no Ray for {sys.version}")


@needs_ray_here
def test_one_ray_get_of_the_list_beats_ray_get_in_the_loop() -> None:
    run = example(RAY_PAGE)
    # Faster outside the loop; results in order; every process gone after shutdown.
    assert len(run.claims) == 3
    check_claims(run)
    lesson = run.values["lesson"]
    assert lesson.first_result == 2 and lesson.in_order
    assert len(lesson.loop.runs) == len(lesson.batch.runs) == 3
    assert set(run.values["per_task_ms"]) == {"ray.get in the loop", "submit, then ray.get"}
    first_line = run.stdout.splitlines()[0]
    assert first_line.startswith("Ray ") and "GCS at 127.0.0.1:" in first_line, first_line


# The page run as a reader without Ray would: the import of ray fails.
WITHOUT_RAY = (
    "import runpy, sys; sys.modules['ray'] = None; "
    "sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def test_without_ray_one_line_and_every_claim_not_shown() -> None:
    script = EXAMPLES / RAY_PAGE
    child = subprocess.run(
        [sys.executable, "-X", "dev", "-c", WITHOUT_RAY, str(script)],
        cwd=script.parent, env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    assert child.stderr == ""
    assert child.stdout.splitlines()[0] == MISSING
    assert child.stdout.count("[not shown on this run]") == 3, child.stdout
    assert child.stdout.count("it needs Ray (pip install ray)") == 3, child.stdout
    assert "[held]" not in child.stdout and "[did not hold" not in child.stdout


def test_needs_ray_says_what_the_machine_lacks() -> None:
    need = needs_ray()
    assert need.met is HAS_RAY
    assert need.lacking == MACHINE  # a skip is honest everywhere, CI included


def _listening_inodes() -> dict[int, str]:
    """Inode -> local address of every listening TCP socket (Linux ``/proc/net``)."""
    found = {}
    for table in ("tcp", "tcp6"):
        for line in Path("/proc/net", table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found[int(fields[9])] = fields[1]
    return found


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


# 127.0.0.1, ::1, and 127.0.0.1 as an IPv6 socket sees it (::ffff:127.0.0.1).
LOOPBACK = {
    "0100007F",
    "00000000000000000000000001000000",
    "0000000000000000FFFF00000100007F",
}


def cluster_facts() -> dict[str, object]:
    """Start the helper's cluster (in a child process: see the module docstring) and
    report what a test checks: addresses, environment, token file, what was left."""
    import ray  # noqa: F401 (importing it sets variables of its own)

    from conc_examples.engines.ray_tasks import start_local_ray

    environ = dict(os.environ)
    token_file = Path.home() / ".ray" / "auth_token"
    had_token = token_file.exists()
    with start_local_ray(num_cpus=1) as cluster:
        listening = _listening_inodes()
        addresses = sorted(
            {
                listening[inode]
                for pid in [os.getpid(), *cluster.processes]
                for inode in _socket_inodes(pid)
                if inode in listening
            }
        )
        auth_mode = os.environ.get("RAY_AUTH_MODE")
    return {
        "gcs_address": cluster.gcs_address,
        "addresses": addresses,
        "auth_mode": auth_mode,
        "left_running": cluster.left_running,
        "folder_left": Path(cluster.folder).exists(),
        "environ_back": dict(os.environ) == environ,
        "token_file_changed": token_file.exists() != had_token,
    }


CHILD = (
    "import json, sys; sys.path[:0] = sys.argv[1:]; "
    "from test_lessons_ray import cluster_facts; print(json.dumps(cluster_facts()))"
)


@needs_ray_here
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_the_cluster_listens_on_loopback_only_and_stops_whole() -> None:
    here = Path(__file__).parent
    paths = [str(here), str(here.parent / "docs" / "_ext")]  # as conftest.py has them
    child = subprocess.run(
        [sys.executable, "-X", "dev", "-c", CHILD, *paths],
        cwd=here, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert child.returncode == 0 and child.stderr == "", child.stderr
    facts = json.loads(child.stdout.splitlines()[-1])
    assert facts["gcs_address"].startswith("127.0.0.1:")
    assert facts["auth_mode"] == "token"  # authentication on
    assert facts["addresses"], "the cluster listens nowhere?"
    assert {a.split(":")[0] for a in facts["addresses"]} <= LOOPBACK, facts["addresses"]
    assert facts["left_running"] == 0
    assert not facts["folder_left"]  # Ray's session files removed
    assert facts["environ_back"]  # the token and switches are gone again
    assert not facts["token_file_changed"]  # no token saved in your home
