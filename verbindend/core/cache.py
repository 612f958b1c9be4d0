"""The Redis cache: one connection pool per process, and an empty cache while Redis is away.

- Under ASGI, Django makes a cache object for each request (the cache handler keeps them per
  request context), and Django's Redis client gives each object a pool of its own: every page
  opened a new TCP connection to Redis to read its session, about a tenth of a page's time on
  the page processes under load. Here all cache objects of a process share their pools, so a
  page borrows a connection that is already open.
- While Redis restarts or cannot be reached, every cache call raised, so every logged-in page,
  the scan results and the join-code throttle failed. Here the cache then behaves as an empty
  cache that keeps nothing: reads miss, writes are dropped, and the callers fall back on what a
  miss already means to them (the session is read from the database, results are computed, a
  wrong code is not counted). One warning every ``WARN_EVERY_SECONDS`` says so in the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 10.0


class SharedPoolClient(RedisCacheClient):
    # Set by Django's client (its type stubs leave them out).
    _servers: list[str]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _get_connection_pool_index: Callable[[bool], int]

    _pools_by_server: dict[tuple[str, Any, str], Any] = {}
    _lock = threading.Lock()

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        # The same address with other options (a test's own timeouts, say) gets its own pool;
        # the driver's own description differs per object and says nothing about the pool.
        shared = sorted(
            (name, value)
            for name, value in self._pool_options.items()
            if name not in {"driver_info", "lib_name"}
        )
        self._pool_key = (self._pool_class, repr(shared))

    def _get_connection_pool(self, write: bool) -> Any:
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], *self._pool_key)
        pool = self._pools_by_server.get(key)
        if pool is None:
            with self._lock:
                pool = self._pools_by_server.get(key)
                if pool is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    self._pools_by_server[key] = pool
        return pool


_last_warning = 0.0


@contextmanager
def _unless_away(call: str) -> Iterator[None]:
    """Run a cache call; if Redis cannot be reached, note it and go on as with an empty cache."""
    global _last_warning
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError) as error:
        now = time.monotonic()
        if now - _last_warning >= WARN_EVERY_SECONDS:
            _last_warning = now
            log.warning(
                "cache: Redis is not reachable (%s in %s); going on without it", error, call
            )


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolClient

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        with _unless_away("get"):
            return super().get(key, default, version)
        return default

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        with _unless_away("get_many"):
            return super().get_many(keys, version)
        return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        with _unless_away("has_key"):
            return super().has_key(key, version)
        return False

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        with _unless_away("add"):
            return super().add(key, value, timeout, version)
        return False

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        with _unless_away("set"):
            super().set(key, value, timeout, version)

    def set_many(
        self,
        data: dict[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        with _unless_away("set_many"):
            return super().set_many(data, timeout, version)
        return list(data)  # the keys that were not stored

    def touch(
        self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        with _unless_away("touch"):
            return super().touch(key, timeout, version)
        return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        with _unless_away("delete"):
            return super().delete(key, version)
        return False

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        with _unless_away("delete_many"):
            super().delete_many(keys, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        with _unless_away("incr"):
            return super().incr(key, delta, version)
        raise ValueError(f"Key {key!r} not found.")  # as for any key an empty cache lacks
