"""A local aiohttp server for the network examples: nothing leaves 127.0.0.1.

Talking to a real website would make the site's numbers depend on the internet and
its build fail offline.  This server answers on loopback with routes that behave the
way remote servers do: slowly, with errors, with redirects, in a stream.  Start it
from async code with :func:`serve`, or from sync code (threads, plain scripts) with
:func:`serve_in_thread`, which runs it on an event loop of its own in a thread.
Both stop the server and release its socket when the ``with`` block ends.

Routes:

``/delay/{seconds}``   answers ``ok`` after ``seconds`` (at most 10)
``/status/{code}``     answers with that HTTP status (e.g. 500)
``/redirect/{n}``      redirects ``n`` times, then answers ``ok``
``/stream/{chunks}``   streams ``chunks`` lines, 10 ms apart
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

from aiohttp import web

__all__ = ["MAX_DELAY", "make_app", "serve", "serve_in_thread"]

MAX_DELAY = 10.0


async def _delay(request: web.Request) -> web.Response:
    try:
        seconds = float(request.match_info["seconds"])
    except ValueError:
        raise web.HTTPBadRequest(text="delay must be a number of seconds") from None
    if not 0 <= seconds <= MAX_DELAY:
        raise web.HTTPBadRequest(text=f"delay must be between 0 and {MAX_DELAY} s")
    await asyncio.sleep(seconds)
    return web.Response(text="ok")


async def _status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    if not 200 <= code <= 599:
        raise web.HTTPBadRequest(text="status must be between 200 and 599")
    return web.Response(status=code, text=f"status {code}")


async def _redirect(request: web.Request) -> web.Response:
    remaining = int(request.match_info["n"])
    if remaining <= 0:
        return web.Response(text="ok")
    raise web.HTTPFound(f"/redirect/{remaining - 1}")


async def _stream(request: web.Request) -> web.StreamResponse:
    chunks = min(int(request.match_info["chunks"]), 1000)
    response = web.StreamResponse()
    response.content_type = "text/plain"
    await response.prepare(request)
    for i in range(chunks):
        await response.write(f"chunk {i}\n".encode())
        await asyncio.sleep(0.01)
    await response.write_eof()
    return response


def make_app() -> web.Application:
    """Build the application with the routes listed in the module docstring."""
    app = web.Application()
    app.add_routes(
        [
            web.get(r"/delay/{seconds}", _delay),
            web.get(r"/status/{code:\d+}", _status),
            web.get(r"/redirect/{n:\d+}", _redirect),
            web.get(r"/stream/{chunks:\d+}", _stream),
        ]
    )
    return app


@asynccontextmanager
async def serve(
    app: web.Application | None = None, *, backlog: int = 128
) -> AsyncIterator[str]:
    """Serve ``app`` (default :func:`make_app`) on 127.0.0.1; yield its base URL.

    The port is chosen by the OS, so examples never collide.  ``backlog`` is the
    listen queue: connections beyond it wait for the client's SYN retries.
    """
    runner = web.AppRunner(app if app is not None else make_app(), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=backlog)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@contextmanager
def serve_in_thread(
    app_factory: Callable[[], web.Application] = make_app,
    *,
    backlog: int = 128,
    timeout: float = 10.0,
) -> Iterator[str]:
    """Run :func:`serve` on its own event loop in a thread; yield the base URL.

    For synchronous code (threads, ``urllib``).  The thread is joined before the
    ``with`` block ends; ``timeout`` bounds both the start and the stop.
    """
    ready = threading.Event()
    url: list[str] = []
    failure: list[BaseException] = []
    loop_box: list[asyncio.AbstractEventLoop] = []
    stop_box: list[asyncio.Event] = []

    async def main() -> None:
        stop = asyncio.Event()
        loop_box.append(asyncio.get_running_loop())
        stop_box.append(stop)
        async with serve(app_factory(), backlog=backlog) as base_url:
            url.append(base_url)
            ready.set()
            await stop.wait()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the caller's thread below
            failure.append(exc)
        finally:
            ready.set()

    thread = threading.Thread(target=run, name="webserver", daemon=True)
    thread.start()
    try:
        if not ready.wait(timeout) or not url:
            raise RuntimeError("the local web server did not start") from (
                failure[0] if failure else None
            )
        yield url[0]
    finally:
        if loop_box and stop_box and not loop_box[0].is_closed():
            loop_box[0].call_soon_threadsafe(stop_box[0].set)
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("the local web server did not stop in time")
