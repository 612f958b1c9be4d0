"""Many live sessions at once: 100 sessions × 20 phones on two server processes with PostgreSQL
and Redis (our own instances unless DATABASE_URL/REDIS_URL name them); each phone holds its
stream and submits 5 answers within 60 s, and each session's wall shows them.

``BENCH_SMOKE=1``: 4 sessions × 5 phones, 2 answers within 5 s, one process on SQLite unless
PostgreSQL is given. ``BENCH_SESSIONS``, ``BENCH_PHONES``, ``BENCH_ANSWERS``, ``BENCH_WINDOW_S``
and ``BENCH_PROCESSES`` choose other sizes.

Baseline, in the same run and database: the engine's batched insert (``write_batch``) without
HTTP, streams or the broker, in batches of 100.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from typing import Any

from bench._common import client_gc_paused, emit, setup_django, size, smoke
from bench._live import (
    Figures,
    engines,
    open_phone,
    open_wall,
    outcome,
    prepare_sessions,
    serve,
    submit,
    wall_catch_up,
)
from bench.live import _baseline


async def _run(
    base: str, prep: dict[str, Any], answers: int, window: float, figures: Figures
) -> None:
    stop = asyncio.Event()
    tasks = []
    for session in prep["sessions"]:
        tasks.append(await open_wall(base, session, prep["wall_cookie"], figures, stop))
    gate = asyncio.Semaphore(100)

    async def phone(session: dict[str, Any], token: str) -> None:
        async with gate:
            tasks.append(await open_phone(base, session, token, figures, stop))

    await asyncio.gather(*(phone(s, t) for s in prep["sessions"] for t in s["tokens"]))

    async def answering(session: dict[str, Any], token: str) -> None:
        moments = sorted(random.uniform(0, window) for _ in range(answers))
        began = time.monotonic()
        for moment in moments:
            await asyncio.sleep(max(0.0, began + moment - time.monotonic()))
            await submit(base, session, token, figures)

    await asyncio.gather(*(answering(s, t) for s in prep["sessions"] for t in s["tokens"]))
    await wall_catch_up(figures, 90)  # a wall far behind is late, not lost: give it time
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    sessions = int(os.environ.get("BENCH_SESSIONS") or size(100, 4))
    phones = int(os.environ.get("BENCH_PHONES") or size(20, 5))
    answers = int(os.environ.get("BENCH_ANSWERS") or size(5, 2))
    window = float(os.environ.get("BENCH_WINDOW_S") or size(60, 5))
    os.environ["DEBUG"] = "0"
    with engines(need_postgres=not smoke()) as (database_url, redis_url):
        processes = int(os.environ.get("BENCH_PROCESSES") or (2 if redis_url else 1))
        setup_django(database_url)
        prep = prepare_sessions(sessions, phones)
        figures = Figures()
        started = time.perf_counter()
        with (
            serve(database_url, redis_url, workers=processes) as (base, _live, _server),
            client_gc_paused(),
        ):
            asyncio.run(_run(base, prep, answers, window, figures))
        elapsed = time.perf_counter() - started
        result = outcome(figures, [s["session_pk"] for s in prep["sessions"]])
        first = prep["sessions"][0]
        baseline = _baseline(first["session_pk"], first["step"], min(sessions * phones, 2000))
    emit(
        {
            "benchmark": "live_many",
            "sessions": sessions,
            "phones_per_session": phones,
            "answers_per_phone": answers,
            "window_s": window,
            "processes": processes,
            "database": database_url.split(":", 1)[0],
            "broker": "redis" if redis_url else "in-process",
            "streams_open": figures.streams_open,
            **result,
            "elapsed_s": round(elapsed, 1),
            "load_average_1m": os.getloadavg()[0],
            "baseline": baseline,
        }
    )


if __name__ == "__main__":
    main()
