"""Two instances on one Redis server: each hears only its own live events."""

from __future__ import annotations

import asyncio
from typing import Any

from verbindend.core.tests.redis_tools import redis_url
from verbindend.live.engine import RedisBroker


def test_the_default_prefix_differs_per_database() -> None:
    from verbindend.settings import _instance_name

    one = _instance_name({"NAME": "verbindend", "HOST": "db1", "PORT": 5432})
    two = _instance_name({"NAME": "verbindend", "HOST": "db2", "PORT": 5432})
    assert one != two and one.startswith("verbindend-verbindend-")


def test_live_events_of_one_instance_never_reach_another(settings: Any) -> None:
    url_a, url_b = redis_url(3), redis_url(4)

    def broker(url: str, prefix: str) -> RedisBroker:
        settings.REDIS_PREFIX = prefix
        return RedisBroker(url)

    listening = broker(url_a, "instance-a")
    other = broker(url_b, "instance-b")
    twin = broker(url_b, "instance-a")  # the same instance's second process

    async def run() -> tuple[list[Any], list[Any]]:
        sub = await listening.subscribe(7, phones=False)
        await other.publish({"session": 7, "events": [{"from": "b"}]})
        await asyncio.sleep(0.5)
        foreign = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
        await twin.publish({"session": 7, "events": [{"from": "a"}]})
        own = [await asyncio.wait_for(sub.queue.get(), 5)]
        for b in (listening, other, twin):
            if b.listener is not None:
                b.listener.cancel()
        return foreign, own

    foreign, own = asyncio.run(run())
    assert foreign == []
    assert own == [{"session": 7, "events": [{"from": "a"}]}]
