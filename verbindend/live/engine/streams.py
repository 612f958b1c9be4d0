"""The event streams of screens and phones, and who is connected."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

from verbindend.live import metrics
from verbindend.live.engine.broker import broker
from verbindend.live.engine.store import load_events

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
POLL_SECONDS = 3.0  # screens look in the database when nothing woke them for this long
GAP_WAIT_SECONDS = 0.3  # an early event waits this long for the ones before it
PROCESS_ID = f"{socket.gethostname()}-{os.getpid()}"


def sse(event: dict[str, Any]) -> bytes:
    data = json.dumps(event, separators=(",", ":"))
    head = f"id: {event['seq']}\n" if "seq" in event else ""
    return f"{head}data: {data}\n\n".encode()


async def screen_stream(
    session_pk: int,
    last_seen: int,
    run_sync: Callable[..., Any],
) -> AsyncIterator[bytes]:
    """A wall's or console's events: subscribe, replay after Last-Event-ID, then follow live.

    Events are sent strictly in sequence. One that arrives early (another process published
    first) waits briefly for the ones before it; if they do not come, they are read from the
    database. A screen that nothing woke for a while looks in the database too.
    """
    sub = await broker().subscribe(session_pk, phones=False)
    presence.changed(session_pk)  # a console that (re)connects learns the phone count at once
    early: dict[int, dict[str, Any]] = {}
    gap_since: float | None = None
    loop = asyncio.get_running_loop()
    metrics.STREAMS_OPEN.labels("screen").inc()
    try:
        yield b"retry: 1000\n\n"
        for event in await run_sync(load_events, session_pk, last_seen):
            last_seen = max(last_seen, event["seq"])
            yield sse(event)
        quiet = 0.0
        while True:
            wait = POLL_SECONDS
            if gap_since is not None:
                wait = max(0.0, gap_since + GAP_WAIT_SECONDS - loop.time())
            chunks: list[bytes] = []
            try:
                message = await asyncio.wait_for(sub.queue.get(), wait)
            except TimeoutError:
                # Missing events did not come, or nothing woke us: read the database.
                before = min(early) if early else None
                for missed in await run_sync(load_events, session_pk, last_seen, before):
                    chunks.append(sse(missed))
                    last_seen = missed["seq"]
                if early:
                    last_seen = max(last_seen, min(early) - 1)  # nothing else can be missing
                elif not chunks:
                    quiet += POLL_SECONDS
                    if quiet >= KEEPALIVE_SECONDS:
                        quiet = 0.0
                        chunks.append(b": keepalive\n\n")
            else:
                if message.get("close"):
                    return
                for event in message["events"]:
                    seq = event.get("seq")
                    if seq is None:  # presence: not part of the log
                        chunks.append(sse(event))
                    elif seq > last_seen:
                        early[seq] = event
            while last_seen + 1 in early:
                last_seen += 1
                chunks.append(sse(early.pop(last_seen)))
            for seq in [s for s in early if s <= last_seen]:
                del early[seq]
            gap_since = (gap_since or loop.time()) if early else None
            if chunks:
                quiet = 0.0
                yield b"".join(chunks)
    finally:
        metrics.STREAMS_OPEN.labels("screen").dec()
        sub.close()


async def phone_stream(session_pk: int, current: dict[str, Any]) -> AsyncIterator[bytes]:
    """A phone's events: the current state first, then state changes only."""
    sub = await broker().subscribe(session_pk, phones=True)
    presence.changed(session_pk)
    metrics.STREAMS_OPEN.labels("phone").inc()
    try:
        yield b"retry: 2000\n\n" + sse({k: v for k, v in current.items() if k != "seq"})
        while True:
            try:
                message = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield b": keepalive\n\n"
                continue
            if message.get("close"):
                return
            yield b"".join(
                sse({k: v for k, v in e.items() if k != "seq"})
                for e in message["events"]
                if e.get("type") == "state"
            )
    finally:
        metrics.STREAMS_OPEN.labels("phone").dec()
        sub.close()
        presence.changed(session_pk)


class Presence:
    """Tells the screens how many phones this process holds open, at most once a second."""

    def __init__(self) -> None:
        self.dirty: set[int] = set()
        self.task: asyncio.Task[None] | None = None

    def changed(self, session_pk: int) -> None:
        self.dirty.add(session_pk)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(
                self._flush(), context=contextvars.Context()
            )

    async def _flush(self) -> None:
        await asyncio.sleep(1)
        dirty, self.dirty = self.dirty, set()
        for pk in dirty:
            count = broker().count(pk, phones=True)
            event = {"type": "presence", "pid": PROCESS_ID, "count": count}
            try:
                await broker().publish({"session": pk, "phones": False, "events": [event]})
            except Exception:
                log.exception("live: presence not published")


presence = Presence()
