"""Live burst: N phones on SSE plus a wall; every phone submits once within 10 s.

    make bench-live                       2,000 participants, one server process, SQLite
    BENCH_PARTICIPANTS=4000 make bench-live
    BENCH_PARTICIPANTS=10000 BENCH_PROCESSES=2 make bench-live
                                          several processes: PostgreSQL + Redis, our own
                                          instances unless DATABASE_URL / REDIS_URL name them

The load client is plain asyncio streams on 127.0.0.1. Baseline, in the same run and database:
the raw rate of the engine's batched insert (``write_batch``) without HTTP, SSE or the broker.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench._common import (
    at_random_moments,
    client_gc_paused,
    emit,
    fresh_database,
    percentile,
    server,
    setup_django,
    size,
)

WINDOW_S = 10.0


@dataclass
class Totals:
    submitted: int = 0
    acked: dict[int, float] = field(default_factory=dict)  # contribution id → send time
    submit_ms: list[float] = field(default_factory=list)
    wall_seen: dict[int, float] = field(default_factory=dict)
    wall_dupes: int = 0
    errors: int = 0
    retries: int = 0
    streams_open: int = 0
    cpu_before: float = 0.0
    cpu_burst: float = 0.0
    client_cpu_burst: float = 0.0


async def _request(host: str, port: int, raw: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        return status, body
    finally:
        writer.close()


async def _stream(
    host: str,
    port: int,
    path: str,
    cookie: str,
    ready: asyncio.Event,
    on_event: Any,
    stop: asyncio.Event,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
            f"Cookie: {cookie}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        writer.close()
        raise RuntimeError(f"stream refused: {head[:80]!r}")
    chunked = b"transfer-encoding: chunked" in head.lower()
    buffer = b""
    ready.set()
    stop_wait = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            read = asyncio.ensure_future(reader.read(65536))
            done, _pending = await asyncio.wait({read, stop_wait}, return_when="FIRST_COMPLETED")
            if read not in done:
                read.cancel()
                break
            data = read.result()
            if not data:
                break
            buffer += data
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    line = line.strip(b"\r")
                    if line.startswith(b"data: "):
                        on_event(json.loads(line[6:]))
                    elif chunked:
                        continue
    finally:
        stop_wait.cancel()
        writer.close()


def _server_cpu_s() -> float:
    """CPU seconds used so far by this process's child processes (the server and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents, total = {os.getpid()}, 0.0
    stats = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            fields = text.rsplit(")", 1)[1].split()
            stats.append((int(entry.name), int(fields[1]), int(fields[11]) + int(fields[12])))
    for _round in range(3):  # children, grandchildren (uvicorn's workers)
        parents |= {pid for pid, ppid, _cpu in stats if ppid in parents}
    total = sum(cpu for pid, _ppid, cpu in stats if pid in parents and pid != os.getpid())
    return total / tick


