"""The Redis cache with one connection pool per process, as redis-py means pools to be used.

Under ASGI, Django makes a cache object for each request (the cache handler keeps them per
request context), and Django's Redis client gives each object a pool of its own: every page
opened a new TCP connection to Redis to read its session, about a tenth of a page's time on
the page processes under load. Here all cache objects of a process share
their pools, so a page borrows a connection that is already open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedPoolClient(RedisCacheClient):
    # Set by Django's client (its type stubs leave them out).
    _servers: list[str]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _get_connection_pool_index: Callable[[bool], int]

    _pools_by_server: dict[tuple[str, Any, str], Any] = {}
    _lock = threading.Lock()

    def _get_connection_pool(self, write: bool) -> Any:
        index = self._get_connection_pool_index(write)
        # The same address with other options (a test's own timeouts, say) gets its own pool;
        # the driver's own description differs per object and says nothing about the pool.
        options = sorted(
            (name, value)
            for name, value in self._pool_options.items()
            if name not in {"driver_info", "lib_name"}
        )
        key = (self._servers[index], self._pool_class, repr(options))
        pool = self._pools_by_server.get(key)
        if pool is None:
            with self._lock:
                pool = self._pools_by_server.get(key)
                if pool is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    self._pools_by_server[key] = pool
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolClient
