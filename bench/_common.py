"""Helpers shared by the benchmarks: size, a fresh database, a server on loopback, JSON output."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def smoke() -> bool:
    return os.environ.get("BENCH_SMOKE", "") not in {"", "0"}


def size(full: int, small: int) -> int:
    return small if smoke() else full


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def emit(result: dict[str, Any]) -> None:
    """The benchmark's result: one JSON object on the last line of output.

    An answer lost or counted twice fails the run (exit status 1) at any speed, smoke runs too.
    """
    result.setdefault("smoke", smoke())
    print(json.dumps(result, sort_keys=True), flush=True)
    if result.get("lost") or result.get("duplicated"):
        raise SystemExit(1)


@contextmanager
def client_gc_paused() -> Iterator[None]:
    """Keep the load client's own garbage collector out of the figures it measures.

    With thousands of streams open, each full collection in the client walked all of them
    (up to 460 ms with 10,000 phones) while the answers it was timing waited unread. The
    server keeps its collector short in its own way (verbindend/asgi.py); the client, which
    runs for a minute at most, simply collects before and after.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


async def at_random_moments(window_s: float, jobs: Iterable[Callable[[], Awaitable[None]]]) -> None:
    """Start each job at a random moment of the next ``window_s`` seconds, as people acting
    independently do, and wait for them all.

    One loop starts them at their moments. Had each job slept its own random delay from when it
    was first run, every job whose moment passed while thousands were still being set up would
    start together: with 10,000 phones, 666 requests in the first quarter second instead of 250.
    """
    loop = asyncio.get_running_loop()
    planned = sorted((random.uniform(0, window_s), n, job) for n, job in enumerate(jobs))
    began = loop.time()
    started = []
    for moment, _n, job in planned:
        wait = began + moment - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        started.append(asyncio.ensure_future(job()))
    await asyncio.gather(*started)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fresh_database() -> Iterator[str]:
    """A migrated SQLite database in a temporary folder (or DATABASE_URL if it is set)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        url = os.environ["BENCH_DATABASE_URL"]
        _manage(url, "migrate", "--noinput", "-v", "0")
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="verbindend-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        _manage(url, "migrate", "--noinput", "-v", "0")
        yield url


def _manage(database_url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def setup_django(database_url: str) -> None:
    """Use Django in this process against the given database."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbindend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@contextmanager
def server(
    database_url: str, *, workers: int = 1, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """The app under uvicorn on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "verbindend.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + float(os.environ.get("BENCH_SERVER_START_S", "30"))
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def timed_gets(url: str, cookie: str, count: int) -> list[float]:
    """Milliseconds of ``count`` logged-in GETs of ``url`` (a loopback address only)."""
    out = []
    for _ in range(count):
        request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            assert response.status == 200
        out.append((time.perf_counter() - began) * 1000)
    return out
