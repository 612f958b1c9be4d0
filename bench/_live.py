"""What the live benchmarks share: PostgreSQL and Redis (given, or our own), the app started with
`manage.py serve --workers N`, sessions with phones, and a raw asyncio client on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench._common import ROOT, free_port, smoke
from bench.live import _request, _stream


@contextmanager
def engines(*, need_postgres: bool) -> Iterator[tuple[str, str]]:
    """(database URL, Redis URL): PostgreSQL + Redis from DATABASE_URL/REDIS_URL when given;
    else our own instances on free ports; SQLite and the in-process broker when PostgreSQL is
    not needed (smoke runs)."""
    given = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        _migrate(given)
        yield given, os.environ.get("REDIS_URL", "")
        return
    if not need_postgres:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="verbindend-bench-") as tmp:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            _migrate(url)
            yield url, ""
        return
    from bench._instances import OwnPostgres, OwnRedis

    pg, redis = OwnPostgres(), OwnRedis()
    pg.init()
    redis.start()
    try:
        pg.sql("CREATE DATABASE bench")
        _migrate(pg.url("bench"))
        yield pg.url("bench"), redis.url
    finally:
        redis.stop()
        pg.destroy()


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


@contextmanager
def serve(
    database_url: str,
    redis_url: str,
    *,
    workers: int,
    background: bool = False,
    live_workers: int = 0,
) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    """`manage.py serve --workers N` (with the worker and scheduler when ``background``).

    Yields the pages' base address, the live API's (the live processes' with ``live_workers``,
    as the proxy routes it in production; else the same) and the server process.
    """
    port, live_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DEBUG": "0"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    args = ["--workers", str(workers), "--port", str(port)]
    if live_workers:
        args += ["--live-workers", str(live_workers), "--live-port", str(live_port)]
    if not background:
        args.append("--no-worker")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    live = f"http://127.0.0.1:{live_port}" if live_workers else base
    try:
        deadline = time.monotonic() + 600  # a busy machine starts Django slowly
        while True:
            try:
                for address in {base, live}:
                    urllib.request.urlopen(address + "/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield base, live, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def prepare_sessions(count: int, phones: int) -> dict[str, Any]:
    """``count`` running sessions with one open question (several answers a person) and
    ``phones`` participants each, and a logged-in facilitator's cookie for their walls (Django
    set up in this process)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from verbindend.accounts.models import User
    from verbindend.live import services
    from verbindend.live.asgi import cookie_name
    from verbindend.live.models import LiveSession, Participant, State
    from verbindend.networks.models import Network

    suffix = uuid.uuid4().hex[:8]
    network = Network.objects.create(name=f"Bench {suffix}", slug=f"bench-{suffix}")
    user = User.objects.create_superuser(
        username=f"bench-{suffix}@bench.test", email=f"bench-{suffix}@bench.test", password=suffix
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions = []
    for _ in range(count):
        session = services.create_session(creator=user, template="blank", network=network)
        step = services.add_step(  # several ideas per person: each answer is its own card
            session=session, kind="open_answer", prompt="Bench question", options={"several": True}
        )
        step.alone_first = False
        step.save()
        LiveSession.objects.filter(pk=session.pk).update(state=State.RUNNING, current_step=step)
        people = Participant.objects.bulk_create(
            Participant(session=session, display_name=f"p{i}") for i in range(phones)
        )
        sessions.append(
            {
                "session_pk": session.pk,
                "public_id": session.public_id,
                "step": step.pk,
                "tokens": [p.token for p in people],
                "cookie_name": cookie_name(session.public_id),
            }
        )
    return {"sessions": sessions, "wall_cookie": f"sessionid={store.session_key}", "user": user.pk}


@dataclass
class Figures:
    submitted: int = 0
    acked: dict[int, float] = field(default_factory=dict)  # contribution id → send time
    submit_ms: list[float] = field(default_factory=list)
    wall_seen: dict[int, float] = field(default_factory=dict)
    wall_dupes: int = 0
    errors: int = 0
    streams_open: int = 0


def host_port(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


async def open_wall(
    base: str, session: dict[str, Any], cookie: str, figures: Figures, stop: asyncio.Event
) -> asyncio.Task[None]:
    host, port = host_port(base)
    loop = asyncio.get_running_loop()

    def on_wall(event: dict[str, Any]) -> None:
        if event.get("type") != "contribution":
            return
        if event["id"] in figures.wall_seen:
            figures.wall_dupes += 1
        figures.wall_seen[event["id"]] = loop.time()

    ready = asyncio.Event()
    task = asyncio.create_task(
        _stream(host, port, f"/live/{session['session_pk']}/stream/", cookie, ready, on_wall, stop)
    )
    await asyncio.wait_for(ready.wait(), 60)
    return task


async def open_phone(
    base: str, session: dict[str, Any], token: str, figures: Figures, stop: asyncio.Event
) -> asyncio.Task[None]:
    host, port = host_port(base)
    ready = asyncio.Event()
    task = asyncio.create_task(
        _stream(
            host,
            port,
            f"/live/api/{session['public_id']}/events",
            f"{session['cookie_name']}={token}",
            ready,
            lambda _e: None,
            stop,
        )
    )
    await asyncio.wait_for(ready.wait(), 60)
    figures.streams_open += 1
    return task


async def submit(base: str, session: dict[str, Any], token: str, figures: Figures) -> None:
    """One answer, sent again with the same client UUID until acknowledged (as a phone does)."""
    host, port = host_port(base)
    loop = asyncio.get_running_loop()
    body = json.dumps(
        {"client_id": str(uuid.uuid4()), "step": session["step"], "text": f"idea {token[:6]}"}
    ).encode()
    raw = (
        f"POST /live/api/{session['public_id']}/contributions HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Cookie: {session['cookie_name']}={token}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body
    figures.submitted += 1
    started = loop.time()
    for _attempt in range(10):
        try:
            status, answer = await _request(host, port, raw)
        except (OSError, asyncio.IncompleteReadError):
            status, answer = 0, b""
        if status == 200:
            data = json.loads(answer)
            figures.submit_ms.append((loop.time() - started) * 1000)
            figures.acked[data["id"]] = started
            return
        figures.errors += 1
        await asyncio.sleep(0.5)


async def wall_catch_up(figures: Figures, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not set(figures.acked) <= set(figures.wall_seen):
        await asyncio.sleep(0.1)


def outcome(figures: Figures, session_pks: list[int]) -> dict[str, Any]:
    """lost / duplicated from the database and the walls, and the latency percentiles."""
    from bench._common import percentile
    from verbindend.live.models import Contribution

    stored = Contribution.objects.filter(session_id__in=session_pks)
    stored_ids = set(stored.values_list("pk", flat=True))
    client_ids = list(stored.values_list("client_id", flat=True))
    acked = set(figures.acked)
    wall_ms = [
        (figures.wall_seen[i] - figures.acked[i]) * 1000 for i in acked if i in figures.wall_seen
    ]
    return {
        "submitted": figures.submitted,
        "acked": len(acked),
        "stored": len(stored_ids),
        "lost": len(acked - stored_ids) + len(acked - set(figures.wall_seen)),
        "duplicated": (len(client_ids) - len(set(client_ids))) + figures.wall_dupes,
        "errors": figures.errors,
        "submit_p50_ms": round(percentile(figures.submit_ms, 50), 1),
        "submit_p95_ms": round(percentile(figures.submit_ms, 95), 1),
        "wall_p50_ms": round(percentile(wall_ms, 50), 1),
        "wall_p95_ms": round(percentile(wall_ms, 95), 1),
        "wall_p99_ms": round(percentile(wall_ms, 99), 1),
    }


def footprint(serve_process: subprocess.Popen[bytes]) -> tuple[int, int]:
    """(resident bytes, open file descriptors) of the web server: `serve` and every process
    under it (uvicorn's supervisor and its workers)."""
    import psutil

    root = psutil.Process(serve_process.pid)
    rss = fds = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            rss += process.memory_info().rss
            fds += process.num_fds()
        except psutil.Error:
            continue
    return rss, fds


def smoke_or(full: Any, small: Any) -> Any:
    return small if smoke() else full
