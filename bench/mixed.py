"""Live work beside page work: the 2,000-phone burst while 20 people browse the heaviest pages,
one report renders and REFI-QDA exports stream one after another, with PostgreSQL and Redis (our
own instances unless DATABASE_URL/REDIS_URL name them) and the background worker.

Laid out as deploy/ runs it: `serve --live-workers`, the phones' API and streams sent to the live
process, the pages to the two page processes (``BENCH_PROCESSES`` and ``BENCH_LIVE_PROCESSES``
change that; ``BENCH_LIVE_PROCESSES=0`` puts everything on the page processes, as before the
split).

Background work steps aside during the burst (``LIVE_BUSY_RATE``): ``background_cpu_in_burst_s``
is the CPU the worker still took while the loaded burst ran.

Baseline, in the same run: the same burst alone, before the load. ``live_ratio`` is the burst's
submit p95 under load ÷ alone; ``pages_p95_ms`` the browsing clients' page times under load
(each client starts within 1.5 s, then reads a page and pauses 0.5–1.5 s, as a person does).
``BENCH_SMOKE=1``: 50 phones, 3 browsing clients, SQLite and one process unless PostgreSQL is
given.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from functools import partial
from typing import Any

import psutil

from bench._common import (
    at_random_moments,
    client_gc_paused,
    emit,
    percentile,
    setup_django,
    size,
    smoke,
)
from bench._live import (
    Figures,
    engines,
    host_port,
    open_phone,
    open_wall,
    outcome,
    prepare_sessions,
    serve,
    submit,
    wall_catch_up,
)

WINDOW_S = 10.0


async def _get(base: str, path: str, cookie: str) -> tuple[int, int]:
    """GET a page to its last byte; (status, bytes)."""
    host, port = host_port(base)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
            "Accept-Language: nl\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await reader.read()
        status = int(data.split(b" ", 2)[1]) if data else 0
        return status, len(data)
    finally:
        writer.close()


def _pages() -> list[str]:
    """The heaviest pages of the demo network and study."""
    from django.urls import reverse

    from verbindend.core.demo import DEMO_SLUG, DEMO_STUDY_SLUG
    from verbindend.scan.models import Round

    latest = Round.objects.filter(network__slug=DEMO_SLUG).order_by("-pk").first()
    pages = [
        reverse("core:dashboard"),
        reverse("networks:detail", args=[DEMO_SLUG]),
        reverse("scan:network", args=[DEMO_SLUG]),
        reverse("learninglog:network", args=[DEMO_SLUG]),
        reverse("learninglog:carriers", args=[DEMO_SLUG]),
        reverse("analysis:codebook", args=[DEMO_STUDY_SLUG]),
        reverse("analysis:matrix", args=[DEMO_STUDY_SLUG, "case"]),
    ]
    if latest:
        pages.append(reverse("scan:round", args=[DEMO_SLUG, latest.pk]))
    return pages


def _setup(phones: int) -> dict[str, Any]:
    from django.urls import reverse

    from verbindend.core.demo import DEMO_STUDY_SLUG, load_demo

    network = load_demo()
    prep = prepare_sessions(1, phones)
    prep["pages"] = _pages()
    prep["export"] = reverse("analysis:export_qdpx", args=[DEMO_STUDY_SLUG])
    prep["network"] = network.pk
    return prep


def _request_report(user_pk: int, network_pk: int) -> int:
    from verbindend.accounts.models import User
    from verbindend.networks.models import Network
    from verbindend.reports import render, services
    from verbindend.reports.models import ReportKind

    keys = [s.key for s in render.available(ReportKind.NETWORK)]
    version = services.request_report(
        scope=Network.objects.get(pk=network_pk),
        by=User.objects.get(pk=user_pk),
        sections=keys,
        language="nl",
    )
    return version.pk


async def _burst(base: str, session: dict[str, Any], figures: Figures) -> None:
    await at_random_moments(
        WINDOW_S, (partial(submit, base, session, t, figures) for t in session["tokens"])
    )
    await wall_catch_up(figures)


def _background_cpu(server: int) -> float:
    """CPU seconds used so far by the server's background worker (and its heartbeat)."""
    total = 0.0
    for child in psutil.Process(server).children(recursive=True):
        try:
            if "worker" in child.cmdline():
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


