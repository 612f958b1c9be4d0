"""The broker: it only wakes streams (in-process, or Redis pub/sub with REDIS_URL)."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import threading
from collections import defaultdict
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)


CLOSE: dict[str, Any] = {"session": 0, "events": [], "close": True}


class Subscription:
    def __init__(self, broker: LocalBroker, session_pk: int, phones: bool) -> None:
        self.broker = broker
        self.session_pk = session_pk
        self.phones = phones
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def close(self) -> None:
        self.broker.unsubscribe(self)


class LocalBroker:
    """Fans messages out to this process's streams; knows nothing about the database.

    Screens and phones are kept apart: most messages are for the screens only (a new answer),
    and a session's thousands of phones are then not even looked at.
    """

    def __init__(self) -> None:
        # {phones?: {session: its streams}}
        self.subscribers: dict[bool, dict[int, set[Subscription]]] = {
            False: defaultdict(set),
            True: defaultdict(set),
        }
        self.loop: asyncio.AbstractEventLoop | None = None

    async def subscribe(self, session_pk: int, *, phones: bool) -> Subscription:
        self.loop = asyncio.get_running_loop()
        sub = Subscription(self, session_pk, phones)
        self.subscribers[phones][session_pk].add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        of_kind = self.subscribers[sub.phones]
        of_kind[sub.session_pk].discard(sub)
        if not of_kind[sub.session_pk]:
            of_kind.pop(sub.session_pk, None)

    def count(self, session_pk: int, *, phones: bool) -> int:
        return len(self.subscribers[phones].get(session_pk, ()))

    def close_all(self) -> None:
        """The server is shutting down: end every stream so that connections can drain."""
        for of_kind in self.subscribers.values():
            for subs in list(of_kind.values()):
                for sub in list(subs):
                    sub.queue.put_nowait(CLOSE)

    def dispatch(self, message: dict[str, Any]) -> None:
        kinds = (False, True) if message.get("phones") else (False,)
        for phones in kinds:
            for sub in list(self.subscribers[phones].get(message["session"], ())):
                sub.queue.put_nowait(message)

    async def publish(self, message: dict[str, Any]) -> None:
        self.dispatch(message)

    def publish_threadsafe(self, message: dict[str, Any]) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            if asyncio.get_running_loop() is loop:
                self.dispatch(message)
                return
        except RuntimeError:
            pass
        loop.call_soon_threadsafe(self.dispatch, message)


class RedisBroker(LocalBroker):
    """Publishes through Redis so every process's streams wake; one listener per process."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        # Pub/sub channels are shared by every database number of a Redis server: the prefix
        # keeps one instance's live events away from another's.
        self.channel = f"{settings.REDIS_PREFIX}:live"
        self.listener: asyncio.Task[None] | None = None
        self.client: Any = None
        self.ready: asyncio.Event | None = None
        self.sync_client: Any = None

    async def _ensure(self) -> None:
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        if self.listener is None or self.loop is not loop or self.listener.done():
            self.loop = loop
            self.client = aioredis.Redis.from_url(self.url)
            self.ready = asyncio.Event()
            self.listener = loop.create_task(self._listen(), context=contextvars.Context())
        assert self.ready is not None
        await self.ready.wait()

    async def _listen(self) -> None:
        while True:
            try:
                pubsub = self.client.pubsub()
                await pubsub.subscribe(self.channel)
                assert self.ready is not None
                self.ready.set()
                async for raw in pubsub.listen():
                    if raw.get("type") == "message":
                        self.dispatch(json.loads(raw["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis went away: streams fall back on the DB when it returns
                log.exception("live: Redis listener lost; reconnecting")
                await asyncio.sleep(1)

    async def subscribe(self, session_pk: int, *, phones: bool) -> Subscription:
        await self._ensure()
        return await super().subscribe(session_pk, phones=phones)

    async def publish(self, message: dict[str, Any]) -> None:
        await self._ensure()
        await self.client.publish(self.channel, json.dumps(message))

    def publish_threadsafe(self, message: dict[str, Any]) -> None:
        import redis

        if self.sync_client is None:
            self.sync_client = redis.Redis.from_url(self.url)
        try:
            self.sync_client.publish(self.channel, json.dumps(message))
        except redis.RedisError:
            log.exception("live: could not publish to Redis; screens catch up from the DB")


_broker: LocalBroker | None = None
_broker_lock = threading.Lock()


def broker() -> LocalBroker:
    global _broker
    with _broker_lock:
        if _broker is None:
            url = getattr(settings, "REDIS_URL", "")
            _broker = RedisBroker(url) if url else LocalBroker()
        return _broker


def publish_threadsafe(message: dict[str, Any]) -> None:
    broker().publish_threadsafe(message)