def _prepare(participants: int) -> dict[str, Any]:
    """Network, facilitator, a running session with one open question, and N participants."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from verbindend.accounts.models import User
    from verbindend.live import services
    from verbindend.live.models import LiveSession, Participant, State
    from verbindend.networks.models import Network

    suffix = uuid.uuid4().hex[:8]
    network = Network.objects.create(name=f"Bench {suffix}", slug=f"bench-{suffix}")
    user = User.objects.create_superuser(
        username=f"bench-{suffix}@bench.test", email=f"bench-{suffix}@bench.test", password=suffix
    )
    session = services.create_session(creator=user, template="blank", network=network)
    step = services.add_step(
        session=session, kind="open_answer", prompt="Bench question", options={"several": True}
    )
    step.alone_first = False
    step.save()
    LiveSession.objects.filter(pk=session.pk).update(state=State.RUNNING, current_step=step)
    people = Participant.objects.bulk_create(
        Participant(session=session, display_name=f"p{i}") for i in range(participants)
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    from verbindend.live.asgi import cookie_name

    return {
        "session_pk": session.pk,
        "public_id": session.public_id,
        "step": step.pk,
        "tokens": [p.token for p in people],
        "cookie_name": cookie_name(session.public_id),
        "wall_cookie": f"sessionid={store.session_key}",
    }


async def _burst(base: str, prep: dict[str, Any], totals: Totals) -> None:
    host, port_s = base.removeprefix("http://").split(":")
    port = int(port_s)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_wall(event: dict[str, Any]) -> None:
        if event.get("type") != "contribution":
            return
        if event["id"] in totals.wall_seen:
            totals.wall_dupes += 1
        totals.wall_seen[event["id"]] = loop.time()

    wall_ready = asyncio.Event()
    wall = asyncio.create_task(
        _stream(
            host,
            port,
            f"/live/{prep['session_pk']}/stream/",
            prep["wall_cookie"],
            wall_ready,
            on_wall,
            stop,
        )
    )
    await asyncio.wait_for(wall_ready.wait(), 30)

    gate = asyncio.Semaphore(100)
    phones = []
    readies = []

    async def phone(token: str) -> None:
        ready = asyncio.Event()
        readies.append(ready)
        async with gate:
            task = asyncio.create_task(
                _stream(
                    host,
                    port,
                    f"/live/api/{prep['public_id']}/events",
                    f"{prep['cookie_name']}={token}",
                    ready,
                    lambda _e: None,
                    stop,
                )
            )
            phones.append(task)
            await asyncio.wait_for(ready.wait(), 60)
            totals.streams_open += 1

    await asyncio.gather(*(phone(t) for t in prep["tokens"]))
    totals.cpu_before = _server_cpu_s()
    client_before = time.process_time()

    async def submit(token: str) -> None:
        body = json.dumps(
            {"client_id": str(uuid.uuid4()), "step": prep["step"], "text": f"idea {token[:6]}"}
        ).encode()
        raw = (
            f"POST /live/api/{prep['public_id']}/contributions HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Cookie: {prep['cookie_name']}={token}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode() + body
        totals.submitted += 1
        started = loop.time()
        for attempt in range(5):  # a phone retries the same client UUID until it is acked
            try:
                status, answer = await _request(host, port, raw)
            except OSError:
                status, answer = 0, b""
            if status == 200:
                data = json.loads(answer)
                totals.submit_ms.append((loop.time() - started) * 1000)
                totals.acked[data["id"]] = started
                return
            totals.errors += 1
            totals.retries += attempt > 0
            await asyncio.sleep(0.5)

    await at_random_moments(WINDOW_S, (partial(submit, t) for t in prep["tokens"]))
    deadline = loop.time() + 20
    while loop.time() < deadline and not set(totals.acked) <= set(totals.wall_seen):
        await asyncio.sleep(0.1)
    totals.cpu_burst = _server_cpu_s() - totals.cpu_before
    totals.client_cpu_burst = time.process_time() - client_before
    stop.set()
    await asyncio.gather(wall, *phones, return_exceptions=True)


def _baseline(session_pk: int, step: int, count: int) -> dict[str, Any]:
    """The engine's batched insert straight into the same database, no HTTP: batches of 100."""
    from verbindend.live import engine
    from verbindend.live.models import LiveSession, Participant

    session = LiveSession.objects.get(pk=session_pk)
    person = Participant.objects.create(session=session, display_name="baseline")
    items = [
        engine.Submission(
            session=session.public_id,
            token=person.token,
            step=step,
            client_id=uuid.uuid4(),
            text=f"baseline {i}",
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    for start in range(0, count, 100):
        engine.write_batch(items[start : start + 100])
    seconds = time.perf_counter() - started
    return {"write_batch_rows_per_s": round(count / seconds), "rows": count}


@contextmanager
def _databases(processes: int) -> Iterator[tuple[str, str]]:
    """(database URL, Redis URL). Several processes share PostgreSQL and Redis (see
    :func:`bench._live.engines`); one process uses SQLite unless a database is given."""
    if processes > 1:
        from bench._live import engines

        with engines(need_postgres=True) as pair:
            yield pair
        return
    with fresh_database() as url:
        yield url, os.environ.get("REDIS_URL", "")


def main() -> None:
    participants = int(os.environ.get("BENCH_PARTICIPANTS") or size(2000, 50))
    processes = int(os.environ.get("BENCH_PROCESSES", "1"))
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgres"):
        os.environ.setdefault("BENCH_DATABASE_URL", database)
    os.environ["DEBUG"] = "0"  # baseline and server alike, as deployed
    with _databases(processes) as (url, redis_url):
        setup_django(url)
        prep = _prepare(participants)
        totals = Totals()
        started = time.perf_counter()
        # The server runs as deployed: DEBUG off (no per-query logging).
        extra = {"REDIS_URL": redis_url, "DEBUG": "0"}
        with server(url, workers=processes, extra_env=extra) as base, client_gc_paused():
            asyncio.run(_burst(base, prep, totals))
        elapsed = time.perf_counter() - started

        from verbindend.live.models import Contribution

        stored = Contribution.objects.filter(session_id=prep["session_pk"])
        stored_ids = set(stored.values_list("pk", flat=True))
        client_ids = list(stored.values_list("client_id", flat=True))
        acked = set(totals.acked)
        wall_ms = [
            (totals.wall_seen[i] - totals.acked[i]) * 1000 for i in acked if i in totals.wall_seen
        ]
        baseline = _baseline(prep["session_pk"], prep["step"], min(participants, 2000))
    emit(
        {
            "benchmark": "live",
            "participants": participants,
            "processes": processes,
            "database": url.split(":", 1)[0],
            "broker": "redis" if extra["REDIS_URL"] else "in-process",
            "streams_open": totals.streams_open,
            "submitted": totals.submitted,
            "acked": len(acked),
            "on_wall": len(acked & set(totals.wall_seen)),
            "lost": len(acked - stored_ids) + len(acked - set(totals.wall_seen)),
            "duplicated": (len(client_ids) - len(set(client_ids))) + totals.wall_dupes,
            "stored": len(stored_ids),
            "submit_p50_ms": round(percentile(totals.submit_ms, 50), 1),
            "submit_p95_ms": round(percentile(totals.submit_ms, 95), 1),
            "wall_p50_ms": round(percentile(wall_ms, 50), 1),
            "wall_p95_ms": round(percentile(wall_ms, 95), 1),
            "wall_p99_ms": round(percentile(wall_ms, 99), 1),
            "errors": totals.errors,
            "elapsed_s": round(elapsed, 1),
            "server_cpu_s_during_burst": round(totals.cpu_burst, 2),
            "client_cpu_s_during_burst": round(totals.client_cpu_burst, 2),
            "load_average_1m": os.getloadavg()[0],
            "baseline": baseline,
        }
    )


if __name__ == "__main__":
    main()
