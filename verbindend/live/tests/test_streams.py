"""A screen's stream: replay after Last-Event-ID, gaps filled from the database, no repeats."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from django.db import connections

from verbindend.live import engine
from verbindend.live.engine import streams

from .conftest import Room


async def direct(fn: Any, *args: Any) -> Any:
    return fn(*args)


def events(chunk: bytes) -> list[dict[str, Any]]:
    return [
        json.loads(line[6:]) for line in chunk.decode().splitlines() if line.startswith("data: ")
    ]


def test_replay_gap_filling_and_no_repeats(
    transactional_db: None, room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    items = [
        engine.Submission(
            room.session.public_id, room.participant.token, room.step.pk, uuid.uuid4(), f"t{i}"
        )
        for i in range(4)
    ]
    outcomes, _m = engine.write_batch(items[:2])
    seen_up_to = outcomes[0].sequence  # type: ignore[union-attr]

    async def run() -> list[dict[str, Any]]:
        stream = engine.screen_stream(room.session.pk, seen_up_to, direct)
        got: list[dict[str, Any]] = []
        got += events(await anext(stream))  # retry hint
        got += events(await anext(stream))  # replay: only what came after Last-Event-ID
        _later, messages = engine.write_batch(items[2:])
        # Deliver only the last event: the one before it must come from the database.
        last = messages[0]["events"][-1]
        engine.broker().dispatch({"session": room.session.pk, "phones": False, "events": [last]})
        got += events(await anext(stream))
        # A repeat of something already sent is dropped.
        engine.broker().dispatch(messages[0])
        engine.broker().dispatch(
            {
                "session": room.session.pk,
                "phones": False,
                "events": [{"type": "presence", "pid": "x", "count": 3}],
            }
        )
        got += events(await anext(stream))
        await stream.aclose()  # type: ignore[attr-defined]
        connections.close_all()  # this context's own connection
        return got

    got = asyncio.run(run())
    texts = [e.get("text") for e in got if e["type"] == "contribution"]
    assert texts == ["t1", "t2", "t3"]
    seqs = [e["seq"] for e in got if "seq" in e]
    assert seqs == sorted(set(seqs))
    assert got[-1] == {"type": "presence", "pid": "x", "count": 3}


def test_a_screen_that_was_not_woken_finds_new_events_in_the_database(
    transactional_db: None, room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    monkeypatch.setattr(streams, "POLL_SECONDS", 0.05)
    last = room.session.last_sequence

    async def run() -> list[dict[str, Any]]:
        stream = engine.screen_stream(room.session.pk, last, direct)
        await anext(stream)
        item = engine.Submission(
            room.session.public_id, room.participant.token, room.step.pk, uuid.uuid4(), "stil"
        )
        engine.write_batch([item])  # written, but nobody publishes it
        chunk = await asyncio.wait_for(anext(stream), 5)
        await stream.aclose()  # type: ignore[attr-defined]
        connections.close_all()
        return events(chunk)

    assert [e.get("text") for e in asyncio.run(run())] == ["stil"]
