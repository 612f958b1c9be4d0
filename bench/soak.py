"""Soak: live sessions opening and closing, phones joining and leaving, for 30 minutes
(``BENCH_SMOKE=1``: 1 minute; ``BENCH_SOAK_MINUTES`` to choose), on two server processes with
PostgreSQL and Redis (our own instances unless DATABASE_URL/REDIS_URL name them).

Each round opens 5 sessions of 20 phones, half the phones leave and others join while answers
come in, then the sessions close and every stream goes. Baseline, in the same run: the web
server's resident memory and open file descriptors after two warm-up rounds; the figures are
their growth by the end (``rss_growth_pct``, ``fd_growth``), and answers acknowledged but not
stored or not shown (``lost``).
"""

from __future__ import annotations

import asyncio
import os
import time
from functools import partial
from typing import Any

from bench._common import at_random_moments, emit, setup_django, smoke
from bench._live import (
    Figures,
    engines,
    footprint,
    open_phone,
    open_wall,
    outcome,
    prepare_sessions,
    serve,
    submit,
    wall_catch_up,
)

SESSIONS, PHONES = 5, 20


async def one_round(base: str, cookie: str, figures: Figures) -> list[int]:
    prep = await asyncio.to_thread(prepare_sessions, SESSIONS, PHONES + PHONES // 2)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    for session in prep["sessions"]:
        tasks.append(await open_wall(base, session, cookie, figures, stop))
    first: dict[str, asyncio.Task[None]] = {}
    for session in prep["sessions"]:
        for token in session["tokens"][:PHONES]:
            first[token] = await open_phone(base, session, token, figures, asyncio.Event())

    await at_random_moments(
        4,
        (
            partial(submit, base, s, t, figures)
            for s in prep["sessions"]
            for t in s["tokens"][:PHONES]
        ),
    )
    # Half the phones leave; others join and answer.
    for session in prep["sessions"]:
        for token in session["tokens"][: PHONES // 2]:
            first[token].cancel()
        for token in session["tokens"][PHONES:]:
            tasks.append(await open_phone(base, session, token, figures, stop))
    await asyncio.gather(
        *(submit(base, s, t, figures) for s in prep["sessions"] for t in s["tokens"][PHONES:])
    )
    await wall_catch_up(figures)
    await asyncio.to_thread(_close, [s["session_pk"] for s in prep["sessions"]])
    stop.set()
    for task in [*tasks, *first.values()]:
        task.cancel()
    await asyncio.gather(*tasks, *first.values(), return_exceptions=True)
    return [s["session_pk"] for s in prep["sessions"]]


def _close(pks: list[int]) -> None:
    from verbindend.live import services
    from verbindend.live.models import LiveSession

    for session in LiveSession.objects.filter(pk__in=pks):
        services.close(session=session)


def main() -> None:
    minutes = float(os.environ.get("BENCH_SOAK_MINUTES") or (1 if smoke() else 30))
    os.environ["DEBUG"] = "0"
    with engines(need_postgres=not smoke()) as (database_url, redis_url):
        setup_django(database_url)
        processes = 2 if redis_url else 1
        with serve(database_url, redis_url, workers=processes) as (base, _live, server):
            prep = prepare_sessions(0, 0)
            cookie = prep["wall_cookie"]
            figures = Figures()
            all_pks: list[int] = []
            rounds = 0
            samples: list[dict[str, Any]] = []
            began = time.monotonic()
            baseline: tuple[int, int] | None = None
            while rounds < 3 or time.monotonic() - began < minutes * 60:
                all_pks += asyncio.run(one_round(base, cookie, figures))
                rounds += 1
                time.sleep(1)  # let closed connections go
                rss, fds = footprint(server)
                samples.append({"round": rounds, "rss_mb": round(rss / 2**20, 1), "fds": fds})
                if rounds == 2:
                    baseline = (rss, fds)
            assert baseline is not None
            rss, fds = footprint(server)
        result = outcome(figures, all_pks)
    emit(
        {
            "benchmark": "soak",
            "minutes": round((time.monotonic() - began) / 60, 1),
            "rounds": rounds,
            "sessions": rounds * SESSIONS,
            "phones_joined": rounds * SESSIONS * (PHONES + PHONES // 2),
            "processes": processes,
            "database": database_url.split(":", 1)[0],
            "broker": "redis" if redis_url else "in-process",
            "rss_growth_pct": round((rss - baseline[0]) / baseline[0] * 100, 1),
            "fd_growth": fds - baseline[1],
            **result,
            "baseline": {
                "rss_mb_after_warmup": round(baseline[0] / 2**20, 1),
                "fds_after_warmup": baseline[1],
            },
            "samples": samples[:: max(1, len(samples) // 10)],
            "load_average_1m": os.getloadavg()[0],
        }
    )


if __name__ == "__main__":
    main()
