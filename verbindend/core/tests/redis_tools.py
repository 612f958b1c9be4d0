"""The Redis that tests may use: skipped on a developer's machine without one, a failure on CI."""

from __future__ import annotations

import os

import pytest

ON_CI = os.environ.get("CI") == "true"


def redis_url(db: int | None = None) -> str:
    """The test Redis's address (``REDIS_URL_FOR_TESTS``), with database ``db`` when given."""
    url = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {url} ({error})"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url if db is None else url.rsplit("/", 1)[0] + f"/{db}"
