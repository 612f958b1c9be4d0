"""Pages share their process's Redis connections (Django's own Redis cache opened a new one for
every request served over ASGI, because each request gets cache objects of its own), and while
Redis is away the cache behaves as an empty one instead of raising."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse
from redis import ConnectionPool

from verbindend.accounts.models import User
from verbindend.core.tests.redis_tools import redis_url

REQUESTS = 8


class CountingPool(ConnectionPool):
    """redis-py's own pool, counting the connections it opens."""

    opened = 0

    def make_connection(self) -> Any:
        CountingPool.opened += 1
        return super().make_connection()


def _connections_for(backend: str, settings: Any) -> int:
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"cache-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"pool_class": CountingPool},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    user = User.objects.create_user(email, email, "a-long-password-1")
    client = AsyncClient()
    CountingPool.opened = 0

    async def pages() -> None:
        await asyncio.create_task(client.aforce_login(user))
        for _ in range(REQUESTS):  # one task a request, as the server runs them
            response = await asyncio.create_task(client.get(reverse("core:dashboard")))
            assert response.status_code == 200

    async_to_sync(pages)()
    return CountingPool.opened


@pytest.mark.django_db(transaction=True)
def test_pages_served_over_asgi_reuse_one_redis_connection(settings: Any) -> None:
    shared = _connections_for("verbindend.core.cache.SharedPoolRedisCache", settings)
    django_own = _connections_for("django.core.cache.backends.redis.RedisCache", settings)
    assert shared <= 1, f"{shared} connections for {REQUESTS} pages"
    # What the shared pools are for: Django's client opens one (or more) for every page.
    assert django_own >= REQUESTS, django_own


def test_while_redis_is_away_the_cache_is_an_empty_one(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Reads miss, writes are dropped, and a guessed code is answered as wrong, not with an error;
    one warning says why."""
    from django.core.cache import cache

    from bench._common import free_port
    from verbindend.core import throttle
    from verbindend.core.errors import DomainError

    settings.CACHES = {  # nothing listens here: every call to Redis fails
        "default": {
            "BACKEND": "verbindend.core.cache.SharedPoolRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    caplog.set_level("WARNING", logger="verbindend.core.cache")
    cache.set("a", 1)
    assert cache.get("a", "missing") == "missing"
    assert cache.get_many(["a", "b"]) == {}
    assert "a" not in cache
    assert cache.add("a", 1) is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.touch("a") is False
    assert cache.delete("a") is False
    cache.delete_many(["a", "b"])
    with pytest.raises(ValueError):
        cache.incr("a")

    def wrong() -> None:
        raise DomainError("live.unknown_code", "No session with this code.")

    for _ in range(throttle.FAILURES_ALLOWED + 2):  # never throttled: nothing is counted
        with pytest.raises(DomainError) as refused:
            throttle.guard("join", "192.0.2.1", "ABCDEF", wrong)
        assert refused.value.code == "live.unknown_code"
    throttle.limit("join", "192.0.2.1", allowed=1)
    assert throttle.guard("join", "192.0.2.1", "GOOD12", lambda: "found") == "found"
    warnings = [r for r in caplog.records if r.name == "verbindend.core.cache"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "Redis is not reachable" in warnings[0].getMessage()