async def _run(
    base: str, live: str, prep: dict[str, Any], browsers: int, server: int
) -> dict[str, Any]:
    session, cookie = prep["sessions"][0], prep["wall_cookie"]
    stop = asyncio.Event()
    alone, loaded = Figures(), Figures()
    walls = [await open_wall(live, session, cookie, alone, stop)]
    gate = asyncio.Semaphore(100)
    streams = []

    async def phone(token: str) -> None:
        async with gate:
            streams.append(await open_phone(live, session, token, alone, stop))

    await asyncio.gather(*(phone(t) for t in session["tokens"]))
    # Pages alone, a short look before anything else runs (for the record).
    pages_alone = [await _timed_get(base, random.choice(prep["pages"]), cookie) for _ in range(20)]
    await _burst(live, session, alone)
    walls.append(await open_wall(live, session, cookie, loaded, stop))  # its own wall record
    await asyncio.sleep(1)

    page_ms: list[float] = []
    page_errors = 0
    exports = 0
    busy = asyncio.Event()

    async def browse() -> None:
        nonlocal page_errors
        await asyncio.sleep(random.uniform(0, 1.5))  # people do not all click at the same instant
        while not busy.is_set():
            took, ok = await _timed_get(base, random.choice(prep["pages"]), cookie, status=True)
            page_ms.append(took)
            page_errors += not ok
            await asyncio.sleep(random.uniform(0.5, 1.5))

    async def export() -> None:
        nonlocal exports
        while not busy.is_set():
            status, _size = await _get(base, prep["export"], cookie)
            exports += status == 200
            await asyncio.sleep(1)  # one export at a time, one after another

    report = await asyncio.to_thread(_request_report, prep["user"], prep["network"])
    load = [asyncio.create_task(browse()) for _ in range(browsers)]
    load.append(asyncio.create_task(export()))
    await asyncio.sleep(2)  # the load is under way
    loaded.wall_seen = {}
    background_before = _background_cpu(server)
    await _burst(live, session, loaded)
    background = _background_cpu(server) - background_before
    busy.set()
    await asyncio.gather(*load)
    stop.set()
    await asyncio.gather(*walls, *streams, return_exceptions=True)
    return {
        "alone": alone,
        "loaded": loaded,
        "page_ms": page_ms,
        "page_errors": page_errors,
        "pages_alone_ms": pages_alone,
        "exports": exports,
        "report": report,
        "background_cpu_in_burst_s": round(background, 2),
    }


async def _timed_get(base: str, path: str, cookie: str, status: bool = False) -> Any:
    began = time.perf_counter()
    code, _size = await _get(base, path, cookie)
    took = (time.perf_counter() - began) * 1000
    return (took, code == 200) if status else took


def main() -> None:
    phones = int(os.environ.get("BENCH_PARTICIPANTS") or size(2000, 50))
    browsers = int(os.environ.get("BENCH_BROWSERS") or size(20, 3))
    os.environ["DEBUG"] = "0"
    with engines(need_postgres=not smoke()) as (database_url, redis_url):
        processes = int(os.environ.get("BENCH_PROCESSES") or (2 if redis_url else 1))
        live_processes = int(os.environ.get("BENCH_LIVE_PROCESSES") or (1 if redis_url else 0))
        setup_django(database_url)
        prep = _setup(phones)
        with (
            serve(
                database_url,
                redis_url,
                workers=processes,
                background=True,
                live_workers=live_processes,
            ) as (base, live, server),
            client_gc_paused(),
        ):
            ran = asyncio.run(_run(base, live, prep, browsers, server.pid))
        from verbindend.reports.models import ReportVersion

        report_status = ReportVersion.objects.get(pk=ran["report"]).status
        pk = [prep["sessions"][0]["session_pk"]]
        alone, loaded = outcome(ran["alone"], pk), outcome(ran["loaded"], pk)
    ratio = loaded["submit_p95_ms"] / max(alone["submit_p95_ms"], 0.1)
    emit(
        {
            "benchmark": "mixed",
            "participants": phones,
            "browsing_clients": browsers,
            "processes": processes,
            "live_processes": live_processes,
            "database": database_url.split(":", 1)[0],
            "broker": "redis" if redis_url else "in-process",
            "live_ratio": round(ratio, 2),
            "submit_p95_ms": loaded["submit_p95_ms"],
            "wall_p95_ms": loaded["wall_p95_ms"],
            "lost": alone["lost"] + loaded["lost"] - 0,
            "errors": alone["errors"] + loaded["errors"],
            "pages_p50_ms": round(percentile(ran["page_ms"], 50), 1),
            "pages_p95_ms": round(percentile(ran["page_ms"], 95), 1),
            "pages": len(ran["page_ms"]),
            "page_errors": ran["page_errors"],
            "exports_streamed": ran["exports"],
            "report": report_status,
            "background_cpu_in_burst_s": ran["background_cpu_in_burst_s"],
            "load_average_1m": os.getloadavg()[0],
            "baseline": {
                "burst_alone_submit_p95_ms": alone["submit_p95_ms"],
                "burst_alone_wall_p95_ms": alone["wall_p95_ms"],
                "pages_alone_p95_ms": round(percentile(ran["pages_alone_ms"], 95), 1),
            },
        }
    )


if __name__ == "__main__":
    main()
