"""Pages share their process's Redis connections: Django's own Redis cache opened a new one for
every request served over ASGI, because each request gets cache objects of its own."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
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
    settings.SESSION_ENGINE = "verbindend.accounts.sessions"
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    user = User.objects.create_user(email, email, "a-long-password-1")
    client = AsyncClient()
    CountingPool.opened = 0

    async def pages() -> None:
        await asyncio.create_task(client.aforce_login(user))
        for _ in range(REQUESTS):  # one task a request, as the server runs them
            response = await asyncio.create_task(client.get(reverse("core:dashboard")))
            assert response.status_code == 200

    from asgiref.sync import async_to_sync

    async_to_sync(pages)()
    return CountingPool.opened


@pytest.mark.django_db(transaction=True)
def test_pages_served_over_asgi_reuse_one_redis_connection(settings: Any) -> None:
    shared = _connections_for("verbindend.core.cache.SharedPoolRedisCache", settings)
    django_own = _connections_for("django.core.cache.backends.redis.RedisCache", settings)
    assert shared <= 1, f"{shared} connections for {REQUESTS} pages"
    # What the shared pools are for: Django's client opens one (or more) for every page.
    assert django_own >= REQUESTS, django_own
