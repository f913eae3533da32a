"""The gevent page's measurements, run in an interpreter of their own.

``python -m conc_examples.engines.gevent_requests URL`` patches the standard library with
gevent, then fetches ``URL/delay/0.1`` 100 times at once from greenlets, three times
over, while a ticker greenlet notes the longest stall of the loop; then again beside one
greenlet that hashes (CPU work in C, no switch), and once more beside one that makes a
blocking C call gevent cannot patch.  It prints one JSON object.

It runs in a child interpreter because ``monkey.patch_all()`` rewrites :mod:`socket`,
:mod:`threading`, :mod:`time` and more for the whole process, for good: done inside the
docs build (or any program that did not ask for it), every later example would run on
gevent's versions.  And it runs *first*, before other imports, so that no module holds
on to an unpatched ``socket`` or ``threading`` it imported earlier.
"""

from gevent import monkey

monkey.patch_all()

import ctypes
import hashlib
import json
import sys
import time
import urllib.request

import gevent

REQUESTS = 100
DELAY = 0.1


def fetch(url: str) -> bytes:
    """One request with the standard library, which gevent made cooperative."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def hash_for(seconds: float) -> int:
    """CPU work in C (hashing): the greenlet never yields while it computes."""
    rounds, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 20_000)
        rounds += 1
    return rounds


def blocking_c_sleep(seconds: float) -> None:
    """``usleep`` from the C library: gevent patches ``time.sleep``, not C code."""
    ctypes.CDLL(None).usleep(int(seconds * 1_000_000))


def ticker(gaps: list[float]) -> None:
    """Wake every 10 ms and note how long each wait really took: a stalled hub shows."""
    last = time.perf_counter()
    while True:
        gevent.sleep(0.01)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


def burst(url: str, extra: list[gevent.Greenlet] | None = None) -> tuple[float, float]:
    """``REQUESTS`` requests at once, with ``extra`` greenlets beside them.

    Returns the seconds they took and the longest stall of a 10 ms ticker meanwhile.
    """
    gaps: list[float] = []
    tick = gevent.spawn(ticker, gaps)
    started = time.perf_counter()
    greenlets = [gevent.spawn(fetch, f"{url}/delay/{DELAY}") for _ in range(REQUESTS)]
    gevent.joinall(greenlets + (extra or []), timeout=30, raise_error=True)
    seconds = time.perf_counter() - started
    tick.kill(timeout=5)
    return seconds, max(gaps, default=0.0)


def interleaving() -> list[str]:
    """Two greenlets that yield to each other with ``gevent.sleep(0)``."""
    order: list[str] = []

    def worker(name: str) -> None:
        for step in range(3):
            order.append(f"{name}{step}")
            gevent.sleep(0)  # yield: let the other greenlet run

    gevent.joinall([gevent.spawn(worker, "a"), gevent.spawn(worker, "b")], timeout=5)
    return order


def main(url: str) -> None:
    burst(url)  # warm-up: the first connections cost more
    runs = [burst(url) for _ in range(3)]
    with_hashing = burst(url, [gevent.spawn_later(0.02, hash_for, 0.3)])
    with_c_sleep = burst(url, [gevent.spawn_later(0.02, blocking_c_sleep, 0.3)])
    results = {
        "interleaving": interleaving(),
        "runs": [seconds for seconds, _ in runs],
        "longest_stall": max(stall for _, stall in runs),
        "with_hashing": with_hashing,
        "with_c_sleep": with_c_sleep,
        "patched_socket": monkey.is_module_patched("socket"),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
