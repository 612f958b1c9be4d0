"""What readiness checks: the database, Redis when configured, and a background worker alive."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection


def readiness() -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except DatabaseError as error:
        checks["database"] = {"ok": False, "error": type(error).__name__}
    if settings.REDIS_URL:
        import redis

        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
            )
            client.ping()
            client.close()
            checks["redis"] = {"ok": True}
        except redis.RedisError as error:
            checks["redis"] = {"ok": False, "error": type(error).__name__}
    if checks["database"]["ok"]:
        from verbindend.core.workers import alive_workers

        try:
            count = len(alive_workers())
            checks["worker"] = {"ok": count > 0, "alive": count}
        except DatabaseError as error:
            checks["worker"] = {"ok": False, "error": type(error).__name__}
    else:
        checks["worker"] = {"ok": False, "error": "database unavailable"}
    return checks
