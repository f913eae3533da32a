"""What a request costs in CPU time on each event loop, measured in a child process.

uvloop runs on libuv, and libuv starts a pool of OS threads (for name lookups and file
work) the first time a loop needs one and keeps it for the rest of the process.
Python's :mod:`threading` cannot see those threads, and a process that has threads
must not ``fork``: the docs build runs every page in one process, and later pages fork.
So the rounds run in a fresh interpreter (``python -m conc_examples.measure.loop_costs
asyncio uvloop``), which prints its figures as JSON and exits, threads and all.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable, Sequence

from aiohttp import web

from conc_examples.measure.latency import cpu_per_request
from conc_examples.web.webserver import serve


def _loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """``None`` is asyncio's own loop; ``"uvloop"`` needs the fastloop extra."""
    if name == "asyncio":
        return None
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    raise ValueError(f"unknown event loop {name!r}: asyncio or uvloop")


async def _request_cost(requests: int) -> float:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", answer)
    asyncio.get_running_loop().set_debug(False)
    async with serve(app) as url:
        return await cpu_per_request(f"{url}/", requests=requests)


def rounds_by_loop(
    loops: Sequence[str], rounds: int, requests: int
) -> dict[str, list[float]]:
    """CPU seconds per request on each loop, the loops taking turns round by round
    after one warm-up round each (first imports, first connections)."""
    factories = {name: _loop_factory(name) for name in loops}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(1 + rounds):
        for name, factory in factories.items():
            with asyncio.Runner(loop_factory=factory) as runner:
                cpu_seconds[name].append(runner.run(_request_cost(requests)))
    return {name: runs[1:] for name, runs in cpu_seconds.items()}


def loop_costs(
    loops: Sequence[str], *, rounds: int = 5, requests: int = 100, timeout: float = 120.0
) -> dict[str, list[float]]:
    """:func:`rounds_by_loop` in a child interpreter, killed if it outlives ``timeout``."""
    command = [sys.executable, "-m", __name__, *loops, f"--rounds={rounds}"]
    done = subprocess.run(
        [*command, f"--requests={requests}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measuring the loops failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def _main(argv: Sequence[str]) -> None:
    options = dict(
        arg.removeprefix("--").split("=") for arg in argv if arg.startswith("--")
    )
    loops = [arg for arg in argv if not arg.startswith("--")]
    figures = rounds_by_loop(loops, int(options["rounds"]), int(options["requests"]))
    print(json.dumps(figures))


if __name__ == "__main__":
    _main(sys.argv[1:])
